#!/bin/bash
# Clearnet throughput through a sandbox's veth and the host's NAT, against
# the host's own, in the test topology (tests/lib/topology.sh): iperf3 from
# the host namespace and from an unsafe-browser sandbox to a server in the
# internet namespace, in alternating rounds, medians.
set -u
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS_DIR/integration/common.sh"
ROUNDS=${ROUNDS:-5}
SECONDS_EACH=${SECONDS_EACH:-2}
tg_setup
ip netns exec "$INET_NS" iperf3 --server --bind 203.0.113.10 --port 5201 >/dev/null 2>&1 &
topo_add_pid $! # iperf3 itself: ip netns exec execs it
wait_for _topo_listening "$INET_NS" t 203.0.113.10 5201 || bail_out "iperf3 does not listen"

# receiver's bits per second of one run, from iperf3's JSON
rate() { python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])'; }
client="iperf3 --client 203.0.113.10 --port 5201 --time $SECONDS_EACH --json"
host=() sandbox=()
for _ in $(seq "$ROUNDS"); do
    host+=("$(in_host $client | rate)") || bail_out "iperf3 from the host failed"
    sandbox+=("$(tg --profile unsafe-browser -- $client | rate)") || bail_out "iperf3 from a sandbox failed"
done

PYTHONPATH=$(dirname "$0") python3 - "${host[*]}" "${sandbox[*]}" <<'PY'
import statistics, sys
from results import emit
host = statistics.median(map(float, sys.argv[1].split()))
sandbox = statistics.median(map(float, sys.argv[2].split()))
print("\nclearnet throughput (iperf3, medians of alternating rounds):")
emit("clearnet throughput, sandbox over host", sandbox / host, "x host's own", ">= 0.9", sandbox / host >= 0.9,
     f"{sandbox/1e9:.2f} Gbit/s vs {host/1e9:.2f} Gbit/s")
PY
