#!/bin/bash
# torgate remove-firewall (the package's prerm, an administrator): torgate's
# table leaves the host only when nothing of torgate runs, forwarding that a
# killed launcher left on is turned off before its guard goes, and the next
# launch puts the table back.
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
# the census knows): the table stays too.
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
done_testing
