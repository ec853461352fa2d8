#!/bin/bash
# What running sandboxes cost, in a throwaway host namespace (no Tor needed:
# a sink stands for the TransPort):
#   memory     the private memory (Private_Clean + Private_Dirty of
#              smaps_rollup) of one more tor-mode sandbox's launcher, init,
#              SOCKS guard and datagram island's maker, while another runs (the libraries' pages are
#              then shared, as on a desktop with several apps in sandboxes)
#   flat       the launch time of one sandbox, and the supervision cost of
#              its connects, while 0, 50 and 200 others run (in rounds)
#   at once    200 sandboxes started together: all run, each with its own
#              address, and none of their links is left after
set -eu
: "${TORGATE:?set TORGATE}" "${NETLOAD:?set NETLOAD}"
RUNS=${RUNS:-20}
MANY=${MANY:-200}
ns=tgbm$$
user=tgbench$$
out=$(mktemp -d /var/tmp/torgate-bench.XXXXXX)
pids=
cleanup() {
    pkill -TERM -f "$out/sleeper" 2>/dev/null || true
    [ -z "$pids" ] || kill $pids 2>/dev/null || true
    for _ in $(seq 100); do pgrep -f "$out/sleeper" >/dev/null || break; sleep 0.1; done
    pkill -KILL -f "$out/sleeper" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    userdel "$user" 2>/dev/null || true
    rm -rf "$out"
}
trap cleanup EXIT INT TERM
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$user"
chmod 755 "$out" && cp "$NETLOAD" "$out/netload" && NETLOAD=$out/netload
# COMMAND for the sandboxes that stay: sleep under a name of its own, so
# that they, and only they, can be found and ended.
ln -s "$(command -v sleep)" "$out/sleeper"
ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" "$NETLOAD" serve-tcp 9040 & pids="$pids $!"
tg() { ip netns exec "$ns" "$TORGATE" --user "$user" "$@"; }
links() { ip -n "$ns" -o link show type veth | wc -l; }
commands() { pgrep -c -f "^$out/sleeper" || true; }

# wait_for N : until N sandboxes' COMMANDs run (at most 60 s)
wait_for() {
    for _ in $(seq 600); do [ "$(commands)" -ge "$1" ] && return 0; sleep 0.1; done
    echo "bench: only $(commands) of $1 sandboxes started" >&2
    return 1
}
# start N : N more sandboxes, each sleeping until the bench ends them
start() {
    local i
    for i in $(seq "$1"); do tg -- "$out/sleeper" 3600 >/dev/null 2>&1 & done
}
stop_all() {
    pkill -TERM -f "^$out/sleeper" 2>/dev/null || true
    for _ in $(seq 600); do [ "$(commands)" = 0 ] && [ "$(links)" = 0 ] && return 0; sleep 0.1; done
}

# private KiB of a process (smaps_rollup)
private_kib() { awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s }' "/proc/$1/smaps_rollup"; }
memory() {
    start 1 && wait_for 1
    local sleeper init launcher guard= maker= child
    tg -- "$out/sleeper" 3601 >/dev/null 2>&1 &
    for _ in $(seq 600); do sleeper=$(pgrep -f "^$out/sleeper 3601" || true); [ -n "$sleeper" ] && break; sleep 0.1; done
    sleep 0.5 # nothing to wait on: let the new processes settle after setup
    init=$(ps -o ppid= "$sleeper" | tr -d ' ')
    launcher=$(ps -o ppid= "$init" | tr -d ' ')
    # init's two torgate children: the SOCKS guard in the sandbox's network
    # namespace, the island's maker in the island
    for child in $(pgrep -P "$init" -x torgate || true); do
        if [ "$(readlink "/proc/$child/ns/net")" = "$(readlink "/proc/$init/ns/net")" ]; then
            guard=$child
        else
            maker=$child
        fi
    done
    echo "$(private_kib "$launcher") $(private_kib "$init") $(private_kib "$guard") $(private_kib "$maker")" >"$out/memory"
    stop_all
}
memory

# Launch and supervision while 0, 50 and MANY others run: in ROUNDS rounds
# of 0, 50, MANY, so that the machine's drift falls on each alike.
ROUNDS=${ROUNDS:-3}
for round in $(seq "$ROUNDS"); do
    stop_all
    for others in 0 50 "$MANY"; do
        start $((others - $(commands))) && wait_for "$others"
        hyperfine -N --warmup 1 --runs $(((RUNS + ROUNDS - 1) / ROUNDS)) --export-json "$out/flat-$others-$round.json" \
            -n launch "ip netns exec $ns $TORGATE --user $user -- /bin/true" \
            -n connects "ip netns exec $ns $TORGATE --user $user -- $NETLOAD connect 203.0.113.10 80 2000" >/dev/null
    done
done
stop_all

# MANY at once: all run, each with its own address; no link left after.
start "$MANY"
wait_for "$MANY" || true
running=$(commands)
addresses=$(ip -n "$ns" -o -4 addr show | awk '$2 != "lo" { print $4 }' | sort -u | wc -l)
stop_all
left=$(links)

PYTHONPATH=$(dirname "$0") python3 - "$out" "$MANY" "$running" "$addresses" "$left" <<'PY'
import json, sys
from results import emit
out, many, running, addresses, left = sys.argv[1], *map(int, sys.argv[2:])
mem = [int(x) for x in open(f"{out}/memory").read().split()]
print("\nwhat one more running sandbox costs (private memory, another one running):")
for name, kib in zip(("launcher", "init", "SOCKS guard", "island maker"), mem):
    emit(f"memory: one more sandbox's {name}", kib, "KiB private", "<= 512", kib <= 512)
import glob, statistics
def med(n, what):
    times = [t for f in glob.glob(f"{out}/flat-{n}-*.json") for r in json.load(open(f))["results"]
             if r["command"] == what for t in r["times"]]
    return statistics.median(times)
print(f"\nflat with the number of sandboxes (0, 50, {many} others running):")
for what, label in (("launch", "launch"), ("connects", "2000 supervised connects")):
    for n in (50, many):
        ratio = med(n, what) / med(0, what)
        emit(f"{label}, {n} others running", ratio, "x none running", "<= 1.10", ratio <= 1.10,
             f"{med(n, what)*1000:.1f} ms vs {med(0, what)*1000:.1f} ms")
print(f"\n{many} sandboxes started at once:")
emit(f"{many} at once: running", running, "sandboxes", f"= {many}", running == many)
emit(f"{many} at once: distinct addresses", addresses, "addresses", f"= {many}", addresses == many)
emit(f"{many} at once: links left after", left, "links", "= 0", left == 0)
PY
