#!/bin/bash
# The host's rules on their own, on a host that forwards (a router): root
# inside a tor sandbox's network namespace, with every capability, still
# cannot get a packet to the internet or the LAN. Then, as a control, the
# same attempts without torgate's table do arrive: the counters can see them.
TOPO_HOST_FORWARDING=1
. "$(dirname "$0")/common.sh"
tg_setup

# Two sandboxes at once: each its own source address, so Tor's
# IsolateClientAddr gives each its own circuits.
rm -f "$TOPO_DIR/a" "$TOPO_DIR/b"
tg_bg --profile default -- sh -c "curl -sS --max-time 5 http://203.0.113.10/ >$TOPO_DIR/a.tmp; mv $TOPO_DIR/a.tmp $TOPO_DIR/a; exec sleep 60"
first=$!
tg_bg --profile default -- sh -c "curl -sS --max-time 5 http://203.0.113.10/ >$TOPO_DIR/b.tmp; mv $TOPO_DIR/b.tmp $TOPO_DIR/b; exec sleep 60"
second=$!
wait_for test -e "$TOPO_DIR/a" && wait_for test -e "$TOPO_DIR/b"
peer_a=$(sed -n 's/.*peer=//p' "$TOPO_DIR/a")
peer_b=$(sed -n 's/.*peer=//p' "$TOPO_DIR/b")
like "$peer_a" '^10\.118\.' "the first sandbox reached the TransPort from $peer_a"
like "$peer_b" '^10\.118\.' "the second sandbox reached the TransPort from $peer_b"
isnt "$peer_a" "$peer_b" "two concurrent sandboxes have different source addresses (IsolateClientAddr)"
links=$(host_sandbox_links)
is "$(wc -l <<<"$links")" 2 "the two running sandboxes hold two links ($(tr '\n' ' ' <<<"$links"))"
out=$(tg --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
peer_c=${out##*peer=}
like "$peer_c" '^10\.118\.' "a third concurrent sandbox reached the TransPort from $peer_c"
ok_cmd "... an address of its own" test "$peer_c" != "$peer_a" -a "$peer_c" != "$peer_b"

# The sandbox's network namespace, entered from outside with full root.
# (the first sandbox's init, torgate's child; its first child is the
# maker of the datagram island, which lives in another namespace)
sandbox_pid=$(pgrep -P "$first" | head -n1)
in_sandbox() { nsenter -t "$sandbox_pid" -n "$@"; }
ok_cmd "entered a running sandbox's network namespace" in_sandbox ip -4 addr show eth0

# torgate turns forwarding off on a tor sandbox's link; turn it on, so that
# what is tested below is the table alone.
for link in $links; do in_host sysctl -qw "net.ipv4.conf.$link.forwarding=1"; done

attempts() {
    in_sandbox "$PROBE" udp 203.0.113.53 53 >/dev/null 2>&1
    in_sandbox "$PROBE" dns 203.0.113.53 www.example.test >/dev/null 2>&1
    in_sandbox "$PROBE" dns 192.168.77.2 www.example.test >/dev/null 2>&1
    in_sandbox "$PROBE" udp 192.168.77.2 9999 >/dev/null 2>&1
    in_sandbox "$PROBE" icmp 203.0.113.10 >/dev/null 2>&1
    in_sandbox "$PROBE" icmp 192.168.77.2 >/dev/null 2>&1
}
far_reset
attempts
is "$(far_count "$INET_NS" udp4)" 0 "root in the sandbox: no UDP reached the internet side"
is "$(far_count "$INET_NS" icmp4)" 0 "root in the sandbox: no ICMP reached the internet side"
is "$(far_count "$LAN_NS" all4)" 0 "root in the sandbox: nothing reached the LAN side"
is "$(log_lines inet-dns)$(log_lines lan-dns)" "00" "no resolver saw a query"

# IPv6, turned back on by root inside: the host drops it.
in_sandbox sysctl -qw net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0
in_sandbox ip -6 addr add 2001:db8:1::99/64 dev eth0 nodad
in_sandbox ip -6 route add default dev eth0
in_sandbox "$PROBE" ipv6 2001:db8:ff::10 80 >/dev/null 2>&1
in_sandbox "$PROBE" udp 2001:db8:ff::10 53 >/dev/null 2>&1
is "$(far_count "$INET_NS" ip6)" 0 "root in the sandbox: no IPv6 reached the internet side"

# A forged source address (another slot's): dropped by the reverse-path rule.
gateway=$(in_sandbox ip route show default | cut -d' ' -f3)
like "$gateway" '^10\.118\.' "the sandbox's gateway is $gateway"
in_sandbox ip addr add 10.118.3.2/32 dev eth0
before=$(log_lines transport)
in_sandbox sh -c "ip route replace 203.0.113.10 via $gateway src 10.118.3.2 && $PROBE tcp 203.0.113.10 80" >/dev/null 2>&1
is "$(log_lines transport)" "$before" "a forged source address gets nowhere, not even to the TransPort"
in_sandbox ip route del 203.0.113.10 2>/dev/null

# Control: the same attempts without torgate's table arrive, so the counters
# above could see a leak.
in_host nft delete table inet torgate
far_reset
attempts
[ "$(far_count "$INET_NS" udp4)" -gt 0 ]; ok $? "control: without torgate's table, UDP does reach the internet side"
[ "$(far_count "$LAN_NS" all4)" -gt 0 ]; ok $? "control: without torgate's table, packets do reach the LAN side"

kill -TERM "$first" "$second"; wait "$first" "$second" 2>/dev/null
done_testing
