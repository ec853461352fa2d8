#!/bin/bash
# torgate with a real tor as the host's Tor, in a private Tor network: TCP
# through the TransPort, names through the DNSPort, an onion service through
# automapping, SOCKS at the gateway, a circuit per sandbox, the clearnet
# profile beside Tor, every DNS type for the profile that asks, and nothing
# at all once tor is stopped. The far side
# says what arrived: the internet's servers log who connected to them.
. "$(dirname "$0")/common.sh"
tornet_setup

EVENTS=$TOPO_DIR/tor-events.log
: >"$EVENTS" && chown "$TORNET_USER" "$EVENTS"
# The host tor's circuit and stream events, for the whole test.
torctl events "$EVENTS" &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q '^ready$' "$EVENTS" || bail_out "cannot follow the host tor's events"
# "SOURCE_IP CIRCUIT TARGET" of each stream tor attached to a circuit, from
# line $1 of the events on: NEW names the client, SENTCONNECT the circuit.
streams_since() {
    tail -n +"$1" "$EVENTS" | awk '
        $1 == "STREAM" && $3 == "NEW" {
            for (i = 6; i <= NF; i++)
                if ($i ~ /^SOURCE_ADDR=/) { split(substr($i, 13), a, ":"); src[$2] = a[1] } }
        $1 == "STREAM" && ($3 == "SENTCONNECT" || $3 == "SUCCEEDED") && $4 != 0 { circ[$2] = $4; target[$2] = $5 }
        END { for (s in circ) print src[s], circ[s], target[s] }'
}

# As a desktop user would: a member of the tor group, which may read the
# cookie (as in Debian, CookieAuthFileGroupReadable).
out=$(in_host setpriv --groups="$(getent group "$TORNET_USER" | cut -d: -f3)" "$TORGATE" --config "$CONF" check 2>&1)
like "$out" '(^|'$'\n'')ok +Tor has bootstrapped \(100%\)' "torgate check reads the real tor's bootstrap through its ControlPort"

