#!/bin/bash
# Profiles' modes and keys, from inside the sandbox with real clients and the
# probe, and on the far side: i2p and offline mode; dns = none, lan = allow,
# host-services, proxy-env and user-namespaces.
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/i2pd.sh"
: "${STAGE:?set STAGE to the staged install (make integration does)}"
tg_setup

# Profiles of our own go into the staged system directory (the
# administrator's, looked at first); they and the directory, if we made it,
# go away again. So does the I2P router (topo_down ends it).
sys_profiles_init
EXTRA_PIDS=
cleanup() {
    local pid
    sys_profiles_cleanup
    for pid in $EXTRA_PIDS; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    topo_down
}
cleanup_with cleanup

# In a sandbox's shell, GW is the gateway: the default route's next hop (a
# sandbox without DNS has no nameserver line to read it from).
GW='$(ip route show default | cut -d" " -f3)'

# ====================================================================== i2p
# The host's I2P router: Debian's i2pd, as its own user (tests/lib/i2pd.sh).
I2P_USER=i2pd
getent passwd "$I2P_USER" >/dev/null || bail_out "no user $I2P_USER: install i2pd (make deps does)"
i2pd_start "$HOST_NS" "$I2P_USER" || bail_out "i2pd did not start: $(cat "$I2PD_DIR/stdout.log" "$I2PD_DIR/i2pd.log" 2>/dev/null | tail -n 5)"
far_reset
i2p_log() { cat "$I2PD_DIR/i2pd.log"; }

# Its HTTP proxies answer for an .i2p name: the router's own page (it knows
# no such host: it has no I2P network to ask).
for port in 4444 4445; do
    out=$(tg --profile i2p-browser -- sh -c "curl -sS --max-time 20 -x http://$GW:$port http://torgate-test.i2p/" 2>&1)
    like "$out" '<title>I2Pd HTTP proxy</title>' "i2p: gateway:$port is the I2P router's HTTP proxy"
    like "$out" 'Host not found' "... which answers for torgate-test.i2p itself"
