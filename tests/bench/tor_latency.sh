#!/bin/bash
# Time to first byte through Tor, in the private Tor network of the test
# topology (tests/lib/topology.sh, tests/lib/tornet.sh: three authorities,
# two relays, an exit, the host's real tor with torgate's shipped snippet),
# to the internet's web server (203.0.113.10:80, www.example.test), side by
# side, round-robin across the variants (the machine is noisy):
#   a   curl --socks5-hostname 127.0.0.1:9050 from the host namespace (baseline)
#   b   a torgate sandbox (default profile), curl --socks5 at gateway:9050
#   c   a torgate sandbox, curl http://203.0.113.10/ (the TransPort)
#   d   a torgate sandbox, curl http://www.example.test/ (the DNSPort, then
#       the TransPort)
#   e   a torgate sandbox, the name's lookup alone: dig's query time for its
#       A record (the one query curl sends), through the sandbox's DNS guard
#   n   c with TORGATE_NO_SECCOMP (a build without the seccomp filter), when set
#   aq, bq, cq, dq  a to d in a second phase, the relays ACKing at once
#       (tornet_relay_quickack: tor's OR connections use Nagle, and on this
#       network's idle channels a relay's delayed ACK holds an exit's answer
#       ~40 ms when it follows CONNECTED within a millisecond, as it does for
#       a TransPort stream's optimistic data)
# Each sandbox is a launch of its own (a client address of its own, so Tor
# gives it circuits of its own, as for an application started from the
# menu). Inside it, curl's own -w timings (time_namelookup, time_connect,
# time_starttransfer) leave torgate's launch out.
#
# env: TORGATE (required), RUNS (default 30 per variant; WARMUP, default 2,
# rounds before those are left out), VARIANTS (default
# "a b c d e aq bq cq dq", plus n with TORGATE_NO_SECCOMP), BENCH_RESULTS (JSON
# lines are appended there, one per figure). As root; everything runs in
# the topology's namespaces, torn down on exit, also on Ctrl-C.
set -u
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
. "$TESTS_DIR/lib/tap.sh"
. "$TESTS_DIR/lib/topology.sh"
. "$TESTS_DIR/lib/tornet.sh"
: "${TORGATE:?set TORGATE to the staged torgate (make bench-tor does)}"
[ "$(id -u)" = 0 ] || { echo "tor_latency.sh: run it as root (it builds network namespaces)" >&2; exit 1; }
RUNS=${RUNS:-30}
WARMUP=${WARMUP:-2}
VARIANTS=${VARIANTS:-a b c d e${TORGATE_NO_SECCOMP:+ n} aq bq cq dq}

tornet_up || bail_out "cannot build the private Tor network"
TG_USER=tgbl$$
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$TG_USER" ||
    bail_out "cannot add the user $TG_USER"
topo_add_user "$TG_USER"
chown "$TG_USER" "$TOPO_DIR"
CONF=$(topo_torgate_conf "$TG_USER")
OUT=$TOPO_DIR/tor-latency
mkdir -p "$OUT"

# curl's timings in seconds: namelookup connect starttransfer total
W='%{time_namelookup} %{time_connect} %{time_starttransfer} %{time_total}\n'
CURL="curl -sS -o /dev/null --max-time 30 -w '$W'"
GW='$(sed -n "s/^nameserver //p" /etc/resolv.conf)'

sandbox() { # TORGATE COMMAND-STRING
    local bin=$1
    shift
    ip netns exec "$HOST_NS" "$bin" --config "$CONF" --user "$TG_USER" --profile default -- sh -c "$1"
}

# one run of variant V: prints "namelookup connect starttransfer total"
run() {
    case $1 in
    a) ip netns exec "$HOST_NS" sh -c "$CURL --socks5-hostname 127.0.0.1:9050 http://203.0.113.10/" ;;
    b) sandbox "$TORGATE" "$CURL --socks5 $GW:9050 http://203.0.113.10/" ;;
    c) sandbox "$TORGATE" "$CURL --proxy '' http://203.0.113.10/" ;;
    d) sandbox "$TORGATE" "$CURL --proxy '' http://www.example.test/" ;;
    e) sandbox "$TORGATE" 'dig +tries=1 +time=20 www.example.test A |
           awk "/^;; Query time: [0-9]+ msec/ { t = \$4 / 1000; print t, t, t, t }"' ;;
    n) sandbox "$TORGATE_NO_SECCOMP" "$CURL --proxy '' http://203.0.113.10/" ;;
    esac
}

