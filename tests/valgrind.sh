#!/bin/bash
# torgate under valgrind (memcheck): a tor and a clearnet sandbox, and a
# failure path, in a throwaway host namespace. Any error or definite leak
# fails. Prints TAP.
set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
. "$TESTS_DIR/lib/tap.sh"
. "$TESTS_DIR/lib/topology.sh"
: "${TORGATE:?set TORGATE}"
topo_up || bail_out "cannot build the test topology"
# torgate runs COMMAND as root never: as a user of the test's own
user=tgvg$$
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$user" ||
    bail_out "cannot add the test user"
topo_add_user "$user"
chown "$user" "$TOPO_DIR" # COMMAND writes what it saw there
printf 'nameserver 203.0.113.53\n' >"$TOPO_DIR/resolv"
printf '[clearnet]\ngroup = %s\nresolv-conf = %s/resolv\n' "$user" "$TOPO_DIR" >"$TOPO_DIR/torgate.conf"

vg_root() { # NAME ARGS... : runs torgate ARGS under memcheck as root, a log per process in $TOPO_DIR/NAME.PID.vg
    local name=$1
    shift
    in_host valgrind --quiet --vgdb=no --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions="$TESTS_DIR/valgrind.supp" --log-file="$TOPO_DIR/$name.%p.vg" "$TORGATE" "$@" >/dev/null 2>&1
}
vg_log() { cat "$TOPO_DIR/$1".*.vg; } # NAME: what valgrind said of each of its processes (the sandbox's init too)
vg() { vg_root "$1" --config "$TOPO_DIR/torgate.conf" --user "$user" "${@:2}"; } # as the test's user

vg tor -- true; st=$?
is "$st" 0 "tor sandbox: valgrind finds no error and no definite leak"
[ "$st" = 0 ] || diag "$(vg_log tor)"
vg clearnet --profile unsafe-browser -- true; st=$?
is "$st" 0 "clearnet sandbox: valgrind clean"
[ "$st" = 0 ] || diag "$(vg_log clearnet)"
vg status -- sh -c 'exit 3'; st=$?
is "$st" 3 "COMMAND's status comes through under valgrind (no error: 99 otherwise)"
# valgrind 3.19 has no mount_setattr(): the sandbox's fallback makes each
# mount read-only in turn, and so is tested here.
vg readonly --profile offline -- sh -c 'findmnt -rno TARGET,OPTIONS | grep -E "^/(proc/)?sys(/| )" >"$0"' \
    "$TOPO_DIR/readonly.out"; st=$?
is "$st" 0 "a sandbox made without mount_setattr(): valgrind clean"
is "$(grep -cE '^/(proc/)?sys ' "$TOPO_DIR/readonly.out") $(grep -vc ' ro,' "$TOPO_DIR/readonly.out")" "2 0" \
    "... /proc/sys and /sys read-only all the same ($(tr '\n' ' ' <"$TOPO_DIR/readonly.out"))"
