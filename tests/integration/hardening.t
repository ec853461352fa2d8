#!/bin/bash
# The host hardening ruleset (etc/host-hardening.nft.in, table inet
# torgate_host), loaded into the test's host namespace and checked with real
# clients run as throwaway users: only Tor (and I2P) reach the Internet, and
# TCP only; the LAN is open but for its DNS; Tor's ports only for the desktop
# group, the ControlPort only for its filter; no IPv6; a refused local
# connection fails at once. Then: torgate's sandboxes still work with it
# loaded, and the host stays closed with torgate's table gone.
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/i2pd.sh"
tg_setup

TEMPLATE=$TESTS_DIR/../etc/host-hardening.nft.in

# Throwaway users: Tor, I2P, the ControlPort filter, and a desktop user whose
# primary group is the desktop group (nftables matches the socket's group,
# which is the primary one).
sfx=$$
tor_user=tgtor$sfx i2p_user=tgi2p$sfx cpf_user=tgcpf$sfx desk_user=tgdesk$sfx desk_group=tgdg$sfx
supp_user=tgsup$sfx
cleanup_users() {
    local u
    for u in "$tor_user" "$i2p_user" "$cpf_user" "$desk_user" "$supp_user"; do userdel "$u" 2>/dev/null; done
    groupdel "$desk_group" 2>/dev/null
    return 0
}
cleanup_with 'touch "$TOPO_DIR/lan-stop" 2>/dev/null; sys_profiles_cleanup; cleanup_users; topo_down'
groupadd --system "$desk_group" || bail_out "groupadd failed"
for u in "$tor_user" "$i2p_user" "$cpf_user"; do
    useradd --system --no-create-home --shell /usr/sbin/nologin "$u" || bail_out "useradd $u failed"
done
useradd --system --no-create-home --shell /usr/sbin/nologin -g "$desk_group" "$desk_user" ||
    bail_out "useradd $desk_user failed"
# In the desktop group only as a supplementary group.
useradd --system --no-create-home --shell /usr/sbin/nologin -G "$desk_group" "$supp_user" ||
    bail_out "useradd $supp_user failed"

# as USER cmd... : in the host namespace, as USER with USER's groups.
as() {
    local u=$1
    shift
    in_host setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups "$@"
}
as_root() { in_host "$@"; }

# render [I2P_USER] : the template filled in, as make install does.
render() {
    local i2p=(-e '/@I2P@/d')
    [ -z "${1:-}" ] || i2p=(-e 's/@I2P@//' -e "s/@I2P_USER@/$1/g")
    sed -e "s/@TOR_USER@/$tor_user/g" -e "s/@DESKTOP_GROUP@/$desk_group/g" \
        -e "s/@CONTROLPORT_FILTER_USER@/$cpf_user/g" \
        -e 's/@SOCKS_PORT@/9050/g' -e 's/@TRANS_PORT@/9040/g' -e 's/@DNS_PORT@/5353/g' \
        -e 's/@CONTROL_PORT@/9051/g' "${i2p[@]}" "$TEMPLATE"
}
render >"$TOPO_DIR/hardening.nft"
render "$i2p_user" >"$TOPO_DIR/hardening-i2p.nft"

# Milliseconds a command takes (its output discarded).
elapsed_ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000000))
}

# --- the template --------------------------------------------------------
is "$(grep -c '@[A-Z0-9_]*@' "$TOPO_DIR/hardening.nft")" 0 "rendered: no placeholder left"
unlike "$(cat "$TOPO_DIR/hardening.nft")" 'tgi2p' "rendered without an I2P user: no I2P rule"
like "$(cat "$TOPO_DIR/hardening-i2p.nft")" "meta skuid \"$i2p_user\"" "rendered with an I2P user: its rule is there"
unlike "$(grep -v '^[[:space:]]*#' "$TEMPLATE" | grep -v '^$')" 'torgate[^_]|inet torgate$' \
    "the ruleset names nothing of torgate's table"