# rounds VARIANT... : WARMUP + RUNS rounds, round-robin, each round starting
# one variant further on; each run's curl timings go to $OUT/VARIANT (a
# variant named Xq is X, its name telling the phase)
failed=0
rounds() {
    local nv=$# r k i v line st
    echo "tor latency: $WARMUP warm-up and $RUNS measured rounds of: $*" >&2
    for ((r = 1; r <= WARMUP + RUNS; r++)); do
        for ((k = 0; k < nv; k++)); do
            i=$(((r + k) % nv + 1))
            v=${!i}
            line=$(run "${v%q}" 2>"$OUT/err")
            st=$?
            if [ "$st" = 0 ] && [[ $line =~ ^[0-9.e-]+\ [0-9.e-]+\ [0-9.e-]+\ [0-9.e-]+$ ]]; then
                ((r <= WARMUP)) || echo "$line" >>"$OUT/$v"
            else
                failed=$((failed + 1))
                echo "tor latency: run $r of $v failed: ${line:-} $(head -c 300 "$OUT/err")" >&2
                ((failed <= RUNS)) || bail_out "too many failed runs"
            fi
        done
        ((r % 10)) || echo "tor latency: round $r of $((WARMUP + RUNS))" >&2
    done
}
# Two phases, each interleaved: the network as it is, then with the relays
# ACKing at once (switched once: switching around each run would upset
# conflux's choice of legs for the baseline's long-lived circuits).
plain='' quick=''
for v in $VARIANTS; do
    if [[ $v == *q ]]; then quick="$quick $v"; else plain="$plain $v"; fi
done
[ -z "$plain" ] || rounds $plain
if [ -n "$quick" ]; then
    tornet_relay_quickack on || bail_out "cannot set the relays' routes"
    rounds $quick
    tornet_relay_quickack off
fi

PYTHONPATH=$BENCH_DIR python3 - "$OUT" "$VARIANTS" "$failed" <<'PY'
import os, statistics, sys
from results import emit
out, variants, failed = sys.argv[1], sys.argv[2].split(), int(sys.argv[3])
names = {"a": "host, SOCKS 127.0.0.1:9050 (baseline)",
         "b": "sandbox, SOCKS at gateway:9050",
         "c": "sandbox, TransPort, numeric address",
         "d": "sandbox, DNSPort + TransPort, by name",
         "e": "sandbox, the name's lookup alone",
         "aq": "(a), relays ACK at once",
         "bq": "(b), relays ACK at once",
         "cq": "(c), relays ACK at once",
         "dq": "(d), relays ACK at once",
         "n": "(c) without seccomp"}
runs = {}
for v in variants:
    path = os.path.join(out, v)
    rows = [list(map(float, l.split())) for l in open(path)] if os.path.exists(path) else []
    runs[v] = [[r[i] * 1000 for r in rows] for i in range(4)]  # ms: lookup connect ttfb total
runs = {v: r for v, r in runs.items() if r[2]}
med = statistics.median
p90 = lambda xs: sorted(xs)[min(len(xs) - 1, int(0.9 * len(xs)))]

print(f"\ntime to first byte through Tor, ms ({failed} failed runs left out):")
print(f"  {'variant':44s} {'n':>3s} {'lookup':>7s} {'connect':>7s} {'ttfb':>7s} {'min':>7s} {'p90':>7s}")
for v, (lk, cn, tt, _) in runs.items():
    print(f"  {v:3s} {names[v]:40s} {len(tt):3d} {med(lk):7.1f} {med(cn):7.1f} {med(tt):7.1f} {min(tt):7.1f} {p90(tt):7.1f}")
print()

ttfb = {v: med(r[2]) for v, r in runs.items()}
def detail(v):
    lk, cn, tt, _ = runs[v]
    d = f"n={len(tt)}, min {min(tt):.1f}, p90 {p90(tt):.1f}"
    return d + (f", lookup {med(lk):.1f}, connect {med(cn):.2f} ms" if v != "e" else " ms")
for v in runs:
    if v == "e":
        emit(f"tor: {names[v]}", ttfb[v], "ms", "", None, detail(v))
        continue
    emit(f"tor: {names[v]}, ttfb", ttfb[v], "ms", "", None, detail(v))
    a = "aq" if v.endswith("q") else "a"  # the baseline of the same phase
    if a in ttfb and v != a:
        emit(f"tor: {names[v]}, over ({a})", ttfb[v] / ttfb[a], "x", "", None, f"{ttfb[v]:.1f} vs {ttfb[a]:.1f} ms")
# the targets: the TransPort no slower than SOCKS at the gateway (medians,
# 5% for noise); a name adding no more than its own lookup
for c, b in (("c", "b"), ("cq", "bq")):
    if c in ttfb and b in ttfb:
        emit(f"tor: TransPort over SOCKS at gateway, ({c})/({b})", ttfb[c] / ttfb[b], "x", "<= 1.05",
             ttfb[c] <= ttfb[b] * 1.05, f"{ttfb[c]:.1f} vs {ttfb[b]:.1f} ms")
if "n" in ttfb and "c" in ttfb:
    emit("tor: the seccomp filter's share of (c), (c)-(n)", ttfb["c"] - ttfb["n"], "ms", "", None,
         f"connect {med(runs['c'][1]):.2f} vs {med(runs['n'][1]):.2f} ms")
for d, c in (("d", "c"), ("dq", "cq")):
    if d in ttfb and c in ttfb:
        own = ttfb["e"] if "e" in ttfb else med(runs[d][0])
        emit(f"tor: what a name adds, ({d})-({c})", ttfb[d] - ttfb[c], "ms", f"<= lookup {own:.1f}",
             ttfb[d] - ttfb[c] <= own * 1.05, f"curl's own lookup in ({d}): {med(runs[d][0]):.1f} ms")
PY
