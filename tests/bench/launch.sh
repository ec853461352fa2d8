#!/bin/bash
# Launch overhead, run side by side with hyperfine in a throwaway host
# namespace (no Tor needed: COMMAND is /bin/true):
#   baseline   unshare -n /bin/true           (a bare network namespace)
#   torgate    torgate -- /bin/true           (namespaces, veth, firewall, init)
#   by hand    ip netns add + veth + ip netns exec true + ip netns del,
#              the way a user scripts it
#   bwrap      bwrap --unshare-net (bubblewrap, a peer a user would pick)
#   firejail   firejail --noprofile --net=none (another; when installed)
# and what the session's helpers cost, offline (no link), side by side:
#   offline    a profile with no bus and no sound: no helper
#   bus        session-bus = filtered: xdg-dbus-proxy started and waited for
#   sound      sound = allow: a PulseAudio of the sandbox's own, waited for
#   a11y       accessibility = allow: the accessibility bus asked of the
#              session (dbus-send), and xdg-dbus-proxy for it
# (the user's own session bus and PulseAudio run for the bench).
# Figures are printed as ratios to the baseline, since these machines are noisy.
set -eu
: "${TORGATE:?set TORGATE}" "${NETLOAD:?set NETLOAD}"
RUNS=${RUNS:-60}
ns=tgbench$$
out=$(mktemp -d)
user=tgbench$$
profiles=$(dirname "$(dirname "$TORGATE")")/etc/torgate/profiles
made_profiles=
runtime=
sink=
cleanup() {
    [ -z "$sink" ] || kill "$sink" 2>/dev/null || true
    pkill -u "$user" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$out" "$runtime"
    rm -f "$profiles"/tgbench-*.profile
    [ -z "$made_profiles" ] || rmdir "$profiles" 2>/dev/null || true
    userdel "$user" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
# torgate runs COMMAND as root never: as root, it names a user.
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$user"
ip netns add "$ns"
ip -n "$ns" link set lo up
# Tor's TransPort, as on a desktop where tor runs: with nothing there, a
# launch with no terminal would notify the user that tor is not running.
ip netns exec "$ns" "$NETLOAD" serve-tcp 9040 &
sink=$!

# The user's session: a bus and a sound server, and profiles that use them.
uid=$(id -u "$user")
runtime=/run/user/$uid
chmod 755 "$out"
install -d -m 0700 -o "$user" -g "$user" "$runtime" "$out/home"
chown "$user:" "$out/home"
[ -d "$profiles" ] || { mkdir -m 0755 "$profiles"; made_profiles=1; }
printf '[profile]\nmode = offline\n' >"$profiles/tgbench-offline.profile"
printf '[profile]\nmode = offline\nsession-bus = filtered\n' >"$profiles/tgbench-bus.profile"
printf '[profile]\nmode = offline\nsound = allow\n' >"$profiles/tgbench-sound.profile"
printf '[profile]\nmode = offline\naccessibility = allow\n' >"$profiles/tgbench-a11y.profile"
chmod 0644 "$profiles"/tgbench-*.profile
session="env XDG_RUNTIME_DIR=$runtime DBUS_SESSION_BUS_ADDRESS=unix:path=$runtime/bus"
as_user() { setpriv --reuid="$user" --regid="$user" --init-groups env -i PATH=/usr/bin:/bin HOME="$out/home" XDG_RUNTIME_DIR="$runtime" "$@"; }
as_user dbus-daemon --session --nofork --address="unix:path=$runtime/bus" >/dev/null 2>&1 &
as_user pulseaudio -n --daemonize=no --exit-idle-time=-1 -L module-native-protocol-unix -L module-null-sink \
    >/dev/null 2>&1 &
for _ in $(seq 100); do [ -S "$runtime/bus" ] && [ -S "$runtime/pulse/native" ] && break; sleep 0.1; done
[ -S "$runtime/bus" ] && [ -S "$runtime/pulse/native" ] || { echo "bench: the user's session bus or PulseAudio did not start" >&2; exit 1; }
as_user env DBUS_SESSION_BUS_ADDRESS="unix:path=$runtime/bus" /usr/libexec/at-spi-bus-launcher --launch-immediately \
    >/dev/null 2>&1 &
# each helper really runs (the figures below would mean nothing otherwise)
runs_helper() { # PROFILE SOCKET
    ip netns exec "$ns" $session "$TORGATE" --user "$user" --profile "tgbench-$1" -- sh -c 'ls /run/torgate' |
        grep -qx "$2"
}
for _ in $(seq 100); do runs_helper a11y a11y && break; sleep 0.1; done
for p in bus:session sound:pulse a11y:a11y; do
    runs_helper "${p%:*}" "${p#*:}" || { echo "bench: profile tgbench-${p%:*} runs no helper" >&2; exit 1; }
done

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

peers=(-n bwrap "ip netns exec $ns bwrap --dev-bind / / --unshare-net /bin/true")
command -v firejail >/dev/null &&
    peers+=(-n firejail "ip netns exec $ns firejail --quiet --noprofile --net=none /bin/true")
hyperfine -N --warmup 5 --runs "$RUNS" --export-json "$out/launch.json" \
    -n baseline "ip netns exec $ns unshare -n /bin/true" \
    "${peers[@]}" \
    -n torgate "ip netns exec $ns $TORGATE --user $user -- /bin/true" \
    -n by-hand "ip netns exec $ns $out/by-hand.sh" \
    -n offline "ip netns exec $ns $session $TORGATE --user $user --profile tgbench-offline -- /bin/true" \
    -n bus "ip netns exec $ns $session $TORGATE --user $user --profile tgbench-bus -- /bin/true" \
    -n sound "ip netns exec $ns $session $TORGATE --user $user --profile tgbench-sound -- /bin/true" \
    -n a11y "ip netns exec $ns $session $TORGATE --user $user --profile tgbench-a11y -- /bin/true"

PYTHONPATH=$(dirname "$0") python3 - "$out/launch.json" <<'PY'
import json, sys
from results import emit
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ms = lambda name: results[name]["median"] * 1000
base = ms("baseline")
print("\nlaunch, median, side by side (ratios to 'unshare -n /bin/true'):")
emit("launch: unshare -n /bin/true (baseline)", base, "ms")
emit("launch: torgate, tor mode", ms("torgate") / base, "x baseline", "<= 1.5", ms("torgate") / base <= 1.5,
     f"{ms('torgate'):.2f} ms")
emit("launch: torgate, offline profile", ms("offline") / ms("bwrap"), "x bwrap", "<= 1.0",
     ms("offline") <= ms("bwrap"), f"{ms('offline'):.2f} ms; bwrap --unshare-net {ms('bwrap'):.2f} ms")
emit("launch: bwrap --unshare-net", ms("bwrap") / base, "x baseline")
if "firejail" in results:
    emit("launch: firejail --noprofile --net=none", ms("firejail") / base, "x baseline")
emit("launch: the same by hand (ip netns, veth)", ms("by-hand") / base, "x baseline")
print("\nthe session's helpers, offline, as a ratio to the same profile without them:")
for name in ("bus", "sound", "a11y"):
    emit(f"launch: offline with {name}", ms(name) / ms("offline"), "x offline", "", None, f"{ms(name):.2f} ms")
PY
