#!/bin/bash
# The Unsafe Browser profile: the outside directly (source-NATed), DNS to the
# clearnet resolvers, nothing of the host, never Tor; forwarding turned on
# only where it is needed and guarded.
. "$(dirname "$0")/common.sh"
tg_setup

is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "before: the uplink does not forward"
out=$(tg --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "curl reaches the internet web server directly, with the uplink's address"
is "$(log_lines transport)$(log_lines socks)" "00" "nothing went to Tor"
[ "$(far_count "$INET_NS" tcp4)" -gt 0 ]; ok $? "the internet side counted the TCP packets"

out=$(tg --profile unsafe-browser -- cat /etc/resolv.conf)
like "$out" $'\nnameserver 203\\.0\\.113\\.53\noptions no-aaaa$' "resolv.conf names the clearnet resolver, and asks for no AAAA records"
out=$(tg --profile unsafe-browser -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test' "getent resolves through the clearnet resolver"
like "$(topo_log inet-dns)" 'client=192\.0\.2\.2 qname=www\.example\.test' "the clearnet resolver saw the query from the uplink's address"
is "$(log_lines dnsport)" 0 "the DNSPort saw nothing"

# Only the uplinks (the links of default routes) forward for clearnet
# sandboxes; this LAN sits on another link of the host, so it stays closed.
out=$(tg --profile unsafe-browser -- "$PROBE" tcp 192.168.77.2 80 2>&1)
like "$out" '^FAIL' "a LAN on a link other than the uplink is not reached ($out)"
is "$(log_lines lan-web)" 0 "the LAN web server saw nothing"
tg --profile unsafe-browser -- "$PROBE" dns 192.168.77.2 www.example.test >/dev/null 2>&1
is "$(log_lines lan-dns)" 0 "the LAN resolver saw nothing"
is "$(far_count "$LAN_NS" all4)" 0 "nothing arrived on the LAN side"

# Nothing of the host: its Tor ports, its loopback services, its addresses.
for target in "GW 9050" "GW 9040" "GW 9051" "192.0.2.2 8080" "192.168.77.1 631"; do
    set -- $target
    addr=$1
    [ "$addr" != GW ] || addr='$(ip route show default | cut -d" " -f3)'
    out=$(tg --profile unsafe-browser -- sh -c "$PROBE tcp $addr $2" 2>&1)
    like "$out" '^FAIL' "no access to the host at $addr:$2 ($out)"
done
out=$(tg --profile unsafe-browser -- sh -c "$PROBE dns \$(ip route show default | cut -d' ' -f3) www.example.test" 2>&1)
like "$out" '^FAIL' "no DNS at the gateway ($out)"
is "$(log_lines transport)$(log_lines socks)$(log_lines controlport)$(log_lines cups)$(log_lines hostsvc)" "00000" \
    "no Tor port and no host service saw a connection"
out=$(tg --profile unsafe-browser -- "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^FAIL' "no IPv6 ($out)"
is "$(far_count "$INET_NS" ip6)" 0 "no IPv6 arrived on the internet side"

# A clearnet sandbox cannot reach a tor sandbox.
tg_bg -- sh -c "ip -4 -o addr show dev eth0 | awk '{print \$4}' | cut -d/ -f1 >$TOPO_DIR/tor-up.tmp; mv $TOPO_DIR/tor-up.tmp $TOPO_DIR/tor-up; exec sleep 30"
torpid=$!
wait_for test -s "$TOPO_DIR/tor-up"
tor_sandbox=$(cat "$TOPO_DIR/tor-up")
like "$tor_sandbox" '^10\.118\.' "a tor sandbox runs at $tor_sandbox"
out=$(tg --profile unsafe-browser -- "$PROBE" tcp "$tor_sandbox" 22 2>&1)
like "$out" '^FAIL' "no access to another sandbox ($out)"
kill -TERM $torpid; wait $torpid 2>/dev/null

# Forwarding: on for the uplink only, guarded, never for the whole host, and
# only while a sandbox needs it. Two clearnet sandboxes: A, and B, which
# waits for a go before it connects.
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "no clearnet sandbox runs: the uplink does not forward"
is "$(in_host nft list set inet torgate forward_guard | grep -c '"up0"')" 0 "... and is not in forward_guard"
tg_bg --profile unsafe-browser -- sh -c "echo >$TOPO_DIR/a-ready; exec sleep 30"
a_pid=$!
tg_bg --profile unsafe-browser -- sh -c "echo >$TOPO_DIR/b-ready; while [ ! -e $TOPO_DIR/b-go ]; do sleep 0.05; done
    curl -sS --max-time 5 http://203.0.113.10/ >$TOPO_DIR/b-out.tmp; mv $TOPO_DIR/b-out.tmp $TOPO_DIR/b-out"
b_pid=$!
wait_for test -e "$TOPO_DIR/a-ready" && wait_for test -e "$TOPO_DIR/b-ready"
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 1 "while they run, the uplink forwards"
is "$(in_host cat /proc/sys/net/ipv4/conf/all/forwarding)" 0 "the host as a whole still does not forward"
is "$(in_host cat /proc/sys/net/ipv4/conf/lan0/forwarding)" 0 "the LAN link does not forward"
like "$(in_host nft list set inet torgate forward_guard)" 'elements = \{ "up0" \}' "the uplink is in forward_guard"
# Without the guard, the uplink's forwarding would carry this to the LAN.
in_inet ip route add 192.168.77.0/24 via 192.0.2.2
far_reset
out=$(in_inet "$PROBE" tcp 192.168.77.2 80 2>&1)
like "$out" '^FAIL' "the internet side cannot use the uplink's forwarding to reach the LAN ($out)"
is "$(far_count "$LAN_NS" all4)" 0 "nothing from the internet arrived on the LAN side"
kill -TERM "$a_pid"; wait "$a_pid" 2>/dev/null
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 1 "A has ended, B still runs: the uplink still forwards"
touch "$TOPO_DIR/b-go"
wait "$b_pid"
is "$(cat "$TOPO_DIR/b-out" 2>&1)" "INTERNET client=192.0.2.2" "... and B still reaches the internet"
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "both have ended: the uplink forwards no more"
is "$(in_host nft list set inet torgate forward_guard | grep -c '"up0"')" 0 "... and has left forward_guard"
# Killed (SIGKILL), a clearnet launcher leaves forwarding on, guarded; the
# next launcher that is not forwarded for turns it off.
tg_kill_clearnet_launcher
is "$(uplink_state)" "1 1" "after SIGKILL of a clearnet launcher: the uplink still forwards, guarded"
tg -- true
is "$(uplink_state)" "0 0" "the next (tor) launch turned it off and took it out of the guard"
# The administrator shares the uplink later (forwarding for the LAN): torgate
# is not in the way any more.
in_host sysctl -qw net.ipv4.ip_forward=1
far_reset
out=$(in_inet "$PROBE" tcp 192.168.77.2 80 2>&1)
like "$out" '^OK' "control: with forwarding the administrator's, the internet side reaches the LAN through the host ($out)"
[ "$(far_count "$LAN_NS" all4)" -gt 0 ]; ok $? "... and it arrived on the LAN side"

done_testing
