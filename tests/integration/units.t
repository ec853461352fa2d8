#!/bin/bash
# The host hardening's units under a real systemd: a container
# (systemd-nspawn, this machine's own /usr, a copy of its /etc) booted into
# the test's host namespace, with the staged torgate-hardening.service and
# the nftables.service drop-ins. Each event an administrator causes, then who
# can reach what: nftables.service restarted, reloaded, started while the
# hardening runs (each flushes the whole ruleset), and the ruleset broken
# (a group that does not exist, a syntax error), by a restart and by a
# reload. The host must never be left open, and a running sandbox must keep
# its wall across all of it.
. "$(dirname "$0")/common.sh"
: "${STAGE:?set STAGE to the staged install (make integration does)}"
command -v systemd-nspawn >/dev/null || bail_out "systemd-nspawn is missing (Debian's systemd-container)"
tg_setup

sfx=$$
desk_user=tgudesk$sfx desk_group=tgudg$sfx other_user=tguoth$sfx machine=tgunits$sfx
root=$TOPO_DIR/root
nspawn_pid=
cleanup() {
    touch "$TOPO_DIR/stop" 2>/dev/null
    if [ -n "$nspawn_pid" ]; then
        kill -TERM "$nspawn_pid" 2>/dev/null
        WAIT_FOR_TIMEOUT=200 wait_for container_gone
        kill -KILL "$nspawn_pid" 2>/dev/null
        wait "$nspawn_pid" 2>/dev/null
    fi
    userdel "$desk_user" 2>/dev/null
    userdel "$other_user" 2>/dev/null
    groupdel "$desk_group" 2>/dev/null
    topo_down
}
container_gone() { ! kill -0 "$nspawn_pid" 2>/dev/null; }
cleanup_with cleanup
groupadd --system "$desk_group" && useradd --system --no-create-home --shell /usr/sbin/nologin -g "$desk_group" "$desk_user" &&
    useradd --system --no-create-home --shell /usr/sbin/nologin "$other_user" || bail_out "cannot add the test users"

# The ruleset, as make install renders it, for this test's desktop group.
render() { # DESKTOP_GROUP
    sed -e 's/@TOR_USER@/debian-tor/g' -e "s/@DESKTOP_GROUP@/$1/g" -e 's/@CONTROLPORT_FILTER_USER@/debian-tor/g' \
        -e 's/@SOCKS_PORT@/9050/g' -e 's/@TRANS_PORT@/9040/g' -e 's/@DNS_PORT@/5353/g' -e 's/@CONTROL_PORT@/9051/g' \
        -e '/@I2P@/d' "$TESTS_DIR/../etc/host-hardening.nft.in"
}
render "$desk_group" >"$TOPO_DIR/hardening-good.nft"
cp "$TOPO_DIR/hardening-good.nft" "$TOPO_DIR/hardening.nft"
# set_ruleset FILE: what the container's unit loads from now on (written in
# place: the container sees this file through a bind mount of its inode)
set_ruleset() { cat "$1" >"$TOPO_DIR/hardening.nft"; }

