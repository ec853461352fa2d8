#!/bin/bash
# Failures before exec: one clear line, exit 125, COMMAND never runs, and
# nothing is left half-made.
. "$(dirname "$0")/common.sh"
tg_setup

MARK=$TOPO_DIR/command-ran
run_marker() { rm -f "$MARK"; out=$("$@" -- sh -c "touch $MARK" 2>&1); st=$?; }
expect_refusal() { # DESCRIPTION REGEX
    is "$st" 125 "$1: exit status 125"
    like "$out" "$2" "$1: the error says what and where"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "$1: one line"
    ok_cmd "$1: COMMAND did not run" test ! -e "$MARK"
    is "$(host_sandbox_links)" "" "$1: no sandbox link left"
}

run_marker tg --profile no-such-profile
expect_refusal "unknown profile" "^torgate: unknown profile 'no-such-profile': no no-such-profile\\.profile in "
run_marker tg --profile ../../etc/passwd
expect_refusal "profile name with a path" "^torgate: invalid profile name"

printf '[tor]\ntrans-port = 127.0.0.1\n' >"$TOPO_DIR/bad.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/bad.conf" --user "$TG_USER"
expect_refusal "bad config value" "^torgate: $TOPO_DIR/bad\\.conf:2: bad value '127\\.0\\.0\\.1' for trans-port"
printf '[tor]\n\nsocks-port = 127.0.0.1:9050\nsocks-port = 127.0.0.1:9150\n' >"$TOPO_DIR/dup.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/dup.conf" --user "$TG_USER"
expect_refusal "duplicate config key" "^torgate: $TOPO_DIR/dup\\.conf:4: duplicate key 'socks-port' in \\[tor\\]"
printf '[tor]\ncontrolport = 127.0.0.1:9051\n' >"$TOPO_DIR/unknown.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/unknown.conf" --user "$TG_USER"
expect_refusal "unknown config key" "^torgate: $TOPO_DIR/unknown\\.conf:2: unknown key 'controlport'"
printf '[network]\npool = 10.192.0.0/16\n' >"$TOPO_DIR/automap.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/automap.conf" --user "$TG_USER"
expect_refusal "pool inside the automap range" "overlaps Tor's automap range"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/missing.conf" --user "$TG_USER"
expect_refusal "missing config" "^torgate: cannot read config $TOPO_DIR/missing\\.conf: No such file"
out=$(tg 2>&1); st=$?
is "$st" 125 "no COMMAND: exit status 125"
like "$out" '^torgate: no COMMAND given' "no COMMAND: says so"
out=$(tg --frobnicate true 2>&1); st=$?
is "$st" 125 "unknown option: exit status 125"

# Clearnet without usable resolvers.
printf '[clearnet]\ngroup = %s\nresolv-conf = %s/none.conf\n' "$TG_USER" "$TOPO_DIR" >"$TOPO_DIR/noresolv.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/noresolv.conf" --user "$TG_USER" --profile unsafe-browser
expect_refusal "clearnet resolvers file missing" "cannot read the clearnet resolvers file $TOPO_DIR/none\\.conf"
printf 'nameserver 127.0.0.53\n' >"$TOPO_DIR/stub.conf"
printf '[clearnet]\ngroup = %s\nresolv-conf = %s/stub.conf\n' "$TG_USER" "$TOPO_DIR" >"$TOPO_DIR/stubresolv.conf"
run_marker in_host "$TORGATE" --config "$TOPO_DIR/stubresolv.conf" --user "$TG_USER" --profile unsafe-browser
expect_refusal "clearnet resolver on loopback" "$TOPO_DIR/stub\\.conf:1: nameserver 127\\.0\\.0\\.53 is on the host's loopback"

# Clearnet without an uplink.
in_host ip route del default via 192.0.2.1
run_marker tg --profile unsafe-browser
expect_refusal "clearnet without a default route" "no IPv4 default route"
in_host ip route add default via 192.0.2.1

# The address pool: one slot, taken by a running sandbox.
printf '[network]\npool = 10.118.7.0/30\n' >"$TOPO_DIR/tiny.conf"
rm -f "$TOPO_DIR/first"
ip netns exec "$HOST_NS" "$TORGATE" --config "$TOPO_DIR/tiny.conf" --user "$TG_USER" -- sh -c "echo >$TOPO_DIR/first; exec sleep 20" &
first=$!
wait_for test -e "$TOPO_DIR/first"
rm -f "$MARK"
out=$(in_host "$TORGATE" --config "$TOPO_DIR/tiny.conf" --user "$TG_USER" -- sh -c "touch $MARK" 2>&1); st=$?
is "$st" 125 "pool exhausted: exit status 125"
like "$out" '^torgate: address pool 10\.118\.7\.0/30 is exhausted \(1 sandboxes running\): set a larger \[network\] pool' "pool exhausted: says how to fix it"
ok_cmd "pool exhausted: COMMAND did not run" test ! -e "$MARK"
ok_cmd "the running sandbox is untouched" kill -0 "$first"
is "$(host_sandbox_links)" "tg0" "only the running sandbox's link exists"
kill -TERM "$first"; wait "$first" 2>/dev/null

# nftables failing: a table of the same name in another family is fine, but a
# chain that cannot be created makes torgate stop before anything runs.
in_host nft delete table inet torgate; in_host nft add table inet torgate
in_host nft add chain inet torgate sandbox_dnat
run_marker tg
expect_refusal "firewall cannot be installed" "^torgate: cannot install the firewall table inet torgate: "
in_host nft delete table inet torgate

# Tor not running: apps fail at once, nothing leaks.
printf '[tor]\ntrans-port = 127.0.0.1:9999\n' >"$TOPO_DIR/notor.conf"
start=$(date +%s)
out=$(in_host "$TORGATE" --config "$TOPO_DIR/notor.conf" --user "$TG_USER" --profile default -- curl -sS --max-time 10 http://203.0.113.10/ 2>&1); st=$?
is "$st" 7 "with nothing on the TransPort, curl fails (connection refused: exit 7)"
ok_cmd "and fails at once, not after a timeout" test $(($(date +%s) - start)) -lt 5
is "$(far_count "$INET_NS" all4)" 0 "nothing arrived on the internet side"

done_testing
