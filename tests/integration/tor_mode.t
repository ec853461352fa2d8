#!/bin/bash
# Tor mode, from inside the sandbox with real clients, and on the far side:
# every TCP connection lands on the TransPort, DNS on the DNSPort, the
# gateway's SocksPort port on the SocksPort; nothing else leaves.
. "$(dirname "$0")/common.sh"
tg_setup

out=$(tg --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 peer=10\.118\.[0-9]+\.[0-9]+$' "curl to an internet address lands on the TransPort, original destination intact"
out=$(tg -- "$PROBE" tcp 192.168.77.2 22 'SSH-2.0-probe\r\n' 2>&1)
like "$out" '^OK recv HTTP/1.0 200 OK' "TCP to a LAN address and any port is answered by the TransPort"
like "$(topo_log transport)" 'orig=192\.168\.77\.2:22' "the TransPort saw the LAN destination"
is "$(log_lines lan-web)" 0 "the LAN web server saw nothing"

out=$(tg -- cat /etc/resolv.conf)
like "$out" $'\nnameserver 10\\.118\\.[0-9]+\\.[0-9]+\noptions no-aaaa$' "resolv.conf names the gateway, and only it, and asks for no AAAA records"
is "$(grep -c nameserver <<<"$out")" 1 "one nameserver line"
out=$(tg -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test' "getent resolves through the DNSPort"
like "$(topo_log dnsport)" 'peer=10\.118\.[0-9]+\.[0-9]+ qname=www\.example\.test' "the DNSPort got the query from the sandbox's address"
out=$(tg -- sh -c "dig +short +time=2 +tries=1 @$GATEWAY_OF_SANDBOX hidden.onion" 2>&1)
is "$out" "10.192.0.77" "dig at the gateway reaches the DNSPort (automapped .onion answer)"

out=$(tg --profile default -- curl -sS --max-time 5 http://hidden.onion/ 2>&1)
like "$out" '^TRANSPORT orig=10\.192\.0\.77:80 ' "an .onion name, automapped, lands on the TransPort"

out=$(tg -- sh -c "curl -sS --max-time 5 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 http://www.example.test/" 2>&1)
like "$out" '^SOCKS target=www\.example\.test:80$' "SOCKS at gateway:9050 reaches the SocksPort"
like "$(topo_log socks)" 'peer=10\.118\.[0-9]+\.[0-9]+ target=www\.example\.test:80' "the SocksPort saw the sandbox"

# DNS anywhere but the gateway never leaves.
out=$(tg -- "$PROBE" dns 192.168.77.2 www.example.test 2>&1)
like "$out" '^FAIL' "DNS to a LAN resolver gets no answer ($out)"
out=$(tg -- "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "DNS to an internet resolver gets no answer ($out)"
out=$(tg -- dig +short +time=1 +tries=1 @192.168.77.2 www.example.test 2>&1)
unlike "$out" '203\.0\.113\.10' "dig at a LAN resolver gets no answer"
is "$(log_lines lan-dns)$(log_lines inet-dns)" "00" "neither resolver saw a query"

# Other UDP, broadcast, multicast, ICMP, IPv6.
tg -- "$PROBE" udp 203.0.113.10 9999 >/dev/null 2>&1
tg -- "$PROBE" udp 192.168.77.2 9999 >/dev/null 2>&1
tg -- "$PROBE" broadcast 9999 >/dev/null 2>&1
tg -- "$PROBE" multicast 224.0.0.251 5353 >/dev/null 2>&1
tg -- "$PROBE" multicast 239.255.255.250 1900 >/dev/null 2>&1
out=$(tg -- "$PROBE" icmp 203.0.113.10 2>&1)
like "$out" '^FAIL' "ICMP echo fails ($out)"
out=$(tg -- "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^FAIL' "IPv6 fails ($out)"
is "$(tg -- cat /proc/sys/net/ipv6/conf/all/disable_ipv6)" 1 "IPv6 is disabled in the sandbox"
is "$(tg -- cat /proc/sys/net/ipv4/tcp_mtu_probing)" 1 "PLPMTUD is on in the sandbox (tcp_mtu_probing=1)"

# The host: nothing but the Tor ports.
out=$(tg -- sh -c "$PROBE tcp $GATEWAY_OF_SANDBOX 9051 'GETINFO version\r\n'" 2>&1)
like "$(topo_log transport)" 'orig=10\.118\.[0-9]+\.[0-9]+:9051' "the gateway's ControlPort port lands on the TransPort"
out=$(tg -- "$PROBE" tcp 192.0.2.2 8080 2>&1)
like "$(topo_log transport)" 'orig=192\.0\.2\.2:8080' "a service on the host's uplink address lands on the TransPort"
tg -- sh -c "$PROBE tcp $GATEWAY_OF_SANDBOX 631" >/dev/null 2>&1
tg -- "$PROBE" tcp 127.0.0.1 9051 >/dev/null 2>&1
dns_before=$(log_lines dnsport)
out=$(tg -- sh -c "$PROBE dns $GATEWAY_OF_SANDBOX www.example.test 5353" 2>&1)
like "$out" '^FAIL' "the DNSPort's own port at the gateway is closed ($out)"
is "$(log_lines controlport)" 0 "the ControlPort saw no connection"
is "$(log_lines cups)" 0 "CUPS on the host's loopback saw no connection"
is "$(log_lines hostsvc)" 0 "the host's own service saw no connection"
is "$(log_lines dnsport)" "$dns_before" "the DNSPort saw nothing but what was sent to the gateway's port 53"

# A name that would write lines into Tor's control events (tor's DNSPort
# copies names as they come into its STREAM events): the sandbox's DNS
# guard answers FORMERR and the DNSPort never sees it; a plain name through
# the same guard is answered, and arrives from the sandbox's address.
DNSQ=$TESTS_DIR/lib/dns_query.py
topo_visible DNSQ || bail_out "cannot copy the DNS client where sandboxes see it"
injection='x\r\n650 STREAM 4000000 NEW 17 a:1 SOURCE_ADDR=10.118.0.6:1.example'
dns_before=$(log_lines dnsport)
is "$(tg -- "$DNSQ" gateway 53 "$injection" 2>&1)" "rcode=1 id=same" \
    "a name with CR LF in it: FORMERR from the sandbox's DNS guard"
is "$(tg -- "$DNSQ" gateway 53 'a b.example' 2>&1)" "rcode=1 id=same" "... and one with a space"
is "$(log_lines dnsport)" "$dns_before" "... and the DNSPort saw neither"
is "$(tg -- "$DNSQ" gateway 53 www.example.test 2>&1)" "rcode=0 id=same" "control: a hostname through the guard is answered"
like "$(tail -n 1 "$TOPO_DIR/dnsport.log")" '^peer=10\.118\.[0-9]+\.[0-9]+ qname=www\.example\.test$' \
    "... and reaches the DNSPort from the sandbox's address"
in_host "$DNSQ" 127.0.0.1 5353 "$injection" >/dev/null 2>&1
like "$(cat "$TOPO_DIR/dnsport.log")" $'\n''650 STREAM 4000000 NEW 17' \
    "control: the same name sent to the DNSPort directly arrives, and splits its log's line"

# The same names over SOCKS (tor writes a SOCKS hostname as it came into
# its STREAM events too): the sandbox's SOCKS guard answers a refusal in
# the protocol's own form, SOCKS5 and SOCKS4a, and the SocksPort never sees
# the request; a hostname through the same guard reaches it, from the
# sandbox's address. COMMAND cannot give its socket the guard's mark.
SOCKSQ=$TESTS_DIR/lib/socks_request.py
topo_visible SOCKSQ || bail_out "cannot copy the SOCKS client where sandboxes see it"
socks_before=$(log_lines socks)
is "$(tg -- "$SOCKSQ" gateway 9050 "$injection" 2>&1)" "reply=1" \
    "SOCKS5, a name with CR LF in it: general failure from the sandbox's SOCKS guard"
is "$(tg -- "$SOCKSQ" gateway 9050 "$injection" 4a 2>&1)" "reply=91" "... SOCKS4a: request rejected"
is "$(tg -- "$SOCKSQ" gateway 9050 'a b.example' 2>&1)" "reply=1" "... a name with a space"
is "$(tg -- "$SOCKSQ" --mark gateway 9050 "$injection" 2>&1)" $'mark=refused\nreply=1' \
    "... COMMAND cannot take the guard's mark, and is refused all the same"
is "$(log_lines socks)" "$socks_before" "... and the SocksPort saw none of them"
is "$(tg -- "$SOCKSQ" gateway 9050 www.example.test 4a 2>&1)" "reply=90" "control: SOCKS4a with a hostname is granted"
like "$(tail -n 1 "$TOPO_DIR/socks.log")" '^peer=10\.118\.[0-9]+\.[0-9]+ socks4 cmd=1 target=www\.example\.test:80$' \
    "... by the SocksPort, which saw it come from the sandbox's address"
in_host "$SOCKSQ" 127.0.0.1 9050 "$injection" >/dev/null 2>&1
like "$(cat "$TOPO_DIR/socks.log")" $'\n''650 STREAM 4000000 NEW 17' \
    "control: the same name sent to the SocksPort directly arrives, and splits its log's line"
# The guard has 128 sockets, each reused once its connection ends: 150
# connections one after another all go through.
out=$(tg -- sh -c "for i in \$(seq 150); do curl -sS --max-time 5 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 \
    http://www.example.test/; done" 2>&1)
is "$(grep -c '^SOCKS target=www\.example\.test:80$' <<<"$out")" 150 "150 SOCKS connections in a row, all answered"
# Whole both ways, many times its buffers: 3 MB down, 2 MB up.
out=$(tg -- sh -c "curl -sS --max-time 20 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 http://www.example.test/bytes/3000000 | wc -c
    head -c 2000000 /dev/zero | curl -sS --max-time 20 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 \
        --data-binary @- -H 'Expect:' http://www.example.test/bytes/0" 2>&1)
is "$out" $'3000011\nreceived=2000000' "3 MB down and 2 MB up through the guard, every byte"

# What arrived on the far side: nothing at all.
for ns in INET LAN; do
    nsname=${ns}_NS
    is "$(far_count "${!nsname}" all4)" 0 "$ns side: no IPv4 packet arrived"
    is "$(far_count "${!nsname}" ip6)" 0 "$ns side: no IPv6 packet arrived"
done
is "$(log_lines web)" 0 "the internet web server saw no request"

done_testing