# The container's root: this machine's /usr (read-only), a copy of its /etc
# (with the test's users), the staged units, and a target that starts
# journald, nftables.service and the hardening, as an enabled unit would.
mkdir -p "$root"/{usr,var,tmp,run,root} && cp -a /etc "$root/etc" || bail_out "cannot copy /etc"
cp --remove-destination /usr/lib/os-release "$root/etc/os-release"
rm -f "$root/etc/machine-id"
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$root/$l"; done
units=$root/etc/systemd/system
mkdir -p "$units/nftables.service.d"
cp "$STAGE/lib/systemd/system/torgate-hardening.service" "$units/"
cp "$STAGE"/lib/systemd/system/nftables.service.d/*.conf "$units/nftables.service.d/"
printf '[Unit]\nDescription=torgate units test\nWants=systemd-journald.service nftables.service torgate-hardening.service\n' \
    >"$units/torgate-test.target"

systemd-nspawn -D "$root" -M "$machine" --quiet --register=no --keep-unit --bind-ro=/usr --bind-ro="$STAGE" \
    --bind-ro="$TOPO_DIR/hardening.nft:$STAGE/etc/torgate/host-hardening.nft" \
    --network-namespace-path="/run/netns/$HOST_NS" --capability=CAP_NET_ADMIN \
    -b -- --unit=torgate-test.target >"$TOPO_DIR/nspawn.log" 2>&1 &
nspawn_pid=$!
container_init() { pgrep -P "$nspawn_pid" | head -n 1; }
WAIT_FOR_TIMEOUT=400 wait_for test -n "$(container_init)"
init=$(container_init)
ctl() { nsenter -t "$init" -m -u -i -p -- systemctl "$@"; }
hardening_active() { [ "$(ctl is-active torgate-hardening.service 2>/dev/null)" = active ]; }
WAIT_FOR_TIMEOUT=600 wait_for hardening_active || {
    diag "$(tail -n 20 "$TOPO_DIR/nspawn.log")"
    bail_out "the container did not boot into its target"
}

# Who reaches what, in one line: the desktop user and another user at the
# SocksPort (loopback), another user at the ControlPort, another user and
# Tor's user at the internet's web server, and a running tor sandbox's
# connection.
tg_bg -- sh -c "echo >$TOPO_DIR/up; while [ ! -e $TOPO_DIR/stop ]; do [ -e $TOPO_DIR/go ] || { sleep 0.05; continue; }
    rm $TOPO_DIR/go; curl -sS --max-time 3 http://203.0.113.10/ >$TOPO_DIR/out.tmp 2>&1; mv $TOPO_DIR/out.tmp $TOPO_DIR/out; done"
wait_for test -e "$TOPO_DIR/up" || bail_out "the sandbox did not start"
as() { in_host setpriv --reuid="$(id -u "$1")" --regid="$(id -g "$1")" --init-groups "${@:2}"; }
verdict() { "$@" 2>&1 | grep -q '^OK' && echo OK || echo no; }
sandbox_verdict() {
    rm -f "$TOPO_DIR/out"
    touch "$TOPO_DIR/go"
    WAIT_FOR_TIMEOUT=200 wait_for test -e "$TOPO_DIR/out"
    grep -q '^TRANSPORT orig=203\.0\.113\.10:80 ' "$TOPO_DIR/out" && echo tor || echo "($(head -c 80 "$TOPO_DIR/out"))"
}
# (Each probe sends a request, so that the server answers or closes at once.)
GET='GET / HTTP/1.0\r\n\r\n'
reach() {
    echo "desk>socks:$(verdict as "$desk_user" "$PROBE" tcp 127.0.0.1 9050 "$GET")" \
        "other>socks:$(verdict as "$other_user" "$PROBE" tcp 127.0.0.1 9050 "$GET")" \
        "other>control:$(verdict as "$other_user" "$PROBE" tcp 127.0.0.1 9051 "$GET")" \
        "other>internet:$(verdict as "$other_user" "$PROBE" tcp 203.0.113.10 80 "$GET")" \
        "tor>internet:$(verdict as debian-tor "$PROBE" tcp 203.0.113.10 80 "$GET")" \
        "sandbox:$(sandbox_verdict)"
}
FULL="desk>socks:OK other>socks:no other>control:no other>internet:no tor>internet:OK sandbox:tor"
FALLBACK="desk>socks:OK other>socks:OK other>control:no other>internet:no tor>internet:OK sandbox:tor"
# settles STATE DESC: systemctl returns once nftables.service's job is done;
# the hardening's own job, ordered after it, may still run: wait for the
# state (a deadline), then check it
reached() { [ "$(reach)" = "$1" ]; }
settles() {
    WAIT_FOR_TIMEOUT=40 wait_for reached "$1"
    is "$(reach)" "$1" "$2"
}

is "$(reach)" "$FULL" "booted with the hardening: only the desktop group at Tor's ports, only Tor's user out, the sandbox through Tor"
# Control: the same, with every table flushed, is open.
in_host nft flush ruleset
like "$(reach)" '^desk>socks:OK other>socks:OK other>control:OK other>internet:OK tor>internet:OK ' \
    "control: with the ruleset flushed and nothing restoring it, everyone reaches everything"

ok_cmd "systemctl restart nftables (which flushes the ruleset)" ctl restart nftables.service
settles "$FULL" "after it: the hardening is back, and the sandbox still goes through Tor"
ok_cmd "systemctl reload nftables" ctl reload nftables.service
settles "$FULL" "after it: the same"
ok_cmd "systemctl stop nftables (stops the hardening with it: PartOf)" ctl stop nftables.service
is "$(ctl is-active torgate-hardening.service)" inactive "... the hardening is stopped"
ok_cmd "the hardening started again on its own" ctl start torgate-hardening.service
ok_cmd "then systemctl start nftables, which flushes the ruleset" ctl start nftables.service
settles "$FULL" "after it: the drop-in restarted the hardening, the sandbox still goes through Tor"

# The ruleset broken: a group that does not exist.
render "tgnosuchgroup$sfx" >"$TOPO_DIR/hardening-badgroup.nft"
set_ruleset "$TOPO_DIR/hardening-badgroup.nft"
ok_cmd "systemctl restart torgate-hardening, the ruleset naming a missing group" ctl restart torgate-hardening.service
is "$(reach)" "$FALLBACK" "the fallback holds: loopback for all but the ControlPort, the Internet for Tor's user only, the sandbox through Tor"
is "$(ctl is-active torgate-hardening.service)" active "the unit stays active, so that the next flush reaches it"
like "$(in_host "$TORGATE" --config "$CONF" check 2>&1)" "FAIL +the host hardening fallback is loaded: [^ ]*/host-hardening\.nft did not load" \
    "torgate check tells the fallback from the full ruleset"
