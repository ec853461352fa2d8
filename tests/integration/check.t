#!/bin/bash
# torgate check: ready when everything is, and each item broken in turn is
# named with how to fix it, with exit status 1.
. "$(dirname "$0")/common.sh"
: "${STAGE:?set STAGE to the staged install (make integration does)}"
tg_setup

TORRC=$STAGE/etc/tor/torrc
saved_torrc=$TOPO_DIR/torrc.saved
[ -e "$TORRC" ] && cp -p "$TORRC" "$saved_torrc"
user=tgchk$$
cleanup() {
    if [ -e "$saved_torrc" ]; then cp -p "$saved_torrc" "$TORRC"; else rm -f "$TORRC"; fi
    userdel "$user" 2>/dev/null
    topo_down
}
cleanup_with cleanup

# A ready machine: the stand-in Tor ports (topology), a ControlPort stand-in
# that has bootstrapped, the snippet included, the host ruleset, resolvers.
head -c 32 /dev/urandom >"$TOPO_DIR/cookie"
start_control() { # PORT PROGRESS
    in_host python3 "$TOPO_STANDINS" control --listen "127.0.0.1:$1" --cookie "$TOPO_DIR/cookie" \
        --progress "$2" --log "$TOPO_DIR/control-$1.log" </dev/null >/dev/null 2>&1 &
    control_pids="${control_pids:-} $!"
    _TOPO_ALL_PIDS="$_TOPO_ALL_PIDS $!"
    WAIT_FOR_TIMEOUT=100 wait_for in_host sh -c "ss -Hnlt 'sport = :$1' | grep -q ."
}
start_control 19051 100
start_control 19052 42
printf 'SocksPort 9050\n%%include %s/tor/torrc.d/*.conf\n' "$STAGE/etc" >"$TORRC"
in_host nft add table inet torgate_host
write_conf() { # extra lines
    cat >"$CONF" <<CONF
[tor]
control-port = 127.0.0.1:19051
control-cookie = $TOPO_DIR/cookie
$1
[clearnet]
group = root
resolv-conf = $TOPO_DIR/clearnet-resolv.conf
CONF
}
run_check() { out=$(tg check 2>&1); st=$?; }

write_conf ""
run_check
is "$st" 0 "a ready machine: exit status 0"
like "$out" 'torgate is ready' "says it is ready"
for item in "TransPort listens on 127.0.0.1:9040" "DNSPort listens on 127.0.0.1:5353" "SocksPort listens on 127.0.0.1:9050" \
    "Tor has bootstrapped" "includes torgate's snippet" "hardening ruleset .* is loaded" "clearnet resolvers file"; do
    like "$out" "ok  +[^"$'\n'"]*$item" "ok: $item"
done
like "$(cat "$TOPO_DIR/control-19051.log")" 'command=GETINFO' "the ControlPort was asked for the bootstrap phase"

expect_failure() { # DESCRIPTION REGEX
    run_check
    is "$st" 1 "$1: exit status 1"
    like "$out" "FAIL +[^"$'\n'"]*$2" "$1: named, with what to do"
    like "$out" 'torgate is not ready: 1 item' "$1: the only item that fails"
}

write_conf "trans-port = 127.0.0.1:19040"
expect_failure "TransPort not listening" "nothing listens on 127.0.0.1:19040 \\(TransPort\\): start tor"
write_conf "dns-port = 127.0.0.1:15353"
expect_failure "DNSPort not listening" "nothing listens on 127.0.0.1:15353 \\(DNSPort\\)"
write_conf "socks-port = 127.0.0.1:19050"
expect_failure "SocksPort not listening" "nothing listens on 127.0.0.1:19050 \\(SocksPort\\)"
write_conf ""
sed -i 's/19051/19052/' "$CONF"
expect_failure "Tor not bootstrapped" "Tor has not bootstrapped \\(42%\\)"
sed -i 's/19052/19053/' "$CONF"
expect_failure "no ControlPort" "ControlPort does not answer on port 19053"
write_conf ""
head -c 32 /dev/urandom >"$TOPO_DIR/other-cookie"
sed -i "s|$TOPO_DIR/cookie|$TOPO_DIR/other-cookie|" "$CONF"
expect_failure "wrong cookie" "refused the cookie"
write_conf ""
printf 'SocksPort 9050\n' >"$TORRC"
expect_failure "snippet not included" "does not include .*torrc.d/torgate.conf: add the line '%include"
printf '%%include %s/tor/torrc.d/*.conf\n' "$STAGE/etc" >"$TORRC"
in_host nft delete table inet torgate_host
expect_failure "host ruleset not loaded" "hardening ruleset is not loaded: systemctl enable --now torgate-hardening"
in_host nft add table inet torgate_host
printf 'nameserver 127.0.0.53\n' >"$TOPO_DIR/clearnet-resolv.conf"
expect_failure "clearnet resolver on loopback" "clearnet-resolv.conf:1: nameserver 127.0.0.53 is on the host's loopback"
rm -f "$TOPO_DIR/clearnet-resolv.conf"
expect_failure "clearnet resolvers missing" "cannot read the clearnet resolvers file"
printf 'nameserver 203.0.113.53\n' >"$TOPO_DIR/clearnet-resolv.conf"
run_check
is "$st" 0 "all mended: ready again"

# As an ordinary user: the installed binary's capabilities; the cookie is
# not the user's to read, which is skipped, not failed.
useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user")
chmod 600 "$TOPO_DIR/cookie"
out=$(in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups "$TORGATE" check 2>&1)
like "$out" 'ok  +the torgate binary carries cap_net_admin' "the installed binary carries its capabilities"
like "$out" 'skip +Tor.s bootstrap: cannot read the ControlPort cookie' "an unreadable cookie is skipped, not failed"
uncapped=$TOPO_DIR/torgate-uncapped
cp "$TORGATE" "$uncapped"
chmod 755 "$uncapped" "$TOPO_DIR"
out=$(in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups "$uncapped" check 2>&1); st=$?
is "$st" 1 "a binary without its file capabilities is not ready"
like "$out" "FAIL +the torgate binary lacks its file capabilities: run 'make install'" "and says how to fix it"

done_testing
