#!/bin/bash
# Launch overhead, run side by side with hyperfine in a throwaway host
# namespace (no Tor needed: COMMAND is /bin/true):
#   baseline   unshare -n /bin/true           (a bare network namespace)
#   torgate    torgate -- /bin/true           (namespaces, veth, firewall, init)
#   by hand    ip netns add + veth + ip netns exec true + ip netns del,
#              the way a user scripts it
# Figures are printed as ratios to the baseline, since these machines are noisy.
set -eu
: "${TORGATE:?set TORGATE}"
RUNS=${RUNS:-60}
ns=tgbench$$
out=$(mktemp -d)
user=tgbench$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$out"; userdel "$user" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
# torgate runs COMMAND as root never: as root, it names a user.
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$user"
ip netns add "$ns"
ip -n "$ns" link set lo up

# The user's script: what torgate saves them from writing.
cat >"$out/by-hand.sh" <<'SH'
#!/bin/sh
set -e
n=tgbh$$
ip netns add $n
ip link add tgbh$$ type veth peer name eth0 netns $n
ip addr add 10.119.0.1/30 dev tgbh$$
ip link set tgbh$$ up
ip -n $n addr add 10.119.0.2/30 dev eth0
ip -n $n link set eth0 up
ip -n $n route add default via 10.119.0.1
ip netns exec $n /bin/true
ip netns del $n
SH
chmod +x "$out/by-hand.sh"

hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$out/launch.json" \
    -n baseline "ip netns exec $ns unshare -n /bin/true" \
    -n torgate "ip netns exec $ns $TORGATE --user $user -- /bin/true" \
    -n by-hand "ip netns exec $ns $out/by-hand.sh"

python3 - "$out/launch.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
base = results["baseline"]["median"]
print("\nlaunch overhead, median, as a ratio to 'unshare -n /bin/true' run side by side:")
for name in ("baseline", "torgate", "by-hand"):
    r = results[name]
    print(f"  {name:9s} {r['median']*1000:7.2f} ms  x{r['median']/base:5.2f}")
print("target for torgate: under x2.00")
PY