# TCP, by address: through the TransPort, out of the exit.
web_mark
out=$(tg --profile default -- curl -sS --max-time 60 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "curl to an internet address is answered, and the server saw the exit"
is "$(web_since)" "client=$EXIT_ADDR" "the web server saw one connection, from the exit"
like "$(streams_since 1)" '(^|'$'\n'')10\.118\.[0-9]+\.[0-9]+ [0-9]+ 203\.0\.113\.10:80($|'$'\n'')' \
    "tor carried it: a stream from the sandbox's address to 203.0.113.10:80, on a circuit"

# Names: through the DNSPort, resolved by the exit.
dns_before=$(log_lines inet-dns)
out=$(tg --profile default -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test$' "getent resolves a name through tor's DNSPort"
# (the exit's resolver randomizes the case of names: 0x20 encoding)
new_dns=$(tail -n +$((dns_before + 1)) "$TOPO_DIR/inet-dns.log" | tr '[:upper:]' '[:lower:]')
like "$new_dns" 'qname=www\.example\.test' "the internet's DNS server got the query (from the exit's resolver)"
unlike "$new_dns" 'client=192\.0\.2\.2 ' "none of it came from the host's own address"
web_mark
out=$(tg --profile default -- curl -sS --max-time 60 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "curl by name: resolved through Tor, connected through Tor"
mark=$(($(wc -l <"$EVENTS") + 1))
out=$(tg -- curl -sS --max-time 60 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "curl with its own profile (proxy-env) reaches the web server through the exit"
like "$(tail -n +$mark "$EVENTS")" 'STREAM [0-9]+ NEW 0 www\.example\.test:80 .*CLIENT_PROTOCOL=SOCKS5' \
    "by SOCKS, the name resolved by the exit"

# The onion service, by its name: automapped by the DNSPort into the shipped
# snippet's VirtualAddrNetworkIPv4, then through the TransPort.
tornet_wait_onion || bail_out "the onion service published no descriptor"
out=$(tg --profile default -- getent hosts "$ONION" 2>&1)
like "$out" '^10\.(19[2-9]|2[0-4][0-9]|25[0-5])\.[0-9]+\.[0-9]+ ' "the onion name resolves to an automapped address in 10.192.0.0/10 ($out)"
web_mark
out=$(tornet_onion_fetch tg --profile default -- curl -sS --max-time 45 "http://$ONION/")
like "$out" '^INTERNET client=' "curl http://ONION/ reaches the onion service's web server"
like "$(streams_since 1)" " ${ONION%.onion}\\.onion:80(\$|"$'\n'")" "tor carried it to the onion service"

# SOCKS at the gateway.
web_mark
out=$(tg --profile default -- sh -c "curl -sS --max-time 60 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 http://www.example.test/" 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "SOCKS at gateway:9050 reaches the web server through the exit"

# Two sandboxes at once get two circuits: tor isolates them by client address
# (IsolateClientAddr in the shipped snippet).
mark=$(($(wc -l <"$EVENTS") + 1))
web_mark
tg_bg --profile default -- sh -c 'curl -sS --max-time 60 http://203.0.113.10/ >/dev/null; sleep 30'
first=$!
WAIT_FOR_TIMEOUT=1200 wait_for sh -c "[ \$(wc -l <'$TOPO_DIR/web.log') -gt $WEB_MARK ]"
tg --profile default -- curl -sS --max-time 60 http://203.0.113.10/ >/dev/null 2>&1
kill "$first" 2>/dev/null
wait "$first" 2>/dev/null
pairs=$(streams_since "$mark" | grep ' 203\.0\.113\.10:80$')
is "$(awk '{print $1}' <<<"$pairs" | sort -u | wc -l)" 2 "two sandboxes, two source addresses ($(tr '\n' ' ' <<<"$pairs"))"
is "$(awk '{print $2}' <<<"$pairs" | sort -u | wc -l)" 2 "and two circuits"
circuits=$(torctl getinfo circuit-status)
for circ in $(awk '{print $2}' <<<"$pairs" | sort -u); do
    diag "circuit $circ: $(awk -v c="$circ" '$1 == c { print $3 }' <<<"$circuits")"
done

# One sandbox after the other: the second never takes over the first one's
# address, and with it its circuits (torgate picks a random free slot).
mark=$(($(wc -l <"$EVENTS") + 1))
tg --profile default -- curl -sS --max-time 60 http://203.0.113.10/ >/dev/null 2>&1
tg --profile default -- curl -sS --max-time 60 http://203.0.113.10/ >/dev/null 2>&1
pairs=$(streams_since "$mark" | grep ' 203\.0\.113\.10:80$')
is "$(awk '{print $1}' <<<"$pairs" | sort -u | wc -l)" 2 "two sandboxes one after the other, two source addresses ($(tr '\n' ' ' <<<"$pairs"))"
is "$(awk '{print $2}' <<<"$pairs" | sort -u | wc -l)" 2 "and two circuits"

# The clearnet profile reaches the web server directly, never through Tor.
# (a user's streams only: the host's tor fetches directory documents too)
user_streams() { grep -c '^STREAM [0-9]* NEW .*PURPOSE=USER' "$EVENTS"; }
streams_before=$(user_streams)
web_mark
dns_before=$(log_lines inet-dns)
out=$(tg --profile unsafe-browser -- curl -sS --max-time 20 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "the clearnet profile reaches the web server from the host's uplink address"
like "$(tail -n +$((dns_before + 1)) "$TOPO_DIR/inet-dns.log")" 'client=192\.0\.2\.2 qname=www\.example\.test' \
    "and resolves with the internet's DNS server directly"
is "$(user_streams)" "$streams_before" "tor opened no stream for it"

# Every DNS type (dns-types = all, the dns-tools profile), with a real
# resolver (dnsmasq) in the internet namespace: MX, TXT, SRV over UDP and
# TCP, an answer too large for UDP, A and .onion names still through the
# DNSPort, SERVFAIL once the resolver is gone; the resolver saw the exit,
# never the host.
RESOLVER=203.0.113.54
in_inet ip addr add "$RESOLVER/32" dev lo || bail_out "cannot give the internet namespace the resolver's address"
RESOLVER_LOG=$TOPO_DIR/resolver.log
big=$(printf 'x%.0s' $(seq 200))
txt_args=()
for i in 1 2 3 4 5 6 7 8; do txt_args+=("--txt-record=big.example.test,$i$big"); done
ip netns exec "$INET_NS" dnsmasq --keep-in-foreground --user=root --group=root --pid-file= --no-resolv --no-hosts \
    --listen-address="$RESOLVER" --bind-interfaces --port=53 --log-queries=extra --log-facility="$RESOLVER_LOG" \
    --mx-host=example.test,mail.example.test,10 --txt-record=example.test,"v=spf1 -all" \
    --srv-host=_xmpp-client._tcp.example.test,xmpp.example.test,5222,0,5 "${txt_args[@]}" \
    </dev/null >/dev/null 2>"$TOPO_DIR/dnsmasq.err" &
resolver_pid=$! # dnsmasq itself: ip netns exec execs it
topo_add_pid $resolver_pid
resolver_up() { in_inet ss -Hnlt "sport = :53" | grep -q "$RESOLVER"; }
wait_for resolver_up || bail_out "dnsmasq does not listen: $(cat "$TOPO_DIR/dnsmasq.err")"

# Without a resolver in torgate.conf, the profile is refused, saying why.
out=$(tg --profile dns-tools -- true 2>&1)
like "$out" "dns-types = all needs a resolver, and torgate.conf names none: an administrator can set one with \\[dns\\] resolver" \
    "with no [dns] resolver, the dns-tools profile is refused in one line"
DCONF=$TOPO_DIR/torgate-dns.conf
{ cat "$CONF"; printf '[dns]\nresolver = %s:53\n' "$RESOLVER"; } >"$DCONF"
tgd() { in_host "$TORGATE" --config "$DCONF" --user "$TG_USER" "$@"; }

# Through Tor to the resolver: MX, TXT and SRV over UDP, MX over TCP.
is "$(tgd --profile dns-tools -- dig +short +time=30 +tries=1 MX example.test 2>&1)" "10 mail.example.test." \
    "dig MX: answered by the resolver, through Tor"
is "$(tgd --profile dns-tools -- dig +short +time=30 +tries=1 TXT example.test 2>&1)" '"v=spf1 -all"' "dig TXT"
is "$(tgd --profile dns-tools -- dig +short +time=30 +tries=1 SRV _xmpp-client._tcp.example.test 2>&1)" \
    "0 5 5222 xmpp.example.test." "dig SRV"
is "$(tgd --profile dns-tools -- dig +tcp +short +time=30 +tries=1 MX example.test 2>&1)" "10 mail.example.test." \
    "dig +tcp MX: TCP queries too"
# An answer larger than UDP takes (8 TXT records of 201 bytes): TC over
# UDP, then whole over TCP, as dig does by itself.
out=$(tgd --profile dns-tools -- dig +time=30 +tries=1 +bufsize=1232 TXT big.example.test 2>&1)
like "$out" 'Truncated, retrying in TCP mode' "a large answer: truncated over UDP ..."
is "$(grep -c "IN	TXT	\"[1-8]x\{200\}\"" <<<"$out")" 8 "... and whole over TCP (8 records, 1.6 kB)"
# The far side: every query came from the exit.
like "$(cat "$RESOLVER_LOG")" "query\\[MX\\] example\\.test from $EXIT_ADDR" "the resolver saw the exit's address"
unlike "$(cat "$RESOLVER_LOG")" 'from (192\.0\.2\.|10\.118\.|127\.)' "... never the host's or a sandbox's"

# A, AAAA, PTR and .onion names stay with the DNSPort: the resolver never
# hears of them (over UDP and TCP).
lines=$(wc -l <"$RESOLVER_LOG")
is "$(tgd --profile dns-tools -- dig +short +time=30 +tries=1 A www.example.test 2>&1)" "203.0.113.10" \
    "dig A: through the DNSPort"
is "$(tgd --profile dns-tools -- dig +tcp +short +time=30 +tries=1 A www.example.test 2>&1)" "203.0.113.10" \
    "dig +tcp A: the guard's TCP side asks the DNSPort too"
tgd --profile dns-tools -- dig +time=30 +tries=1 MX "$ONION" >/dev/null 2>&1
unlike "$(tail -n +$((lines + 1)) "$RESOLVER_LOG")" 'query\[(A|MX)\] (www\.example\.test|[a-z0-9]+\.onion)' \
    "... the resolver heard neither A nor the .onion name"

# The control: the default profile (Tor's DNSPort alone) gets no MX answer,
# and the resolver hears nothing of it.
lines=$(wc -l <"$RESOLVER_LOG")
is "$(tg --profile default -- dig +short +time=30 +tries=1 MX example.test 2>&1)" "" \
    "control: the default profile gets no MX record"
is "$(tail -n +$((lines + 1)) "$RESOLVER_LOG")" "" "... and the resolver heard nothing"

# The resolver gone: SERVFAIL, well before dig's own 20 s.
kill "$resolver_pid"
wait_for sh -c "! ip netns exec '$INET_NS' ss -Hnlt 'sport = :53' | grep -q '$RESOLVER'"
out=$(tgd --profile dns-tools -- dig +time=20 +tries=1 MX example.test 2>&1)
like "$out" 'status: SERVFAIL' "with the resolver gone, SERVFAIL, not a timeout"
out=$(tgd --profile dns-tools -- dig +tcp +time=20 +tries=1 MX example.test 2>&1)
like "$out" 'status: SERVFAIL' "... over TCP too"

# tor stopped: apps fail at once (refused, not timed out), and nothing leaves.
tornet_stop_host_tor
ok_cmd "the host's tor is gone" sh -c "! ip netns exec '$HOST_NS' ss -Hnlt 'sport = :9040' | grep -q ."
sleep 1 # the last FIN and RST of tor's connections
far_reset
web_mark
dns_before=$(log_lines inet-dns)
# (at a terminal: script(1) gives torgate one)
out=$(script -qec "ip netns exec $HOST_NS $TORGATE --config $CONF --user $TG_USER --profile default -- true" /dev/null | tr -d '\r')
is "$out" "torgate: warning: nothing listens on Tor's TransPort 127.0.0.1:9040: is tor running? Until it is, true reaches nothing" \
    "at a terminal, torgate warns that tor is not running (and runs COMMAND, as confined as ever)"
tg --profile default -- curl -sS --max-time 30 http://203.0.113.10/ >/dev/null 2>&1
is "$?" 7 "curl to an address fails at once: connection refused (curl status 7, not 28 for a timeout)"
out=$(tg -- sh -c "dig +time=20 +tries=1 @$GATEWAY_OF_SANDBOX www.example.test" 2>&1)
like "$out" 'status: REFUSED' "dig hears a refusal at once, not a timeout (the sandbox's DNS guard turns the ICMP error into REFUSED)"
out=$(tg --profile default -- curl -sS --max-time 30 http://www.example.test/ 2>&1)
is "$?" 6 "curl by name fails: the name cannot be resolved (curl status 6: $out)"
out=$(tg -- curl -sS --max-time 30 http://www.example.test/ 2>&1)
is "$?" 97 "curl by SOCKS (its own profile) fails at once too: the sandbox's SOCKS guard resets it as Tor refused it (curl status 97: $out)"
out=$(tg -- "$PROBE" udp 203.0.113.53 53 2>/dev/null)
like "$out" '^FAIL' "other UDP is still refused ($out)"
is "$(web_since)" "" "the web server saw nothing"
is "$(tail -n +$((dns_before + 1)) "$TOPO_DIR/inet-dns.log")" "" "the DNS server saw nothing"
is "$(far_count "$INET_NS" all4) $(far_count "$INET_NS" ip6)" "0 0" "no packet at all reached the internet"
is "$(far_count "$LAN_NS" all4) $(far_count "$LAN_NS" ip6)" "0 0" "nor the LAN"
WAIT_FOR_TIMEOUT=100 wait_for no_sandbox_links
is "$(host_sandbox_links)" "" "no sandbox link is left on the host"

done_testing