# valgrind 3.19 does not emulate fsopen(2): a profile with a bus is refused
# there (its helpers' tmpfs cannot be made), cleanly. The helpers run under
# ASan in the integration tests (desktop.t).
DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent vg bus --profile firefox-esr -- true; st=$?
is "$st" 125 "a profile with a bus, where the helpers' tmpfs cannot be made: refused, valgrind clean"
[ "$st" = 125 ] || diag "$(vg_log bus)"
ok_cmd "control: the sandboxes left torgate's table" in_host nft list table inet torgate
vg_root remove-firewall remove-firewall; st=$?
is "$st" 0 "torgate remove-firewall: valgrind clean"
[ "$st" = 0 ] || diag "$(vg_log remove-firewall)"
is "$(in_host nft list tables | grep -c 'inet torgate$')" 0 "... and the table is gone"
mkdir -p "$TOPO_DIR/data"
XDG_DATA_HOME=$TOPO_DIR/data XDG_DATA_DIRS=/usr/share vg_root wrap wrap; st=$?
is "$st" 0 "torgate wrap: valgrind clean"
[ "$st" = 0 ] || diag "$(vg_log wrap)"
XDG_DATA_HOME=$TOPO_DIR/data vg_root unwrap wrap --undo; st=$?
is "$st" 0 "torgate wrap --undo: valgrind clean"
vg_root list list; st=$?
is "$st" 0 "torgate list: valgrind clean"
[ "$st" = 0 ] || diag "$(vg_log list)"
# The control port filter (its every process: each connection is served
# by one of its own), against the ControlPort stand-in, with a Tor Browser
# sandbox (under valgrind too) as its client.
if [ -n "${CONTROL_FILTER:-}" ]; then
    head -c 32 /dev/urandom >"$TOPO_DIR/cookie"
    ip netns exec "$HOST_NS" python3 "$TESTS_DIR/standins/servers.py" control --listen 127.0.0.1:19051 \
        --log "$TOPO_DIR/control.log" --cookie "$TOPO_DIR/cookie" </dev/null >/dev/null 2>&1 &
    topo_add_pid $!
    { cat "$TOPO_DIR/torgate.conf"; printf '[tor]\ncontrol-port = 127.0.0.1:19051\ncontrol-cookie = %s/cookie\n' \
        "$TOPO_DIR"; printf '[control-filter]\nnew-circuit-socket = %s/new-circuit\n' "$TOPO_DIR"; } \
        >"$TOPO_DIR/control.conf"
    mkdir -p "$TOPO_DIR/filter-vg" "$TOPO_DIR/allowlists"
    # the sandboxes' allowlist (the host users' socket is control.t's)
    cp "$(dirname "$CONTROL_FILTER")/../etc/torgate/control/tor-browser.conf" "$TOPO_DIR/allowlists/"
    ip netns exec "$HOST_NS" valgrind --quiet --vgdb=no --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions="$TESTS_DIR/valgrind.supp" \
        --log-file="$TOPO_DIR/filter-vg/%p.vg" "$CONTROL_FILTER" --config "$TOPO_DIR/control.conf" \
        --allowlists "$TOPO_DIR/allowlists" >"$TOPO_DIR/filter.log" 2>&1 &
    filter=$!
    WAIT_FOR_TIMEOUT=600 wait_for grep -q 'tor-browser on 127.0.0.1:9152' "$TOPO_DIR/filter.log"
    # torgate new-circuit's process: it follows the stand-in's streams, and
    # answers a request for an address no sandbox has
    WAIT_FOR_TIMEOUT=600 wait_for grep -q "new-circuit: following tor's streams" "$TOPO_DIR/filter.log"
    out=$(ip netns exec "$HOST_NS" python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"NEWCIRCUIT 10.118.0.2\r\n")
print(s.makefile().readline().strip())' "$TOPO_DIR/new-circuit" 2>&1)
    is "$out" "552 No sandbox of yours has address 10.118.0.2" "the new-circuit process answers (no such sandbox)"
    cp "$TESTS_DIR/lib/control_client.py" "$TOPO_DIR/" && chmod 755 "$TOPO_DIR/control_client.py"
    vg_root control --config "$TOPO_DIR/control.conf" --user "$user" --profile tor-browser -- \
        sh -c '"$0" "send:PROTOCOLINFO 1" "send:GETINFO version" "send:SETEVENTS STREAM" "send:GETINFO circuit-status" \
        "send:GETCONF SocksPort" "send:SIGNAL NEWNYM" "send:QUIT" >"$1"' "$TOPO_DIR/control_client.py" \
        "$TOPO_DIR/control.out"; st=$?
    is "$st" 0 "a Tor Browser sandbox with its control port: valgrind clean"
    like "$(cat "$TOPO_DIR/control.out")" '< 250-version=0\.4\.7\.99.*< 510 Command filtered.*> SIGNAL NEWNYM'$'\n''< 250 OK' \
        "... through the filter to the stand-in and back"
    kill -TERM "$filter"
    wait "$filter"
    errors=$(cat "$TOPO_DIR"/filter-vg/*.vg)
    is "$errors" "" "torgate-control-filter, its service and its connection's process: valgrind finds nothing"
    is "$(ls "$TOPO_DIR"/filter-vg | wc -l)" 3 "... (three processes were checked: the service, new-circuit's, a connection's)"
fi
vg failure --profile no-such-profile -- true; st=$?
is "$st" 125 "a refusal is valgrind clean too"
[ "$st" = 125 ] || diag "$(vg_log failure)"
done_testing
