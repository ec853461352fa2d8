#!/bin/bash
# torgate remove-firewall (the package's prerm, an administrator): torgate's
# table leaves the host only when nothing of torgate runs, forwarding that a
# killed launcher left on is turned off before its guard goes, and the next
# launch puts the table back. torgate restore-firewall (nftables.service's
# drop-in): after nft flush ruleset, running sandboxes get their wall back,
# the uplink its guard.
. "$(dirname "$0")/common.sh"
tg_setup
cleanup() { in_host ip link del tg9999 2>/dev/null; topo_down; }
cleanup_with cleanup
table() { in_host nft list table inet torgate >/dev/null 2>&1 && echo present || echo absent; }
remove() { in_host "$TORGATE" remove-firewall; }

tg -- true
is "$(table)" present "control: a launch leaves torgate's table in place"
out=$(in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups "$TORGATE" remove-firewall 2>&1); st=$?
is "$st:$out" "125:torgate: torgate remove-firewall is for root (the package removes the table when it is removed)" \
    "an ordinary user may not remove it"
is "$(table)" present "... and it stays"

# A sandbox runs: its launcher is a torgate process. It connects after the
# attempt, and its wall still holds.
tg_bg -- sh -c "echo >$TOPO_DIR/up; while [ ! -e $TOPO_DIR/go ]; do sleep 0.05; done
    curl -sS --max-time 5 http://203.0.113.10/ >$TOPO_DIR/out.tmp 2>&1; mv $TOPO_DIR/out.tmp $TOPO_DIR/out"
pid=$!
wait_for test -e "$TOPO_DIR/up"
out=$(remove 2>&1); st=$?
like "$st:$out" "^1:torgate: torgate's firewall table stays: torgate runs \\(PID [0-9]+\\)" "with a sandbox running, root's removal is refused, saying why"
is "$(table)" present "... the table stays"
touch "$TOPO_DIR/go"
wait "$pid"
like "$(cat "$TOPO_DIR/out")" '^TRANSPORT orig=203\.0\.113\.10:80 ' "... and the running sandbox's next connection still lands on the TransPort"

# A sandbox link without its launcher in sight (one being made, as far as
# the census knows): the table stays too. (The sandbox above is gone; the
# kernel removes its link when it has torn its namespaces down.)
wait_for no_sandbox_links
in_host ip link add tg9999 type veth peer name tgpeer9999
out=$(remove 2>&1); st=$?
is "$st:$out" "1:torgate: torgate's firewall table stays: 1 sandbox link(s) exist (tgN); run 'torgate remove-firewall' again once every sandbox has ended" \
    "with a sandbox link on the host, the removal is refused"
is "$(table)" present "... the table stays"
in_host ip link del tg9999

# A clearnet launcher killed (SIGKILL) leaves the uplink forwarding, guarded:
# removing the table (the guard with it) must turn that forwarding off first.
tg_kill_clearnet_launcher
is "$(uplink_state)" "1 1" "control: after SIGKILL of a clearnet launcher the uplink forwards, guarded"
out=$(remove 2>&1); st=$?
is "$st:$out" "0:" "nothing of torgate runs: root's removal succeeds"
is "$(table)" absent "the table is gone"
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "... and the uplink's forwarding was turned off first"
# With the guard gone and forwarding left on, the internet side would reach
# the LAN through the host: it must not.
in_inet ip route add 192.168.77.0/24 via 192.0.2.2
far_reset
out=$(in_inet "$PROBE" tcp 192.168.77.2 80 2>&1)
like "$out" '^FAIL' "the internet side cannot reach the LAN through the host ($out)"
is "$(far_count "$LAN_NS" all4)" 0 "nothing arrived on the LAN side"
out=$(remove 2>&1); st=$?
is "$st:$out" "0:" "removing again, with no table, is quiet success"

out=$(tg --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "the next launch puts the table back, and its sandbox lands on the TransPort"
is "$(table)" present "the table is there again"

# ------------------------------------------------------------ restore-firewall
out=$(in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups "$TORGATE" restore-firewall 2>&1); st=$?
is "$st:$out" "125:torgate: torgate restore-firewall is for root (nftables.service runs it after it flushes the ruleset)" \
    "an ordinary user may not restore it"
in_host nft flush ruleset
out=$(in_host "$TORGATE" restore-firewall 2>&1); st=$?
is "$st:$out:$(table)" "0::absent" "with no sandbox running, restore-firewall does nothing (the next launch writes the table)"

# A tor sandbox and a clearnet one run; something flushes the whole ruleset
# (as nftables.service does when it starts or reloads).
rm -f "$TOPO_DIR/go" "$TOPO_DIR/out" "$TOPO_DIR/up"
tg_bg -- sh -c "echo >$TOPO_DIR/up; while :; do while [ ! -e $TOPO_DIR/go ]; do sleep 0.05; done; rm $TOPO_DIR/go
    { curl -sS --max-time 3 http://203.0.113.10/; $PROBE tcp 192.0.2.2 8080; } >$TOPO_DIR/out.tmp 2>&1; mv $TOPO_DIR/out.tmp $TOPO_DIR/out; done"
tor_pid=$!
tg_bg --profile unsafe-browser -- sh -c "echo >$TOPO_DIR/c-up2; exec sleep 60"
clear_pid=$!
wait_for test -e "$TOPO_DIR/up" && wait_for test -e "$TOPO_DIR/c-up2"
ask() { # the tor sandbox's curl to the internet, then its probe of the host's service at 192.0.2.2:8080
    rm -f "$TOPO_DIR/out"
    touch "$TOPO_DIR/go"
    WAIT_FOR_TIMEOUT=200 wait_for test -e "$TOPO_DIR/out"
    cat "$TOPO_DIR/out"
}
out=$(ask)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "before: the running tor sandbox lands on the TransPort"
like "$out" $'\nOK recv HTTP/1.0 200 OK' "... and its probe of the host's own service lands there too, not on the service"
is "$(uplink_state)" "1 1" "... while the clearnet sandbox runs, the uplink forwards, guarded"
in_host nft flush ruleset
hostsvc_before=$(log_lines hostsvc)
out=$(ask)
like "$out" $'\nOK recv HOSTSVC' "control: with the table flushed, the tor sandbox reaches the host's own service"
is "$(log_lines hostsvc)" $((hostsvc_before + 1)) "... which saw it"
ok_cmd "restore-firewall, as nftables.service's drop-in runs it" in_host "$TORGATE" restore-firewall
is "$(table)" present "the table is back"
out=$(ask)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "the running tor sandbox lands on the TransPort again"
like "$out" $'\nOK recv HTTP/1.0 200 OK' "... and so does its probe of the host's own service"
is "$(log_lines hostsvc)" $((hostsvc_before + 1)) "... which saw nothing more"
is "$(uplink_state)" "1 1" "the forwarding uplink is guarded again"
far_reset
out=$(in_inet "$PROBE" tcp 192.168.77.2 80 2>&1)
like "$out" '^FAIL' "the internet side cannot use the uplink's forwarding to reach the LAN ($out)"
is "$(far_count "$LAN_NS" all4)" 0 "nothing arrived on the LAN side"
kill -TERM "$tor_pid" "$clear_pid"
wait "$tor_pid" "$clear_pid" 2>/dev/null
done_testing
