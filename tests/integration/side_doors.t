#!/bin/bash
# DNS side doors: ways glibc resolves names other than DNS to the resolver in
# resolv.conf -- nscd's socket, systemd-resolved's varlink socket (through an
# nsswitch.conf "hosts: resolve ..." line). In a private mount namespace (the
# host's real /run and /etc are untouched) we put listeners at both sockets
# and such an nsswitch.conf in place; inside the sandbox, a lookup must be
# answered by the DNSPort while neither listener hears a thing. As a control,
# a process outside torgate in the same mount namespace reaches both.
. "$(dirname "$0")/common.sh"
tg_setup

UNIXSOCK=$TESTS_DIR/lib/unixsock.py
topo_visible UNIXSOCK || bail_out "cannot copy unixsock.py"
printf 'passwd: files\ngroup: files\nhosts: resolve [!UNAVAIL=return] files dns\nnetworks: files\n' \
    >"$TOPO_DIR/nsswitch.conf"
: >"$TOPO_DIR/nscd.log"
: >"$TOPO_DIR/resolved.log"

# Runs in HOST_NS's network namespace and a private mount namespace of its
# own; writes what it saw into $TOPO_DIR/out.*.
cat >"$TOPO_DIR/inner.sh" <<'EOF'
set -u
D=$TOPO_DIR
U=$UNIXSOCK
mount -t tmpfs -o mode=0755 tmpfs /run || exit 10
mkdir -p /run/nscd /run/systemd/resolve || exit 11
python3 "$U" listen /run/nscd/socket "$D/nscd.log" </dev/null >/dev/null 2>&1 &
p1=$!
python3 "$U" listen /run/systemd/resolve/io.systemd.Resolve "$D/resolved.log" </dev/null >/dev/null 2>&1 &
p2=$!
for i in $(seq 100); do
    [ -S /run/nscd/socket ] && [ -S /run/systemd/resolve/io.systemd.Resolve ] && break
    sleep 0.05
done
mount --bind "$D/nsswitch.conf" /etc/nsswitch.conf || exit 12
"$TORGATE" --config "$CONF" --user "$TG_USER" -- getent hosts www.example.test >"$D/out.getent" 2>&1
"$TORGATE" --config "$CONF" --user "$TG_USER" -- grep '^hosts:' /etc/nsswitch.conf >"$D/out.nsswitch" 2>&1
"$TORGATE" --config "$CONF" --user "$TG_USER" -- sh -c 'if [ -e /run/nscd/socket ]; then echo present; else echo absent; fi' \
    >"$D/out.nscd" 2>&1
"$TORGATE" --config "$CONF" --user "$TG_USER" -- sh -c 'if [ -e /run/systemd/resolve/io.systemd.Resolve ]; then echo present; else echo absent; fi' \
    >"$D/out.resolved" 2>&1
"$TORGATE" --config "$CONF" --user "$TG_USER" -- python3 "$U" connect /run/nscd/socket >"$D/out.connect-nscd" 2>&1
"$TORGATE" --config "$CONF" --user "$TG_USER" -- python3 "$U" connect /run/systemd/resolve/io.systemd.Resolve \
    >"$D/out.connect-resolved" 2>&1
# started from inside a hidden directory: "." must not lead to what is hidden
(cd /run/nscd && "$TORGATE" --config "$CONF" --user "$TG_USER" -- sh -c 'pwd; ls -a; python3 "$0" connect socket' "$U") \
    >"$D/out.connect-cwd" 2>&1
cp "$D/nscd.log" "$D/nscd.inside"
cp "$D/resolved.log" "$D/resolved.inside"
# the control: outside torgate, in the same mount namespace
grep '^hosts:' /etc/nsswitch.conf >"$D/out.control-nsswitch" 2>&1
python3 "$U" connect /run/nscd/socket >"$D/out.control-nscd" 2>&1
(cd /run/nscd && python3 "$U" connect socket) >"$D/out.control-cwd" 2>&1
python3 "$U" connect /run/systemd/resolve/io.systemd.Resolve >"$D/out.control-resolved" 2>&1
sleep 0.2
kill $p1 $p2
wait $p1 $p2 2>/dev/null
exit 0
EOF

n_dns=$(log_lines dnsport)
in_host env TOPO_DIR="$TOPO_DIR" UNIXSOCK="$UNIXSOCK" TORGATE="$TORGATE" CONF="$CONF" TG_USER="$TG_USER" \
    unshare -m --propagation private sh "$TOPO_DIR/inner.sh"
is "$?" 0 "the private mount namespace with the side doors was set up"

like "$(cat "$TOPO_DIR/out.getent")" '^203\.0\.113\.10 +www\.example\.test' "getent in the sandbox resolves www.example.test"
[ "$(log_lines dnsport)" -gt "$n_dns" ]; ok $? "... through the DNSPort"
like "$(topo_log dnsport)" 'qname=www\.example\.test' "the DNSPort saw the query"
# (torgate's launcher, outside the sandbox, looks the user up with getpwuid(),
# which asks nscd: those connections are not the sandbox's)
is "$(grep -v ' comm=torgate$' "$TOPO_DIR/nscd.inside")" "" "nscd's socket heard nothing from the sandbox"
is "$(cat "$TOPO_DIR/resolved.inside")" "" "systemd-resolved's varlink socket heard nothing at all"
is "$(cat "$TOPO_DIR/out.nsswitch")" "hosts: files dns" "the sandbox's /etc/nsswitch.conf: hosts: files dns"
is "$(cat "$TOPO_DIR/out.nscd")" "absent" "the sandbox has no /run/nscd/socket"
is "$(sed -n '1p;$p' "$TOPO_DIR/out.connect-cwd")" $'/\nFAIL ENOENT' \
    "started in /run/nscd, which the sandbox's own /run does not have, COMMAND starts in / (no home): '.' does not lead to nscd's socket"
is "$(cat "$TOPO_DIR/out.control-cwd")" "connected" "control: outside torgate, ./socket in /run/nscd is nscd's"
is "$(cat "$TOPO_DIR/out.resolved")" "absent" "the sandbox has no /run/systemd/resolve/io.systemd.Resolve"
like "$(cat "$TOPO_DIR/out.connect-nscd")" '^FAIL' "connecting to /run/nscd/socket from the sandbox fails"
like "$(cat "$TOPO_DIR/out.connect-resolved")" '^FAIL' "connecting to the varlink socket from the sandbox fails"

# the control: the side doors were really there
is "$(cat "$TOPO_DIR/out.control-nsswitch")" "hosts: resolve [!UNAVAIL=return] files dns" \
    "control: outside torgate, nsswitch.conf has the resolve line"
is "$(cat "$TOPO_DIR/out.control-nscd")" "connected" "control: outside torgate, /run/nscd/socket accepts"
is "$(cat "$TOPO_DIR/out.control-resolved")" "connected" "control: outside torgate, the varlink socket accepts"
is "$(grep -c ' comm=python3$' "$TOPO_DIR/nscd.log") $(grep -c ' comm=python3$' "$TOPO_DIR/resolved.log")" "2 1" \
    "control: both listeners logged the outside connections (nscd's: by path and by ./socket)"
ok_cmd "the host's own /etc/nsswitch.conf is untouched" sh -c "! grep -q '^hosts: resolve \\[' /etc/nsswitch.conf || [ \"\$(cat /etc/nsswitch.conf)\" != \"\$(cat $TOPO_DIR/nsswitch.conf)\" ]"

done_testing
