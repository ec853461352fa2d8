"""make bench's figures: each bench script appends one JSON line per figure
to $BENCH_RESULTS (emit), and report() prints them as one table with the
targets beside them.

A line: {"figure": str, "value": number, "unit": str, "target": str,
         "ok": true | false | null (no target), "detail": str}"""
import json
import os
import sys


def emit(figure, value, unit, target="", ok=None, detail=""):
    line = {"figure": figure, "value": round(value, 3), "unit": unit, "target": target,
            "ok": ok, "detail": detail}
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(line) + "\n")
    mark = "" if ok is None else ("  ok" if ok else "  MISSED")
    print(f"  {figure:52s} {value:9.2f} {unit:14s} {target:18s}{mark}  {detail}")


def report(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    print(f"\n{'figure':52s} {'value':>9s} {'unit':14s} {'target':18s} result")
    print("-" * 110)
    for r in rows:
        mark = "-" if r["ok"] is None else ("ok" if r["ok"] else "MISSED")
        print(f"{r['figure']:52s} {r['value']:9.2f} {r['unit']:14s} {r['target']:18s} {mark}")
    missed = [r["figure"] for r in rows if r["ok"] is False]
    print(f"\n{len(rows)} figures, {len(missed)} targets missed" + (": " + "; ".join(missed) if missed else ""))


if __name__ == "__main__":
    report(sys.argv[1])
