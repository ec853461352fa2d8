#!/bin/bash
# The seccomp layer's cost: 10,000 TCP connects and 10,000 DNS round trips
# inside a tor sandbox, with the filter and with a build that leaves it out
# (never installed), run side by side with hyperfine, printed as ratios.
# The connects land on a TransPort sink and the lookups on a DNSPort sink,
# both on the throwaway host namespace's loopback.
set -eu
: "${TORGATE:?set TORGATE}" "${TORGATE_NO_SECCOMP:?}" "${NETLOAD:?}"
N=${N:-10000}
RUNS=${RUNS:-10}
ns=tgbs$$
# Not under /tmp, which is each sandbox's own: the load program runs inside.
out=$(mktemp -d /var/tmp/torgate-bench.XXXXXX)
pids=
user=tgbench$$
cleanup() {
    userdel "$user" 2>/dev/null || true
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT INT TERM
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$user"
# A pool of four slots: each run's sandbox reuses one of four addresses, so
# that the conntrack entries of 10,000 connections per run (30 s for UDP, 2
# minutes in TIME_WAIT) are reused rather than piled up: from random slots of
# the default pool they would fill the kernel's conntrack table, which then
# drops packets.
printf '[network]\npool = 10.118.0.0/28\n' >"$out/bench.conf"
chmod 755 "$out" && cp "$NETLOAD" "$out/netload" && NETLOAD=$out/netload
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$NETLOAD" serve-tcp 9040 & pids="$pids $!"
ip netns exec "$ns" "$NETLOAD" serve-dns 5353 & pids="$pids $!"
sleep 0.3

hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$out/seccomp.json" \
    -n "connect, filter" "ip netns exec $ns $TORGATE --config $out/bench.conf --user $user -- $NETLOAD connect 203.0.113.10 80 $N" \
    -n "connect, no filter" "ip netns exec $ns $TORGATE_NO_SECCOMP --config $out/bench.conf --user $user -- $NETLOAD connect 203.0.113.10 80 $N" \
    -n "dns, filter" "ip netns exec $ns $TORGATE --config $out/bench.conf --user $user -- $NETLOAD dns auto $N" \
    -n "dns, no filter" "ip netns exec $ns $TORGATE_NO_SECCOMP --config $out/bench.conf --user $user -- $NETLOAD dns auto $N"

PYTHONPATH=$(dirname "$0") python3 - "$out/seccomp.json" "$N" <<'PY'
import json, sys
from results import emit
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
n = int(sys.argv[2])
print(f"\nseccomp layer, {n} calls per run, median, filter vs no filter run side by side:")
for load in ("connect", "dns"):
    with_f, without = r[f"{load}, filter"], r[f"{load}, no filter"]
    extra = (with_f - without) / n * 1e6
    emit(f"supervision: per {load}, over no filter", extra, "us", "<= 10", extra <= 10, f"x{with_f/without:.2f} of no filter")
PY