# --- controls: before the hardening table, the host is open -------------
out=$(as "$desk_user" "$PROBE" tcp 203.0.113.10 80 'GET / HTTP/1.0\r\n\r\n' 2>&1)
like "$out" '^OK recv HTTP/1.0 200' "control: without the table, the desktop user reaches the internet web server"
out=$(as "$desk_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^OK' "control: without the table, the desktop user's UDP DNS reaches the internet ($out)"
out=$(as "$desk_user" "$PROBE" dns 192.168.77.2 www.example.test 2>&1)
like "$out" '^OK' "control: without the table, the LAN resolver answers ($out)"
out=$(as "$desk_user" "$PROBE" tcp 127.0.0.1 9051 2>&1)
like "$out" '^OK' "control: without the table, the desktop user reaches the ControlPort ($out)"
out=$(as_root "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^OK' "control: without the table, IPv6 reaches the internet ($out)"
[ "$(far_count "$INET_NS" all4)" -gt 0 ]; ok $? "control: the internet side counted those packets"
[ "$(far_count "$INET_NS" ip6)" -gt 0 ]; ok $? "control: the internet side counted IPv6 packets"

# --- load it -------------------------------------------------------------
ok_cmd "the rendered ruleset loads" in_host nft -f "$TOPO_DIR/hardening.nft"
listed=$(in_host nft list table inet torgate_host)
ok_cmd "loading it again replaces it (no error)" in_host nft -f "$TOPO_DIR/hardening.nft"
is "$(in_host nft list table inet torgate_host)" "$listed" "... and does not double its rules"
far_reset
web0=$(log_lines web) idns0=$(log_lines inet-dns) ldns0=$(log_lines lan-dns) cp0=$(log_lines controlport)

# --- the ordinary desktop user -------------------------------------------
out=$(as "$desk_user" "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^FAIL' "desktop user: TCP to the internet fails ($out)"
out=$(as "$desk_user" "$PROBE" udp 203.0.113.53 53 2>&1)
like "$out" '^FAIL' "desktop user: UDP to the internet fails ($out)"
out=$(as "$desk_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "desktop user: DNS to an internet resolver fails ($out)"
as_root "$PROBE" udp 203.0.113.53 53 >/dev/null 2>&1
out=$(as_root "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^FAIL' "root: TCP to the internet fails too ($out)"
ms=$(elapsed_ms as "$desk_user" "$PROBE" tcp 203.0.113.10 80)
[ "$ms" -lt 1000 ]; ok $? "a blocked connection is refused at once, not left to time out (${ms} ms)"
out=$(as "$desk_user" "$PROBE" dns 192.168.77.2 www.example.test 2>&1)
like "$out" '^FAIL' "desktop user: DNS to the LAN resolver fails ($out)"
out=$(as "$desk_user" "$PROBE" tcp 192.168.77.2 53 2>&1)
like "$out" '^FAIL' "desktop user: TCP DNS to the LAN fails ($out)"
out=$(as "$desk_user" "$PROBE" tcp 10.192.0.77 80 2>&1)
like "$out" '^FAIL' "desktop user: an automapped address (10.192.0.0/10) is not treated as LAN ($out)"
is "$(far_count "$LAN_NS" all4)" 0 "nothing arrived on the LAN side"
out=$(as "$desk_user" "$PROBE" tcp 192.168.77.2 80 'GET / HTTP/1.0\r\n\r\n' 2>&1)
like "$out" '^OK recv HTTP/1.0 200' "desktop user: the LAN web server is reached, directly"
like "$(topo_log lan-web)" 'client=192\.168\.77\.1' "the LAN web server saw the host's LAN address"
is "$(far_count "$INET_NS" all4)" 0 "nothing arrived on the internet side"
is "$(log_lines web)$(log_lines inet-dns)$(log_lines lan-dns)" "$web0$idns0$ldns0" \
    "the internet web server and both resolvers saw nothing"

# --- the Tor user ----------------------------------------------------------
out=$(as "$tor_user" "$PROBE" tcp 203.0.113.10 80 'GET / HTTP/1.0\r\n\r\n' 2>&1)
like "$out" '^OK recv HTTP/1.0 200' "Tor user: TCP to the internet web server works"
like "$(topo_log web)" 'client=192\.0\.2\.2' "the internet web server saw the Tor user's connection"
far_reset
out=$(as "$tor_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "Tor user: UDP (DNS) to the internet fails ($out)"
out=$(as "$tor_user" "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^FAIL' "Tor user: IPv6 fails ($out)"
is "$(far_count "$INET_NS" all4)" 0 "Tor user's UDP: nothing arrived on the internet side"
is "$(log_lines inet-dns)" "$idns0" "the internet resolver saw nothing"

# --- the local services whitelist -----------------------------------------
out=$(as "$desk_user" curl -sS --max-time 5 --socks5-hostname 127.0.0.1:9050 http://www.example.test/ 2>&1)
is "$out" "SOCKS target=www.example.test:80" "desktop user: the SocksPort works"
like "$(topo_log socks)" 'peer=127\.0\.0\.1 target=www\.example\.test:80' "the SocksPort saw it"
out=$(as "$desk_user" "$PROBE" dns 127.0.0.1 www.example.test 5353 2>&1)
like "$out" '^OK' "desktop user: the DNSPort works ($out)"
out=$(as "$desk_user" "$PROBE" tcp 127.0.0.1 9040 2>&1)
like "$out" '^OK' "desktop user: the TransPort accepts a connection ($out)"
cp0=$(log_lines controlport)
out=$(as "$desk_user" "$PROBE" tcp 127.0.0.1 9051 2>&1)
like "$out" '^FAIL' "desktop user: the ControlPort is closed ($out)"
out=$(as_root "$PROBE" tcp 127.0.0.1 9051 2>&1)
like "$out" '^FAIL' "root: the ControlPort is closed too ($out)"
is "$(log_lines controlport)" "$cp0" "the ControlPort saw no connection"
out=$(as "$cpf_user" "$PROBE" tcp 127.0.0.1 9051 2>&1)
like "$out" '^OK recv 250 OK' "ControlPort filter user: the ControlPort works ($out)"
is "$(log_lines controlport)" "$((cp0 + 1))" "the ControlPort saw exactly that connection"
socks0=$(log_lines socks)
out=$(as "$cpf_user" curl -sS --max-time 5 --socks5-hostname 127.0.0.1:9050 http://www.example.test/ 2>&1)
unlike "$out" '^SOCKS' "a user outside the desktop group: the SocksPort is closed"
out=$(as "$cpf_user" "$PROBE" dns 127.0.0.1 www.example.test 5353 2>&1)
like "$out" '^FAIL' "a user outside the desktop group: the DNSPort is closed ($out)"
out=$(as "$supp_user" "$PROBE" tcp 127.0.0.1 9050 2>&1)
like "$out" '^FAIL' "the desktop group as a supplementary group only is not enough (meta skgid is the primary group) ($out)"
is "$(log_lines socks)" "$socks0" "the SocksPort saw nothing of it"
out=$(as "$desk_user" "$PROBE" tcp 127.0.0.1 631 2>&1)
like "$out" '^FAIL' "desktop user: another loopback service (CUPS) is closed ($out)"
out=$(as_root "$PROBE" tcp 127.0.0.1 631 2>&1)
like "$out" '^OK' "root: loopback services work ($out)"

# --- IPv6 ------------------------------------------------------------------
far_reset
for u in "$desk_user" "$tor_user"; do
    out=$(as "$u" "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
    like "$out" '^FAIL' "$u: IPv6 to the internet fails ($out)"
done
out=$(as_root "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^FAIL' "root: IPv6 to the internet fails ($out)"
out=$(as_root "$PROBE" ipv6 2001:db8:2::2 80 2>&1)
like "$out" '^FAIL' "root: IPv6 to the LAN fails ($out)"
is "$(far_count "$INET_NS" ip6)$(far_count "$LAN_NS" ip6)" "00" "no IPv6 packet arrived anywhere"
out=$(as_root "$PROBE" ipv6 ::1 631 2>&1)
unlike "$out" 'EACCES|EHOSTUNREACH|ETIMEDOUT' "IPv6 loopback is not blocked for root ($out)"

# --- RELATED: a refused local connection fails at once --------------------
ms=$(elapsed_ms as_root "$PROBE" tcp 127.0.0.1 9)
out=$(as_root "$PROBE" tcp 127.0.0.1 9 2>&1)
like "$out" '^FAIL ECONNREFUSED' "TCP to a closed local port: ECONNREFUSED ($out)"
[ "$ms" -lt 1000 ]; ok $? "... at once (${ms} ms)"
ms=$(elapsed_ms as_root "$PROBE" udp 127.0.0.1 9 --expect-reply)
out=$(as_root "$PROBE" udp 127.0.0.1 9 --expect-reply 2>&1)
like "$out" '^FAIL ECONNREFUSED' "UDP to a closed local port: the RELATED ICMP on loopback is let through ($out)"
[ "$ms" -lt 1000 ]; ok $? "... at once (${ms} ms)"
# Control: the same ruleset without its RELATED-ICMP-on-loopback rules.
grep -v 'ct state related meta l4proto { icmp, ipv6-icmp } accept' "$TOPO_DIR/hardening.nft" \
    >"$TOPO_DIR/hardening-norelated.nft"
in_host nft -f "$TOPO_DIR/hardening-norelated.nft"
out=$(as_root "$PROBE" udp 127.0.0.1 9 --expect-reply 2>&1)
like "$out" '^FAIL TIMEOUT' "control: without those rules the ICMP is dropped and UDP times out ($out)"
in_host nft -f "$TOPO_DIR/hardening.nft"

# --- I2P, when configured -------------------------------------------------
out=$(as "$i2p_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "without an I2P user configured, the I2P user is an ordinary user ($out)"
ok_cmd "the ruleset rendered with an I2P user loads" in_host nft -f "$TOPO_DIR/hardening-i2p.nft"
out=$(as "$i2p_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^OK' "I2P user: UDP to the internet works ($out)"
out=$(as "$i2p_user" "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^OK' "I2P user: TCP to the internet works ($out)"
out=$(as "$desk_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "the desktop user is still closed ($out)"
out=$(as "$i2p_user" "$PROBE" ipv6 2001:db8:ff::10 80 2>&1)
like "$out" '^FAIL' "I2P user: no IPv6 either ($out)"
# The real router (Debian's i2pd, tests/lib/i2pd.sh) as the I2P user: its
# reseed request reaches the internet with the I2P rule, and not without.
# (i2pd reseeds over HTTPS only: a listener on the internet's port 443
# logs who connected, and the router gives up on its answer.)
_topo_start "$INET_NS" reseed banner --reply 'no\n' --listen 203.0.113.10:443
_topo_wait_listening "$INET_NS" t 203.0.113.10 443 || bail_out "the reseed listener did not start"
reseeds() { log_lines reseed; }
failed_reseeds() { grep -c 'Reseed: .*\(failed\|Failed\)' "$I2PD_DIR/i2pd.log"; }
i2pd_launch "$HOST_NS" "$i2p_user" https://203.0.113.10/ || bail_out "i2pd did not start"
WAIT_FOR_TIMEOUT=400 wait_for test "$(reseeds)" -ge 1
like "$(topo_log reseed | head -n 1)" '^peer=192\.0\.2\.2$' \
    "I2P user: the real router's reseed request reached the internet (from the uplink's address)"
i2pd_stop
ok_cmd "back to the ruleset without I2P" in_host nft -f "$TOPO_DIR/hardening.nft"
before=$(reseeds) failed_before=$(failed_reseeds)
i2pd_launch "$HOST_NS" "$i2p_user" https://203.0.113.10/ || bail_out "i2pd did not start again"
WAIT_FOR_TIMEOUT=400 wait_for test "$(failed_reseeds)" -gt "$failed_before"
is "$(reseeds)" "$before" "without the I2P rule, the router's reseed never arrives ($(grep 'Reseed: .*[Ff]ailed' "$I2PD_DIR/i2pd.log" | tail -n 1 | sed 's/.* - //'))"
i2pd_stop

# --- coexistence with torgate's table --------------------------------------
transport0=$(log_lines transport)
out=$(tg --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 peer=10\.118\.' "with the hardening loaded, a tor sandbox's curl lands on the TransPort"
is "$(log_lines transport)" "$((transport0 + 1))" "the TransPort logged it"
out=$(tg -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test' "... and its DNS reaches the DNSPort"
out=$(tg --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "with the hardening loaded, the clearnet sandbox reaches the internet web server"
ok_cmd "both tables are there" sh -c "ip netns exec $HOST_NS nft list tables | grep -qx 'table inet torgate' &&
    ip netns exec $HOST_NS nft list tables | grep -qx 'table inet torgate_host'"
out=$(as "$desk_user" "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^FAIL' "with torgate's table and its clearnet forwarding on, the host's own desktop user is still closed ($out)"

# A tor sandbox that may reach the LAN (its link forwards) runs across what
# follows, and tries the internet's web server when told.
sys_profiles_init
sys_profile "tglan-$sfx" 'mode = tor' 'lan = allow'
tg_bg --profile "tglan-$sfx" -- sh -c "echo >$TOPO_DIR/lan-up; while [ ! -e $TOPO_DIR/lan-stop ]; do
    [ -e $TOPO_DIR/lan-go ] || { sleep 0.05; continue; }; rm $TOPO_DIR/lan-go
    $PROBE tcp 203.0.113.10 80 >$TOPO_DIR/lan-out.tmp 2>&1; mv $TOPO_DIR/lan-out.tmp $TOPO_DIR/lan-out; done"
lan_pid=$!
wait_for test -e "$TOPO_DIR/lan-up" || bail_out "the lan = allow sandbox did not start"
lan_try() { # the running sandbox's TCP to the internet's web server
    rm -f "$TOPO_DIR/lan-out"
    touch "$TOPO_DIR/lan-go"
    WAIT_FOR_TIMEOUT=200 wait_for test -e "$TOPO_DIR/lan-out"
}

# --- and without torgate's table -------------------------------------------
ok_cmd "torgate's table is deleted" in_host nft delete table inet torgate
far_reset
web0=$(log_lines web) idns0=$(log_lines inet-dns)
out=$(as "$desk_user" "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^FAIL' "without torgate's table: desktop user's TCP to the internet fails ($out)"
out=$(as "$desk_user" "$PROBE" dns 203.0.113.53 www.example.test 2>&1)
like "$out" '^FAIL' "without torgate's table: desktop user's UDP to the internet fails ($out)"
out=$(as "$desk_user" "$PROBE" tcp 127.0.0.1 9051 2>&1)
like "$out" '^FAIL' "without torgate's table: the ControlPort is still closed ($out)"
is "$(far_count "$INET_NS" all4)$(far_count "$INET_NS" ip6)" "00" "nothing arrived on the internet side"
is "$(log_lines web)$(log_lines inet-dns)" "$web0$idns0" "the web server and the resolver saw nothing"
lan_try
is "$(far_count "$INET_NS" all4)" 0 "without torgate's table, the running lan = allow sandbox's TCP to the internet is forwarded nowhere ($(cat "$TOPO_DIR/lan-out"))"

# Control for the whole table: deleted, the host is open again.
ok_cmd "the hardening table is deleted (as ExecStop does)" in_host nft delete table inet torgate_host
out=$(as "$desk_user" "$PROBE" tcp 203.0.113.10 80 2>&1)
like "$out" '^OK' "control: without any table, the desktop user reaches the internet again ($out)"
far_reset
lan_try
[ "$(far_count "$INET_NS" all4)" -gt 0 ]
ok $? "control: without any table, the lan = allow sandbox's packets reach the internet side, untranslated"
touch "$TOPO_DIR/lan-stop"
wait "$lan_pid"

done_testing