done
is "$(i2p_log | grep -c 'HTTPProxy: Requested: http://torgate-test\.i2p/')" 2 "i2p: the router logged both requests"
out=$(tg --profile i2p-browser -- sh -c "/usr/bin/python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 7656), timeout=10)
s.sendall(b\"HELLO VERSION MIN=3.0 MAX=3.1\\n\")
print(s.makefile().readline().strip())' $GW" 2>&1)
like "$out" '^HELLO REPLY RESULT=OK VERSION=3\.' "i2p: gateway:7656 is the router's SAM ($out)"
like "$(i2p_log)" 'SAM: New connection from 10\.118\.[0-9]+\.[0-9]+:' "i2p: SAM saw the sandbox's address"
# The router's other ports are there (the control: from the host) and out
# of a sandbox's reach.
for port in 4447 7070; do
    ok_cmd "control: the router's port $port answers on the host" in_host "$PROBE" tcp 127.0.0.1 "$port"
    out=$(tg --profile i2p-browser -- sh -c "$PROBE tcp $GW $port" 2>&1)
    like "$out" '^FAIL' "i2p: gateway:$port (not one torgate.conf names) fails ($out)"
done
out=$(tg --profile i2p-browser -- "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^FAIL' "i2p: TCP to the internet fails ($out)"
out=$(tg --profile i2p-browser -- sh -c "$PROBE tcp $GW 9040" 2>&1)
like "$out" '^FAIL' "i2p: gateway:9040 (the TransPort's port) fails ($out)"
out=$(tg --profile i2p-browser -- sh -c "$PROBE tcp $GW 9050" 2>&1)
like "$out" '^FAIL' "i2p: gateway:9050 (the SocksPort's port) fails ($out)"
out=$(tg --profile i2p-browser -- "$PROBE" udp 203.0.113.10 9999 2>&1)
is "$out" "FAIL EPERM socket" "i2p: a UDP socket is refused with EPERM"
out=$(tg --profile i2p-browser -- sh -c "$PROBE dns $GW www.example.test" 2>&1)
is "$out" "FAIL EPERM socket" "i2p: so is DNS to the gateway"
out=$(tg --profile i2p-browser -- cat /etc/resolv.conf 2>&1)
unlike "$out" 'nameserver' "i2p: resolv.conf names no nameserver"
out=$(tg --profile i2p-browser -- sh -c 'echo "GW=$(ip route show default | cut -d" " -f3)"; env' 2>&1)
gw=$(sed -n 's/^GW=//p' <<<"$out")
like "$gw" '^10\.118\.[0-9]+\.[0-9]+$' "i2p: the sandbox has a gateway ($gw)"
for var in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy; do
    like "$out" $'(^|\n)'"$var=http://${gw//./\\.}:4444"$'(\n|$)' "i2p: proxy-env = yes: $var names the I2P HTTP proxy at the gateway"
done
is "$(log_lines transport)$(log_lines socks)$(log_lines dnsport)" 000 "i2p: the TransPort, SocksPort and DNSPort saw nothing"
is "$(log_lines controlport)$(log_lines cups)$(log_lines hostsvc)" 000 "i2p: no other host service saw anything"
far_all_zero "$INET_NS"; ok $? "i2p: nothing arrived on the internet side"
far_all_zero "$LAN_NS"; ok $? "i2p: nothing arrived on the LAN side"
is "$(log_lines web)" 0 "i2p: the internet web server saw nothing"

# ================================================================== offline
far_reset
n_before="$(log_lines transport) $(log_lines socks) $(log_lines dnsport)"
out=$(tg --profile offline -- ip -o link show 2>&1)
is "$(awk -F': ' '{print $2}' <<<"$out" | sed 's/@.*//' | tr '\n' ' ')" "lo " "offline: the sandbox has lo and no other link"
out=$(tg --profile offline -- "$PROBE" tcp 203.0.113.10 80 2>&1)
is "$out" "FAIL ENETUNREACH connect" "offline: TCP to the internet fails with ENETUNREACH"
out=$(tg --profile offline -- "$PROBE" udp 203.0.113.10 9999 2>&1)
like "$out" '^FAIL ENETUNREACH' "offline: so does UDP ($out)"
out=$(tg --profile offline -- cat /etc/resolv.conf 2>&1)
unlike "$out" 'nameserver' "offline: resolv.conf names no nameserver"
cat >"$TOPO_DIR/loop.py" <<'EOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 8123))
s.listen(1)
c, _ = s.accept()
c.sendall(b"LOOPBACK\n")
c.close()
EOF
out=$(tg --profile offline -- sh -c "python3 $TOPO_DIR/loop.py & for i in \$(seq 50); do \
    r=\$($PROBE tcp 127.0.0.1 8123) && break; sleep 0.1; done; echo \"\$r\"; wait" 2>&1)
is "$out" "OK recv LOOPBACK" "offline: a listener on the sandbox's own 127.0.0.1 is reached from inside"
out=$(tg --profile offline -- "$PROBE" tcp 127.0.0.1 9040 2>&1)
like "$out" '^FAIL ECONNREFUSED' "offline: the sandbox's loopback is not the host's ($out)"
far_all_zero "$INET_NS"; ok $? "offline: nothing arrived on the internet side"
far_all_zero "$LAN_NS"; ok $? "offline: nothing arrived on the LAN side"
is "$(log_lines transport) $(log_lines socks) $(log_lines dnsport)" "$n_before" "offline: nothing reached Tor's ports"
is "$(log_lines web)$(log_lines lan-web)$(log_lines inet-dns)$(log_lines lan-dns)" 0000 "offline: no server saw anything"

# ================================================================ dns = none
n_dns=$(log_lines dnsport)
out=$(tg --profile tor-browser -- cat /etc/resolv.conf 2>&1)
unlike "$out" 'nameserver' "dns = none: resolv.conf names no nameserver"
out=$(tg --profile tor-browser -- sh -c "$PROBE dns $GW www.example.test" 2>&1)
like "$out" '^FAIL' "dns = none: DNS to the gateway fails ($out)"
out=$(tg --profile tor-browser -- sh -c "dig +short +time=1 +tries=1 @$GW www.example.test" 2>&1)
unlike "$out" '203\.0\.113\.10' "dns = none: dig at the gateway gets no answer"
out=$(tg --profile tor-browser -- getent hosts www.example.test 2>&1)
is "$out" "" "dns = none: getent resolves nothing"
is "$(log_lines dnsport)" "$n_dns" "dns = none: the DNSPort saw no query"
out=$(tg --profile tor-browser -- sh -c "curl -sS --max-time 5 --socks5-hostname $GW:9050 http://www.example.test/" 2>&1)
is "$out" "SOCKS target=www.example.test:80" "dns = none: SOCKS at gateway:9050 still works"
# control: the same query with dns = tor is answered
out=$(tg --profile default -- sh -c "$PROBE dns $GW www.example.test" 2>&1)
like "$out" '^OK' "control: with dns = tor, DNS to the gateway is answered ($out)"
is "$(log_lines dnsport)" "$((n_dns + 1))" "control: ... by the DNSPort"

# ================================================================ lan = allow
# torgate forwards LAN traffic only through the uplinks, so the LAN here is on
# the uplink's segment: 192.168.99.0/24 between INET_NS and the host's up0.
in_inet ip addr add 192.168.99.1/24 dev eth0
in_host ip addr add 192.168.99.2/24 dev up0
_topo_start "$INET_NS" lan99-web web --label LAN99 --listen 192.168.99.1:80
EXTRA_PIDS="$EXTRA_PIDS $!"
_topo_start "$INET_NS" lan99-dns dns --fixture inet --log-key client --listen 192.168.99.1:53
EXTRA_PIDS="$EXTRA_PIDS $!"
_topo_wait_listening "$INET_NS" t 192.168.99.1 80 || bail_out "the uplink-LAN web stand-in did not start"
_topo_wait_listening "$INET_NS" u 192.168.99.1 53 || bail_out "the uplink-LAN DNS stand-in did not start"
sys_profile "tgtest-lan-$$" 'mode = tor' 'lan = allow'
far_reset

n_transport=$(log_lines transport)
out=$(tg --profile "tgtest-lan-$$" -- curl -sS --max-time 5 http://192.168.99.1/ 2>&1)
is "$out" "LAN99 client=192.168.99.2" "lan = allow: TCP to the LAN arrives directly, source-NATed to the host's address"
like "$(topo_log lan99-web)" '^client=192\.168\.99\.2$' "lan = allow: the LAN web server saw the host's address"
is "$(log_lines transport)" "$n_transport" "lan = allow: the TransPort saw nothing of it"
udp_before=$(far_count "$INET_NS" udp4)
out=$(tg --profile "tgtest-lan-$$" -- "$PROBE" udp 192.168.99.1 9999 2>&1)
like "$out" '^OK' "lan = allow: UDP to the LAN is sent ($out)"
udp_after=$(far_count "$INET_NS" udp4)
[ "$udp_after" -gt "$udp_before" ]; ok $? "lan = allow: ... and arrives (udp4 $udp_before -> $udp_after)"
udp_before=$udp_after
out=$(tg --profile "tgtest-lan-$$" -- "$PROBE" dns 192.168.99.1 www.example.test 2>&1)
like "$out" '^FAIL' "lan = allow: DNS to the LAN resolver is refused ($out)"
out=$(tg --profile "tgtest-lan-$$" -- dig +short +time=1 +tries=1 @192.168.99.1 www.example.test 2>&1)
unlike "$out" '203\.0\.113\.10' "lan = allow: dig at the LAN resolver gets no answer"
is "$(log_lines lan99-dns)" 0 "lan = allow: the LAN resolver saw no query"
is "$(far_count "$INET_NS" udp4)" "$udp_before" "lan = allow: no DNS packet arrived"
out=$(tg --profile "tgtest-lan-$$" -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "lan = allow: the internet still lands on the TransPort"
# lan = allow never covers what only Tor carries: Tor's automap range
# (10.192.0.0/10, inside 10/8) and the pool, where the gateway's DNS is.
far_reset
n_transport=$(log_lines transport)
out=$(tg --profile "tgtest-lan-$$" -- "$PROBE" tcp 10.192.0.77 80 2>&1)
is "$out" "FAIL ECONNREFUSED connect" "lan = allow: an automapped address that no lookup of the sandbox's gave is refused (automap.t)"
is "$(far_count "$INET_NS" all4)" 0 "lan = allow: ... and nothing of it went out by the uplink"
n_dns=$(log_lines dnsport)
out=$(tg --profile "tgtest-lan-$$" -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test' "lan = allow: names resolve through the gateway's DNSPort"
[ "$(log_lines dnsport)" -gt "$n_dns" ]; ok $? "lan = allow: ... the DNSPort saw the query"
out=$(tg --profile "tgtest-lan-$$" -- sh -c 'curl -sS --max-time 5 http://"$(getent hosts abcdefghijklmnop.onion | cut -d" " -f1)"/' 2>&1)
like "$out" '^TRANSPORT orig=10\.192\.0\.77:80 ' "lan = allow: an onion name, resolved and automapped, lands on the TransPort"
out=$(tg --profile "tgtest-lan-$$" -- "$PROBE" udp 10.192.0.77 9999 2>&1)
like "$out" '^FAIL' "lan = allow: UDP to an automapped address is refused ($out)"
is "$(far_count "$INET_NS" all4)" 0 "lan = allow: nothing at all arrived on the internet side"
# lan = deny (the default): the same LAN address lands on the TransPort
n_web=$(log_lines lan99-web)
out=$(tg --profile default -- curl -sS --max-time 5 http://192.168.99.1/ 2>&1)
like "$out" '^TRANSPORT orig=192\.168\.99\.1:80 ' "lan = deny: TCP to the LAN lands on the TransPort"
is "$(log_lines lan99-web)" "$n_web" "lan = deny: the LAN web server saw nothing"
udp_before=$(far_count "$INET_NS" udp4)
out=$(tg --profile default -- "$PROBE" udp 192.168.99.1 9999 2>&1)
like "$out" '^FAIL' "lan = deny: UDP to the LAN is refused ($out)"
is "$(far_count "$INET_NS" udp4)" "$udp_before" "lan = deny: nothing of it arrived"

# ============================================================= host-services
sys_profile "tgtest-cups-$$" 'mode = tor' 'host-services = tcp/631'
n_transport=$(log_lines transport)
out=$(tg --profile "tgtest-cups-$$" -- sh -c "$PROBE tcp $GW 631" 2>&1)
is "$out" "OK recv 250 OK" "host-services = tcp/631: gateway:631 reaches the host's CUPS"
like "$(topo_log cups)" '^peer=10\.118\.[0-9]+\.[0-9]+$' "host-services = tcp/631: cups.log shows the connection"
is "$(log_lines transport)" "$n_transport" "host-services = tcp/631: not through the TransPort"
out=$(tg --profile "tgtest-cups-$$" -- sh -c "$PROBE tcp $GW 9051" 2>&1)
is "$(log_lines controlport)" 0 "host-services = tcp/631 does not open tcp/9051: the ControlPort saw nothing"
like "$(topo_log transport)" 'orig=10\.118\.[0-9]+\.[0-9]+:9051' "... gateway:9051 lands on the TransPort"
# Tor's ControlPort is never a host service: refused with a line, nothing runs.
sys_profile "tgtest-control-$$" 'mode = tor' 'host-services = tcp/9051'
out=$(tg --profile "tgtest-control-$$" -- sh -c "$PROBE tcp $GW 9051" 2>&1); st=$?
is "$st" 125 "host-services = tcp/9051 (Tor's ControlPort) is refused"
like "$out" "host service tcp/9051 is Tor's ControlPort, which no sandbox reaches" "... saying why ($out)"
is "$(log_lines controlport)" 0 "... and the ControlPort saw nothing"
# udp/631: a listener on the host's every address logs what arrives
: >"$TOPO_DIR/udp631.log"
in_host python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 631))
open(sys.argv[1] + ".ready", "w").close()
while True:
    data, peer = s.recvfrom(2048)
    with open(sys.argv[1], "a") as f:
        f.write("from=%s\n" % peer[0])
' "$TOPO_DIR/udp631.log" </dev/null >/dev/null 2>&1 &
topo_add_pid "$!"
wait_for test -e "$TOPO_DIR/udp631.log.ready"
out=$(tg --profile "tgtest-cups-$$" -- sh -c "$PROBE udp $GW 631" 2>&1)
like "$out" '^OK sent' "host-services = tcp/631: udp/631 is sent into the sandbox's datagram island ($out)"
in_host "$PROBE" udp 127.0.0.1 631 >/dev/null 2>&1
wait_for grep -q . "$TOPO_DIR/udp631.log"
is "$(topo_log udp631)" "from=127.0.0.1" \
    "host-services = tcp/631 does not open udp/631: the host's listener heard only the control, sent from the host"
n_cups=$(log_lines cups)
out=$(tg --profile default -- sh -c "$PROBE tcp $GW 631" 2>&1)
like "$out" '^OK recv HTTP/1.0 200 OK' "without host-services, gateway:631 lands on the TransPort"
like "$(topo_log transport)" 'orig=10\.118\.[0-9]+\.[0-9]+:631' "... which saw the gateway's port 631"
is "$(log_lines cups)" "$n_cups" "without host-services, CUPS saw nothing"
# Each launcher leaves its elements (it holds no capability once its app
# runs); the next one that grants services prunes those of links that are
# gone, never a running sandbox's.
services_elements() { in_host nft list set inet torgate host_services | grep -o '[0-9a-z]* \. tcp \. 631' | wc -l; }
is "$(services_elements)" 1 "after three launches with host-services, the set holds one element (the last one's), not three"
tg_bg --profile "tgtest-cups-$$" -- sh -c "echo >$TOPO_DIR/svc-up; while [ ! -e $TOPO_DIR/svc-go ]; do sleep 0.05; done
    $PROBE tcp \$(ip route show default | cut -d' ' -f3) 631 >$TOPO_DIR/svc-out.tmp 2>&1; mv $TOPO_DIR/svc-out.tmp $TOPO_DIR/svc-out"
svc_pid=$!
wait_for test -e "$TOPO_DIR/svc-up"
tg --profile "tgtest-cups-$$" -- true
is "$(services_elements)" 2 "a launch while another runs: its elements and the running one's (the stale one pruned)"
touch "$TOPO_DIR/svc-go"
wait "$svc_pid"
is "$(cat "$TOPO_DIR/svc-out")" "OK recv 250 OK" "... and the running sandbox still reaches the host's CUPS"

# ================================================================= proxy-env
out=$(tg --profile curl -- sh -c 'echo "GW=$(ip route show default | cut -d" " -f3)"; env' 2>&1)
gw=$(sed -n 's/^GW=//p' <<<"$out")
for var in ALL_PROXY all_proxy; do
    like "$out" $'(^|\n)'"$var=socks5h://${gw//./\\.}:9050"$'(\n|$)' "proxy-env = yes (tor): $var=socks5h://GATEWAY:9050"
done
unlike "$out" $'(^|\n)(http|https|HTTP|HTTPS)_(proxy|PROXY)=' "proxy-env = yes (tor), no http-tunnel-port: no http_proxy"
like "$out" $'(^|\n)no_proxy=localhost,127\\.0\\.0\\.1(\n|$)' "proxy-env = yes: no_proxy=localhost,127.0.0.1"
out=$(tg --profile default -- env 2>&1)
unlike "$out" '(PROXY|proxy)=' "proxy-env = no (default): no proxy variable"
n_socks=$(log_lines socks)
out=$(tg --profile curl -- curl -sS --max-time 5 http://www.example.test/ 2>&1)
is "$out" "SOCKS target=www.example.test:80" "curl with the curl profile asks the SocksPort (socks5h: the name too)"
is "$(log_lines socks)" "$((n_socks + 1))" "the SocksPort saw it"
# with [tor] http-tunnel-port set, http_proxy names it
CONF_TUNNEL=$TOPO_DIR/torgate-tunnel.conf
{ cat "$CONF"; printf '[tor]\nhttp-tunnel-port = 127.0.0.1:9080\n'; } >"$CONF_TUNNEL"
out=$(in_host "$TORGATE" --config "$CONF_TUNNEL" --user "$TG_USER" --profile curl -- sh -c 'echo "GW=$(ip route show default | cut -d" " -f3)"; env' 2>&1)
gw=$(sed -n 's/^GW=//p' <<<"$out")
for var in http_proxy https_proxy HTTP_PROXY HTTPS_PROXY; do
    like "$out" $'(^|\n)'"$var=http://${gw//./\\.}:9080"$'(\n|$)' "proxy-env = yes, http-tunnel-port set: $var names the HTTPTunnelPort"
done
like "$out" $'(^|\n)ALL_PROXY=socks5h://' "... and ALL_PROXY still the SocksPort"

# =========================================================== user-namespaces
# (as root without capabilities, uid_map cannot map uid 0, which needs
# CAP_SETFCAP since Linux 5.12: so unshare -U, not -Ur, here)
# (both read in one sandbox: a namespace's inode number is reused once it is
# freed, so two sandboxes run one after the other may show the same)
out=$(tg --profile chromium -- sh -c 'readlink /proc/self/ns/user; unshare -U readlink /proc/self/ns/user' 2>&1); st=$?
is "$st" 0 "user-namespaces = allow (chromium): unshare -U succeeds ($(tr '\n' ' ' <<<"$out"))"
isnt "$(sed -n 2p <<<"$out")" "$(sed -n 1p <<<"$out")" "... and COMMAND's child is in a new user namespace"
out=$(tg --profile chromium -- unshare -Un true 2>&1); st=$?
is "$st" 0 "user-namespaces = allow: a nested network namespace too ($out)"
out=$(tg --profile default -- unshare -U true 2>&1); st=$?
isnt "$st" 0 "user-namespaces = deny (default): unshare -U fails"
like "$out" 'Operation not permitted' "... with EPERM ($out)"
out=$(tg --profile default -- unshare -Un true 2>&1); st=$?
isnt "$st" 0 "user-namespaces = deny: unshare -Un fails too"

done_testing
