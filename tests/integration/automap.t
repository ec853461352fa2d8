#!/bin/bash
# Tor's automapped addresses are one map for all of Tor's clients; each tor
# sandbox reaches only those its own DNS was answered with (automap.h): its
# launcher puts them in its table's set automapped before the answer goes
# on. Another sandbox's, or one never looked up, are refused (TCP reset)
# and reach no TransPort. The DNSPort stand-in answers every .onion name
# with 10.192.0.77.
. "$(dirname "$0")/common.sh"
tg_setup

go=$TOPO_DIR/automap.go
out_a=$TOPO_DIR/automap-a.out
cleanup() {
    [ -z "${launcher:-}" ] || kill "$launcher" 2>/dev/null
    topo_down
}
cleanup_with cleanup

GET='GET / HTTP/1.0\r\n\r\n'
transport_saw_onion() { grep -c 'orig=10\.192\.0\.77:80' "$TOPO_DIR/transport.log"; }

# A sandbox that never looked the name up: refused, and Tor never sees it.
out=$(tg --profile default -- "$PROBE" tcp 10.192.0.77 80 "$GET" 2>&1)
is "$out" "FAIL ECONNREFUSED connect" "an automapped address no lookup of the sandbox's gave is refused"
is "$(transport_saw_onion)" 0 "... and the TransPort saw nothing"
# Control: the same sandbox after its own lookup.
out=$(tg --profile default -- sh -c "getent hosts hidden.onion && exec $PROBE tcp 10.192.0.77 80 '$GET'" 2>&1)
like "$out" '^10\.192\.0\.77 +hidden\.onion' "control: the sandbox's lookup of an .onion name is answered ($out)"
like "$out" 'OK recv HTTP/1\.0 200 OK' "... and its address is then reached"
is "$(transport_saw_onion)" 1 "... on the TransPort, which saw it once"

# Sandbox A looks the name up and keeps running; sandbox B, meanwhile,
# tries A's address without a lookup of its own.
tg_bg --profile default -- sh -c "getent hosts other.onion; $PROBE tcp 10.192.0.77 80 '$GET'; echo ready;
    i=0; while [ ! -e '$go' ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
    $PROBE tcp 10.192.0.77 80 '$GET'" >"$out_a" 2>&1
launcher=$!
wait_for grep -q '^ready' "$out_a" || bail_out "sandbox A did not start: $(cat "$out_a")"
like "$(cat "$out_a")" 'OK recv HTTP/1\.0 200 OK' "control: sandbox A, after its lookup, reaches the address"
is "$(transport_saw_onion)" 2 "... on the TransPort"
a_cmd=$(pgrep -f "^sh -c getent hosts other.onion" | head -n1)
like "$(nsenter -t "$a_cmd" -n nft list set ip torgate_sandbox automapped)" 'elements = \{ 10\.192\.0\.77 \}' \
    "sandbox A's set automapped holds the address its DNS was answered with"
# A's launcher, which writes A's set: CAP_NET_ADMIN permitted, nothing else,
# nothing effective.
is "$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$launcher/status")" 0000000000001000 \
    "A's launcher keeps CAP_NET_ADMIN permitted and nothing else"
is "$(sed -n 's/^CapEff:[[:space:]]*//p' "/proc/$launcher/status")" 0000000000000000 "... none effective"
n=$(transport_saw_onion)
out=$(tg --profile default -- "$PROBE" tcp 10.192.0.77 80 "$GET" 2>&1)
is "$out" "FAIL ECONNREFUSED connect" "sandbox B cannot reach the address A's lookup was answered with"
is "$(transport_saw_onion)" "$n" "... and the TransPort saw nothing of B"
# B cannot write its own set: the sandbox has no capability over its table.
out=$(tg --profile default -- sh -c "nft add element ip torgate_sandbox automapped '{ 10.192.0.77 }' 2>&1; echo status \$?")
like "$out" 'status [1-9]' "COMMAND cannot add to its sandbox's set automapped ($out)"
# (the control: root on the host writes the same element into A's set)
ok_cmd "control: the element as written is one nft takes (root, in sandbox A's namespace)" \
    nsenter -t "$a_cmd" -n nft add element ip torgate_sandbox automapped '{ 10.192.0.78 }'
# SOCKS would go around the table (Tor maps every client's virtual
# addresses): the SOCKS guard refuses them in every form, and passes names.
n_socks=$(log_lines socks)
for target in "--socks5 GW:9050 http://10.192.0.77/" "--socks5-hostname GW:9050 http://10.192.0.77/" \
    "--socks4 GW:9050 http://10.192.0.77/" "--socks5-hostname GW:9050 http://[fe80::1]/"; do
    out=$(tg --profile default -- sh -c "curl -sS --max-time 5 ${target//GW/$GATEWAY_OF_SANDBOX}" 2>&1)
    like "$out" "^curl: \\(97\\) Can't complete SOCKS" "SOCKS to a virtual address is refused: curl $target ($out)"
done
is "$(log_lines socks)" "$n_socks" "... and the SocksPort saw none of them"
out=$(tg --profile default -- sh -c "curl -sS --max-time 5 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 http://hidden.onion/" 2>&1)
like "$(tail -n 1 "$TOPO_DIR/socks.log")" 'target=hidden\.onion:80$' "control: an .onion name by SOCKS reaches the SocksPort"
touch "$go"
wait "$launcher"
launcher=
is "$(tail -n 1 "$out_a")" 'OK recv HTTP/1.0 200 OK' "sandbox A still reaches its address at the end"
is "$(transport_saw_onion)" 3 "... on the TransPort"
is "$(far_count "$INET_NS" all4)" 0 "nothing arrived on the internet side"
done_testing
