#!/bin/bash
# Self-test of tests/lib/topology.sh, tests/lib/tap.sh, tests/standins and
# tests/probe.  Run as root:  prove -v tests/selftest/topology.t
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/tap.sh"
. "$HERE/../lib/topology.sh"

[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 0; }

BUILD=$(mktemp -d)
if [ -z "${PROBE:-}" ]; then # make selftest builds it; by hand, build it here
    PROBE=$BUILD/probe
    cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -I"$HERE/../lib" -o "$PROBE" \
        "$HERE/../probe/probe.c" "$HERE/../lib/netprobe.c"
fi
cleanup() { topo_down; rm -rf "$BUILD"; }


topo_up
trap cleanup EXIT       # our own EXIT trap: must call topo_down itself

# ------------------------------------------------------------ the basics
like "$HOST_NS $INET_NS $LAN_NS" '^tgh[0-9x]+ tgi[0-9x]+ tgl[0-9x]+$' "namespace names"
ok_cmd "names are <= 15 chars" test ${#HOST_NS} -le 15 -a ${#INET_NS} -le 15
ok_cmd "TOPO_DIR exists" test -d "$TOPO_DIR"
for f in web inet-dns lan-dns lan-web transport dnsport socks controlport cups hostsvc; do
    ok_cmd "$f.log exists and is empty" test -f "$TOPO_DIR/$f.log" -a ! -s "$TOPO_DIR/$f.log"
done
is "$(ip -o link | grep -E "link-netns ($HOST_NS|$INET_NS|$LAN_NS)( |$)" || true)" "" \
    "no link of ours in the caller's namespace"
is "$(in_host sysctl -n net.ipv4.ip_forward)" 0 "host: ip_forward off by default"
is "$(in_host sysctl -n net.ipv6.conf.all.forwarding)" 0 "host: v6 forwarding off by default"
like "$(in_host ip route show default)" 'default via 192\.0\.2\.1 dev up0' "host default route"
like "$(in_host ip -6 route show default)" 'default via 2001:db8:1::1 dev up0' "host v6 default route"
is "$(in_inet ip route show | grep -c . || true)" 1 "inet: only the connected route"

# ------------------------------------------------------------ INET_NS
is "$(in_inet curl -sS --max-time 3 http://203.0.113.10/)" "INTERNET client=203.0.113.10" \
    "inet web answers locally"
is "$(in_host curl -sS --max-time 3 http://203.0.113.10/)" "INTERNET client=192.0.2.2" \
    "inet web answers the host"
is "$(in_host curl -sS --max-time 3 -g 'http://[2001:db8:ff::10]/')" "INTERNET client=2001:db8:1::2" \
    "inet web answers the host over IPv6"
is "$(cat "$TOPO_DIR/web.log")" $'client=203.0.113.10\nclient=192.0.2.2\nclient=2001:db8:1::2' "web.log"
is "$(in_host dig +short +time=2 +tries=1 @203.0.113.53 www.example.test A)" 203.0.113.10 "inet dns: www.example.test"
like "$(in_host dig +time=2 +tries=1 @203.0.113.53 nope.example.test A)" 'status: NXDOMAIN' "inet dns: NXDOMAIN"
is "$(cat "$TOPO_DIR/inet-dns.log")" $'client=192.0.2.2 qname=www.example.test\nclient=192.0.2.2 qname=nope.example.test' "inet-dns.log"

# ------------------------------------------------------------ LAN_NS
is "$(in_lan dig +short +time=2 +tries=1 @192.168.77.2 www.example.test A)" 203.0.113.10 "lan dns"
is "$(cat "$TOPO_DIR/lan-dns.log")" "client=192.168.77.2 qname=www.example.test" "lan-dns.log"
is "$(in_host curl -sS --max-time 3 http://192.168.77.2/)" "LAN client=192.168.77.1" "lan web answers the host"
is "$(cat "$TOPO_DIR/lan-web.log")" "client=192.168.77.1" "lan-web.log"

# ------------------------------------------------------------ HOST_NS stand-ins
is "$(in_host dig +short +time=2 +tries=1 @127.0.0.1 -p 5353 www.example.test A)" 203.0.113.10 "DNSPort: www.example.test"
is "$(in_host dig +short +time=2 +tries=1 @127.0.0.1 -p 5353 hidden.onion A)" 10.192.0.77 "DNSPort: hidden.onion"
is "$(in_host dig +short +time=2 +tries=1 @127.0.0.1 -p 5353 abc.xyz.onion A)" 10.192.0.77 "DNSPort: *.onion"
like "$(in_host dig +time=2 +tries=1 @127.0.0.1 -p 5353 www.other.test A)" 'status: NXDOMAIN' "DNSPort: NXDOMAIN"
like "$(in_host dig +time=2 +tries=1 @127.0.0.1 -p 5353 www.example.test AAAA)" 'status: NOERROR' "DNSPort: AAAA is NODATA"
is "$(head -n 2 "$TOPO_DIR/dnsport.log")" $'peer=127.0.0.1 qname=www.example.test\npeer=127.0.0.1 qname=hidden.onion' "dnsport.log"

is "$(in_host curl -sS --max-time 3 --socks5-hostname 127.0.0.1:9050 http://www.example.test/x)" \
    "SOCKS target=www.example.test:80" "SocksPort: CONNECT by name"
is "$(in_host curl -sS --max-time 3 --socks5 127.0.0.1:9050 http://203.0.113.10:8080/)" \
    "SOCKS target=203.0.113.10:8080" "SocksPort: CONNECT by IPv4"
is "$(cat "$TOPO_DIR/socks.log")" $'peer=127.0.0.1 target=www.example.test:80\npeer=127.0.0.1 target=203.0.113.10:8080' "socks.log"

is "$(in_host curl -sS --max-time 3 http://127.0.0.1:9040/)" "TRANSPORT orig=127.0.0.1:9040 peer=127.0.0.1" \
    "TransPort direct: orig is its own address"
like "$(cat "$TOPO_DIR/transport.log")" '^peer=127\.0\.0\.1:[0-9]+ orig=127\.0\.0\.1:9040$' "transport.log"
t0=$(date +%s%N)
is "$(in_host "$PROBE" tcp 127.0.0.1 9040)" "OK recv HTTP/1.0 200 OK" "TransPort replies to a silent client"
ok_cmd "... within ~0.5 s" test $(( ($(date +%s%N) - t0) / 1000000 )) -lt 1500

# SO_ORIGINAL_DST through a real DNAT (output hook in HOST_NS)
far_reset
in_host nft -f - <<'EOF'
table ip tgselftest {
    chain out {
        type nat hook output priority -100;
        ip daddr 198.51.100.7 tcp dport 80 dnat to 127.0.0.1:9040
    }
}
EOF
is "$(in_host curl -sS --max-time 3 http://198.51.100.7/)" "TRANSPORT orig=198.51.100.7:80 peer=192.0.2.2" \
    "TransPort behind DNAT reports the original destination (src chosen before DNAT)"
like "$(tail -n 1 "$TOPO_DIR/transport.log")" '^peer=192\.0\.2\.2:[0-9]+ orig=198\.51\.100\.7:80$' "transport.log (DNAT)"
is "$(far_count "$INET_NS" all4)" 0 "the DNATed connection never reached INET_NS"
in_host nft delete table ip tgselftest

is "$(in_host "$PROBE" tcp 127.0.0.1 9051)" "OK recv 250 OK" "ControlPort stand-in"
is "$(in_host "$PROBE" tcp 127.0.0.1 631)" "OK recv 250 OK" "CUPS stand-in"
is "$(cat "$TOPO_DIR/controlport.log") $(cat "$TOPO_DIR/cups.log")" "peer=127.0.0.1 peer=127.0.0.1" "controlport.log, cups.log"
is "$(in_lan "$PROBE" tcp 192.0.2.2 8080)" "OK recv HOSTSVC" "host service on the uplink address, from the LAN"
is "$(cat "$TOPO_DIR/hostsvc.log")" "peer=192.168.77.2" "hostsvc.log"

# ------------------------------------------------------------ counters
far_reset
for c in all4 udp4 tcp4 icmp4 ip6 fromlan4; do
    is "$(far_count "$INET_NS" "$c")" 0 "INET $c is 0 after far_reset"
done
for c in all4 udp4 tcp4 icmp4 ip6; do
    is "$(far_count "$LAN_NS" "$c")" 0 "LAN $c is 0 after far_reset"
done
ok_cmd "host sends UDP to 203.0.113.10" in_host "$PROBE" udp 203.0.113.10 9
is "$(far_count "$INET_NS" udp4)" 1 "udp4 counted"
is "$(far_count "$INET_NS" all4)" 1 "all4 counted"
is "$(in_host "$PROBE" icmp 203.0.113.10)" "OK dgram=EACCES@socket raw=reply" \
    "icmp probe (ping sockets are off: ping_group_range '1 0' in a new netns)"
is "$(far_count "$INET_NS" icmp4)" 1 "icmp4 counted"
is "$(in_host "$PROBE" tcp 203.0.113.10 80 'GET / HTTP/1.0\r\n\r\n')" "OK recv HTTP/1.0 200 OK" "tcp probe"
ok_cmd "tcp4 counted" test "$(far_count "$INET_NS" tcp4)" -ge 3
is "$(in_host "$PROBE" dns 203.0.113.53 www.example.test)" "OK rcode=NOERROR a=203.0.113.10" "dns probe"
is "$(far_count "$INET_NS" udp4)" 2 "udp4 counts the dns probe"
ok_cmd "host sends UDP over IPv6" in_host "$PROBE" udp 2001:db8:ff::10 9
is "$(far_count "$INET_NS" ip6)" 1 "ip6 counts it (and no ND/MLD chatter)"
is "$(far_count "$INET_NS" fromlan4)" 0 "fromlan4 still 0"
is "$(in_lan "$PROBE" tcp 203.0.113.10 80)" "FAIL ETIMEDOUT connect" "LAN can't reach INET: host doesn't forward"
is "$(far_count "$INET_NS" fromlan4)" 0 "... and nothing from the LAN arrived"
ok_cmd "host sends UDP to the LAN" in_host "$PROBE" udp 192.168.77.2 9
is "$(far_count "$LAN_NS" udp4)" 1 "LAN udp4 counted"
far_reset
is "$(far_count "$INET_NS" all4) $(far_count "$INET_NS" ip6) $(far_count "$LAN_NS" all4)" "0 0 0" "far_reset zeroes again"

# probe output formats
is "$(in_host "$PROBE" tcp 127.0.0.1 9 || true)" "FAIL ECONNREFUSED connect" "probe: refused"
is "$(in_host "$PROBE" udp 203.0.113.53 9 --expect-reply || true)" "FAIL ECONNREFUSED recv" "probe: udp port unreachable"
is "$(in_host "$PROBE" udp 203.0.113.53 53 || true)" "OK sent 5" "probe: udp sent"
is "$(in_host "$PROBE" dns 127.0.0.1 x.onion 5353)" "OK rcode=NOERROR a=10.192.0.77" "probe: dns with port"
is "$(in_host "$PROBE" dns 127.0.0.1 nope.test 5353)" "OK rcode=NXDOMAIN" "probe: dns NXDOMAIN"
is "$(in_host "$PROBE" ipv6 2001:db8:ff::10 80 'GET / HTTP/1.0\r\n\r\n')" "OK recv HTTP/1.0 200 OK" "probe: ipv6"
is "$(in_host "$PROBE" bindtodevice nope0 || true)" "FAIL ENODEV setsockopt" "probe: bindtodevice"
st=0; "$PROBE" >/dev/null 2>&1 || st=$?
is "$st" 2 "probe: usage exit 2"

# ------------------------------------------------------------ a forwarding host
first=("$HOST_NS" "$INET_NS" "$LAN_NS")
first_dir=$TOPO_DIR
TOPO_HOST_FORWARDING=1 topo_up
isnt "$HOST_NS" "${first[0]}" "a second topo_up gets new names"
is "$(in_host sysctl -n net.ipv4.ip_forward) $(in_host sysctl -n net.ipv6.conf.all.forwarding)" "1 1" \
    "TOPO_HOST_FORWARDING=1"
is "$(in_lan "$PROBE" udp 203.0.113.10 9)" "OK sent 5" "LAN sends UDP to INET"
lan_packet_arrived() { [ "$(far_count "$INET_NS" fromlan4)" = 1 ]; }
ok_cmd "routed LAN packet arrives, unNATed" wait_for lan_packet_arrived
is "$(in_lan "$PROBE" tcp 203.0.113.10 80)" "FAIL ETIMEDOUT connect" "... but INET has no route back to the LAN"

# ------------------------------------------------------------ teardown
pids=$(pgrep -f "$TOPO_STANDINS" -d ' ' || true)   # only to check; not to kill
topo_down
left=
for ns in "${first[@]}" "$HOST_NS" "$INET_NS" "$LAN_NS"; do
    # (`ip netns list` itself can print "Peer netns reference is invalid"
    # while other namespaces come and go: look at /run/netns directly)
    [ ! -e "/run/netns/$ns" ] || left="$left $ns"
done
is "$left" "" "topo_down deleted every namespace"
ok_cmd "TOPO_DIRs removed" test ! -e "$TOPO_DIR" -a ! -e "$first_dir"
still=
for p in $pids; do
    # only servers of *this* run (their cmdline names our TOPO_DIRs)
    if grep -qs -e "$TOPO_DIR" -e "$first_dir" "/proc/$p/cmdline"; then still="$still $p"; fi
done
is "$still" "" "every server is gone"
ok_cmd "topo_down is idempotent" topo_down

# ------------------------------------------------------------ traps
for how in "exit 3" "false" "kill -TERM \$\$" "kill -INT \$\$"; do
    st=0
    # (env: async children of a non-interactive shell start with SIGINT
    # ignored, and bash can't trap a signal ignored at entry)
    name=$(env --default-signal=INT bash -c "set -eu; . '$HERE/../lib/topology.sh'; topo_up; echo \$HOST_NS; $how" 2>/dev/null) || st=$?
    isnt "$st" 0 "script dying with '$how' exits non-zero"
    ok_cmd "... and its topology is gone" test -n "$name" -a ! -e "/run/netns/$name"
done

done_testing