journal=$(nsenter -t "$init" -m -u -i -p -- journalctl -u torgate-hardening.service --no-pager -o cat 2>&1)
like "$journal" "torgate-hardening: $STAGE/etc/torgate/host-hardening\\.nft did not load \\(nft said why, above\\): the fallback is loaded" \
    "the journal says why, and what is loaded instead"
like "$journal" "tgnosuchgroup$sfx" "... after nft's own error, which names the group"
ok_cmd "systemctl reload nftables, with the ruleset still broken" ctl reload nftables.service
settles "$FALLBACK" "after it: still the fallback, never open"

# A syntax error, by a restart of nftables.service.
printf 'table inet torgate_host {\n\tthis is not nftables\n}\n' >"$TOPO_DIR/hardening-syntax.nft"
set_ruleset "$TOPO_DIR/hardening-syntax.nft"
ctl restart nftables.service
settles "$FALLBACK" "a syntax error, and nftables restarted: the fallback"

set_ruleset "$TOPO_DIR/hardening-good.nft"
ok_cmd "fixed, systemctl restart torgate-hardening" ctl restart torgate-hardening.service
is "$(reach)" "$FULL" "the full ruleset again"
like "$(in_host "$TORGATE" --config "$CONF" check 2>&1)" "(^|"$'\n'")ok +the host hardening ruleset \(table inet torgate_host\) is loaded" \
    "... which torgate check sees"
ok_cmd "systemctl stop torgate-hardening" ctl stop torgate-hardening.service
like "$(reach)" '^desk>socks:OK other>socks:OK other>control:OK other>internet:OK tor>internet:OK sandbox:tor$' \
    "stopped on purpose, it opens the host (as documented); torgate's table still holds the sandbox"
done_testing
