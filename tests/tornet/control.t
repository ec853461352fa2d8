#!/bin/bash
# Tor's control port, filtered (torgate-control-filter), with the real tor
# of a private Tor network: from a sandbox of the tor-browser profile, its
# own circuits and streams and NEWNYM, and every other command refused in
# the protocol's form (with the host tor's own events and state as the far
# side); from the onionshare profile, Debian's onionshare-cli publishing a
# site as an onion service through the host's tor, reached by its name from
# a second sandbox. Last, --wait-for-tor (issue 13) through the filter's
# socket for the host's users: Tor's progress while the host's tor starts,
# and a clear refusal when it does not.
. "$(dirname "$0")/common.sh"
tornet_setup

EVENTS=$TOPO_DIR/tor-events.log
: >"$EVENTS" && chown "$TORNET_USER" "$EVENTS"
# The host tor's own view, unfiltered, for the whole test.
torctl events "$EVENTS" --events "CIRC STREAM SIGNAL" &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q '^ready$' "$EVENTS" || bail_out "cannot follow the host tor's events"

# "SOURCE_IP CIRCUIT" of the first stream tor attached to a circuit after
# line $1 of its events; nothing yet if none was.
first_stream() {
    tail -n +"$1" "$EVENTS" | awk '
        $1 == "STREAM" && $3 == "NEW" {
            for (i = 6; i <= NF; i++)
                if ($i ~ /^SOURCE_ADDR=/) { split(substr($i, 13), a, ":"); src[$2] = a[1] } }
        $1 == "STREAM" && $3 == "SENTCONNECT" && ($2 in src) && $4 != 0 { print src[$2], $4; exit }'
}
has_first_stream() { [ -n "$(first_stream "$1")" ]; }

CLIENT=$TESTS_DIR/lib/control_client.py
topo_visible CLIENT || bail_out "cannot copy the control client where sandboxes see it"

# The service as its unit runs it: the tor user (the one the host hardening
# lets reach the ControlPort), no capability, its runtime directory (for the
# host's users' socket, bootstrap.conf's) made for it.
mkdir -p /run/torgate-control && chown "$TORNET_USER" /run/torgate-control && topo_add_dir /run/torgate-control
FILTER_LOG=$TOPO_DIR/control-filter.log
ip netns exec "$HOST_NS" setpriv --reuid="$TORNET_USER" --regid="$TORNET_USER" --init-groups --inh-caps=-all \
    --bounding-set=-all "$STAGE/sbin/torgate-control-filter" --config "$CONF" \
    --allowlists "$STAGE/etc/torgate/control" >"$FILTER_LOG" 2>&1 &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q 'onionshare on 127.0.0.1:9153' "$FILTER_LOG" ||
    bail_out "the filter did not start: $(cat "$FILTER_LOG")"
like "$(cat "$FILTER_LOG")" 'tor-browser on 127\.0\.0\.1:9152' "the filter listens for each shipped allowlist"

# No sandbox, no filter: the host's own connection (not a sandbox's address)
# is closed before a word.
out=$(in_host python3 "$CLIENT" --to=127.0.0.1:9152 'send:PROTOCOLINFO 1' 2>&1)
like "$out" '^> PROTOCOLINFO 1'$'\n''closed' "a peer that is no sandbox gets nothing ($out)"
like "$(cat "$FILTER_LOG")" 'refused 127\.0\.0\.1, no sandbox' "... and the filter says why"

# Another sandbox with a circuit of its own, still open while the Tor
# Browser sandbox asks for circuits.
mark=$(($(wc -l <"$EVENTS") + 1))
out=$(tg --profile default -- curl -sS --max-time 60 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "another sandbox's stream through tor"
WAIT_FOR_TIMEOUT=400 wait_for has_first_stream $mark
read -r other other_circ <<<"$(first_stream $mark)"
like "$other_circ" '^[0-9]+$' "... on circuit $other_circ, from $other"
like "$(torctl getinfo circuit-status)" "(^|"$'\n'")$other_circ BUILT " "the host tor still holds that circuit (the control for what follows)"

# Tor Browser's profile: what its allowlist lets through, and nothing else.
mark=$(($(wc -l <"$EVENTS") + 1))
version=$(torctl getinfo version | cut -d' ' -f1)
out=$(tg --profile tor-browser -- python3 "$CLIENT" 'send:PROTOCOLINFO 1' 'send:AUTHENTICATE' \
    'send:GETINFO version' 'send:SETEVENTS STREAM CIRC' \
    'spawn:curl -sS --max-time 60 -o /dev/null http://203.0.113.10/' 'await:STREAM [0-9]+ CLOSED' \
    'send:GETINFO circuit-status' 'send:SIGNAL NEWNYM' 'send:GETCONF SocksPort' \
    'send:SETCONF SocksPort=0.0.0.0:9050' 'send:GETINFO address' 'send:GETINFO net/listeners/socks' \
    'send:SIGNAL HALT' 'send:GETINFO status/bootstrap-phase' 2>&1)
note "$out"
WAIT_FOR_TIMEOUT=400 wait_for has_first_stream $mark
read -r mine my_circ <<<"$(first_stream $mark)"
like "$mine" '^10\.118\.' "the Tor Browser sandbox's stream, from $mine, on circuit $my_circ (tor's own events)"
isnt "$mine" "$other" "... another address than the other sandbox's"
like "$out" $'\n''< 250-AUTH METHODS=NULL'$'\n' "PROTOCOLINFO: no secret to give, the filter holds tor's cookie"
like "$out" "< 250-version=${version//./\\.}"$'\n' "GETINFO version reaches the real tor ($version)"
like "$out" "event: 650 STREAM [0-9]+ NEW 0 203\\.0\\.113\\.10:80 SOURCE_ADDR=${mine//./\\.}:" \
    "STREAM events: the app's own stream"
unlike "$out" "SOURCE_ADDR=${other//./\\.}:|CIRC $other_circ |(^|"$'\n'")< $other_circ BUILT" \
    "nothing of the other sandbox's stream or circuit"
like "$out" "> GETINFO circuit-status"$'\n''< 250\+circuit-status='$'\n'"< $my_circ BUILT |< 250-circuit-status=$my_circ BUILT " \
    "circuit-status: its own circuit"
like "$out" '> SIGNAL NEWNYM'$'\n''< 250 OK' "SIGNAL NEWNYM is let through"
WAIT_FOR_TIMEOUT=200 wait_for grep -q '^SIGNAL NEWNYM' "$EVENTS"
like "$(tail -n +$mark "$EVENTS")" '(^|'$'\n'')SIGNAL NEWNYM' "... and the host tor did it (its SIGNAL event)"
for cmd in 'GETCONF SocksPort' 'SETCONF SocksPort=0.0.0.0:9050' 'GETINFO address' 'GETINFO net/listeners/socks' \
    'SIGNAL HALT'; do
    like "$out" "> $cmd"$'\n''< 510 Command filtered' "$cmd is refused: 510 Command filtered"
done
like "$out" '> GETINFO status/bootstrap-phase'$'\n''< 250-status/bootstrap-phase=NOTICE BOOTSTRAP PROGRESS=100' \
    "the connection carries on after refusals (bootstrap at 100%)"
unlike "$(tail -n +$mark "$EVENTS")" 'SIGNAL HALT' "the host tor got no HALT"
is "$(torctl getinfo net/listeners/socks)" '"127.0.0.1:9050"' "... and kept its SocksPort as it was"

# The same requests from a profile without control-port: nothing answers.
out=$(tg --profile default -- python3 "$CLIENT" 'send:GETINFO version' 2>&1)
like "$out" '^closed' "a profile without control-port reaches no control port ($out)"

# OnionShare (Debian's onionshare-cli) publishes a site through the host's
# tor; a second sandbox reaches it by its name.
site=$TOPO_DIR/site
mkdir -p "$site" && echo "SHARED FROM A SANDBOX" >"$site/index.html" && chmod -R a+rX "$site"
printf '{"connection_type": "automatic"}\n' >"$TOPO_DIR/onionshare.json"
mkdir -p "$TOPO_DIR/os-config" && chown "$TG_USER" "$TOPO_DIR/os-config"
OS_LOG=$TOPO_DIR/onionshare.log
tg_bg --profile onionshare -- env XDG_CONFIG_HOME="$TOPO_DIR/os-config" onionshare-cli \
    --config "$TOPO_DIR/onionshare.json" --website --public "$site/index.html" >"$OS_LOG" 2>&1
onionshare=$!
WAIT_FOR_TIMEOUT=3600 wait_for grep -qE 'http://[a-z2-7]{56}\.onion' "$OS_LOG"
shared=$(grep -oE 'http://[a-z2-7]{56}\.onion' "$OS_LOG" | head -n 1)
like "$shared" '^http://[a-z2-7]{56}\.onion$' "onionshare-cli made an onion service through the filter ($shared)" ||
    diag "onionshare-cli: $(cat "$OS_LOG")"
web=$(tornet_onion_fetch tg --profile default -- curl -sS --max-time 45 "$shared/")
like "$web" 'SHARED FROM A SANDBOX' "a second sandbox reaches the shared site by its onion name"
# What made that possible, and no more: tor's user may connect to the
# sandbox (onionshare listens on its loopback), no other user may.
port=$(sed -n 's|.*Running on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$OS_LOG" | head -n 1)
# the one sandbox running now: its link's host end is .1 of its /30, the sandbox .2
gateway=$(in_host ip -4 -o addr show dev "$(host_sandbox_links | head -n 1)" | awk '{ print $4 }' | cut -d/ -f1)
addr=${gateway%.*}.$((${gateway##*.} + 1))
as_user() { local u=$1; shift; in_host setpriv --reuid="$u" --regid="$u" --clear-groups "$@"; }
like "$(as_user "$TORNET_USER" curl -sS --max-time 10 "http://$addr:$port/" 2>&1)" 'SHARED FROM A SANDBOX' \
    "tor's user reaches the onionshare sandbox's server at $addr:$port"
like "$(as_user "$TG_USER" curl -sS --max-time 3 "http://$addr:$port/" 2>&1)" 'timed out|refused' \
    "... any other user of the host does not"
kill "$onionshare" 2>/dev/null
wait "$onionshare" 2>/dev/null

# Tor's DNSPort copies a query's name as it came into its STREAM events: a
# name with CR LF in it would write a line of the sandbox's choosing into
# every control connection that follows streams (the filter's among them).
# From a sandbox, the DNS guard refuses it; from the host, straight to the
# DNSPort (the control), the host tor's own events carry the forged line.
DNSQ=$TESTS_DIR/lib/dns_query.py
topo_visible DNSQ || bail_out "cannot copy the DNS client where sandboxes see it"
forged() { printf 'x\\r\\n650 STREAM %s NEW 17 a:1 SOURCE_ADDR=10.118.0.6:1.example' "$1"; }
out=$(tg --profile default -- "$DNSQ" gateway 53 "$(forged 4000000)" 2>&1)
is "$out" "rcode=1 id=same" "from a sandbox, a name with CR LF in it gets FORMERR"
in_host "$DNSQ" 127.0.0.1 5353 "$(forged 4000001)" >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for grep -q 'STREAM 4000001 NEW 17' "$EVENTS"
like "$(cat "$EVENTS")" 'STREAM 4000001 NEW 17' "control: sent straight to the DNSPort, it forges a line in tor's events"
unlike "$(cat "$EVENTS")" 'STREAM 4000000 ' "... which the sandbox's did not"
# The same over SOCKS: tor writes a SOCKS5 hostname as it came into its
# events too (even one it refuses). The sandbox's SOCKS guard refuses it;
# sent straight to the SocksPort (the control), it forges its line.
SOCKSQ=$TESTS_DIR/lib/socks_request.py
topo_visible SOCKSQ || bail_out "cannot copy the SOCKS client where sandboxes see it"
out=$(tg --profile default -- "$SOCKSQ" gateway 9050 "$(forged 4000002)" 2>&1)
is "$out" "reply=1" "from a sandbox, a SOCKS hostname with CR LF in it is refused (general failure)"
in_host "$SOCKSQ" 127.0.0.1 9050 "$(forged 4000003)" >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for grep -q 'STREAM 4000003 NEW 17' "$EVENTS"
like "$(cat "$EVENTS")" 'STREAM 4000003 NEW 17' "control: sent straight to the SocksPort, it forges a line in tor's events"
unlike "$(cat "$EVENTS")" 'STREAM 4000002 ' "... which the sandbox's did not"

# torgate new-circuit ID (issue 15): fresh circuits for one sandbox, and
# none for another. Two sandboxes of the user's each fetch a page, wait for
# a word of the test's, and fetch it again; between the two, new-circuit
# for the first. The far side is tor's own events: which circuit each
# stream went through, and which circuits closed.
like "$(cat "$FILTER_LOG")" 'new-circuit on /run/torgate-control/new-circuit' "the filter takes new-circuit requests"
WAIT_FOR_TIMEOUT=200 wait_for grep -q 'new-circuit: following tor.s streams' "$FILTER_LOG"
tg_uid=$(id -u "$TG_USER")
if [ ! -d "/run/user/$tg_uid" ]; then
    install -d -m 0700 -o "$TG_USER" -g "$(id -g "$TG_USER")" "/run/user/$tg_uid" && topo_add_dir "/run/user/$tg_uid"
fi
# "CIRCUIT" of each stream from $1 that tor sent on a circuit after line $2
circuits_from() {
    tail -n +"$2" "$EVENTS" | awk -v src="$1" '
        $1 == "STREAM" && $3 == "NEW" {
            for (i = 6; i <= NF; i++)
                if ($i ~ /^SOURCE_ADDR=/) { split(substr($i, 13), a, ":"); from[$2] = a[1] } }
        $1 == "STREAM" && $3 == "SENTCONNECT" && from[$2] == src && $4 != 0 { print $4 }'
}
fetch='curl -sS --max-time 60 http://203.0.113.10/'
mark=$(($(wc -l <"$EVENTS") + 1))
for who in a b; do
    mkfifo -m 0666 "$TOPO_DIR/go-$who"
    tg_bg --profile default -- sh -c "$fetch; read -r word <$TOPO_DIR/go-$who; $fetch" >"$TOPO_DIR/nc-$who.log" 2>&1
    eval "pid_$who=\$!"
done
listed() { tg list | awk -v w="go-$1" 'index($0, w) { print $1, $5 }'; }
both_listed() { [ -n "$(listed a)" ] && [ -n "$(listed b)" ]; }
WAIT_FOR_TIMEOUT=200 wait_for both_listed
read -r id_a addr_a <<<"$(listed a)"
read -r id_b addr_b <<<"$(listed b)"
like "$addr_a $addr_b" '^10\.118\.[0-9.]+ 10\.118\.[0-9.]+$' "two sandboxes listed: $id_a at $addr_a, $id_b at $addr_b"
# tor's events as the test's follower wrote them down, which may be after curl ended
have_circuits() { [ -n "$(circuits_from "$addr_a" $mark)" ] && [ -n "$(circuits_from "$addr_b" $mark)" ]; }
WAIT_FOR_TIMEOUT=400 wait_for have_circuits
circ_a=$(circuits_from "$addr_a" $mark | tail -n 1)
circ_b=$(circuits_from "$addr_b" $mark | tail -n 1)
like "$circ_a $circ_b" '^[0-9]+ [0-9]+$' "each fetched its page once, through tor: circuits $circ_a and $circ_b"
isnt "$circ_a" "$circ_b" "... two circuits, one a sandbox (IsolateClientAddr)"

# Who may ask: the sandbox's user, not another user (the filter checks the
# address against the mark the launcher left on the sandbox's link), and no
# sandbox (the socket is not in its view).
ask() { in_host setpriv --reuid="$1" --regid="$(id -g "$1")" --clear-groups /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect("/run/torgate-control/new-circuit")
s.sendall(("NEWCIRCUIT %s\r\n" % sys.argv[1]).encode())
print(s.makefile().readline().strip())' "$2" 2>&1; }
is "$(ask nobody "$addr_a")" "552 No sandbox of yours has address $addr_a" "another user's request for the sandbox is refused"
is "$(ask "$TG_USER" 10.118.255.254)" "552 No sandbox of yours has address 10.118.255.254" \
    "... and so is the user's for an address no sandbox has"
ok_cmd "control: the socket is there on the host" in_host test -S /run/torgate-control/new-circuit
out=$(tg --profile default -- sh -c 'test -e /run/torgate-control/new-circuit && echo seen || echo unseen' 2>&1)
is "$out" unseen "... and not in a sandbox's view"
like "$(circuits_from "$addr_b" $mark | sort -u | tr '\n' ' ')" "^$circ_b \$" "the refusals closed nothing ($addr_b still on $circ_b)"

mark=$(($(wc -l <"$EVENTS") + 1))
out=$(tg new-circuit "$id_a" 2>&1)
like "$out" "^new circuits for $id_a \(sh -c .*\): [1-9][0-9]* circuits? closed;" "torgate new-circuit $id_a, as its user ($out)"
WAIT_FOR_TIMEOUT=200 wait_for grep -q "^CIRC $circ_a CLOSED" "$EVENTS"
like "$(tail -n +$mark "$EVENTS")" "(^|"$'\n'")CIRC $circ_a CLOSED" "tor closed the first sandbox's circuit $circ_a"
# with conflux, the other legs of its set go too
set_a=$(grep -E "^CIRC $circ_a " "$EVENTS" | grep -oE 'CONFLUX_ID=[0-9A-F]+' | head -n 1)
for leg in $( [ -z "$set_a" ] || grep -E "^CIRC [0-9]+ .*$set_a" "$EVENTS" | cut -d' ' -f2 | sort -u); do
    WAIT_FOR_TIMEOUT=200 wait_for grep -qE "^CIRC $leg (CLOSED|FAILED)" "$EVENTS"
    like "$(grep -E "^CIRC $leg " "$EVENTS" | tail -n 1)" "^CIRC $leg (CLOSED|FAILED)" "... and $leg, a leg of its conflux set"
done
unlike "$(tail -n +$mark "$EVENTS")" "(^|"$'\n'")CIRC $circ_b (CLOSED|FAILED)" "... and not the other's ($circ_b)"
echo go >"$TOPO_DIR/go-a"
echo go >"$TOPO_DIR/go-b"
wait "$pid_a"; st_a=$?
wait "$pid_b"; st_b=$?
WAIT_FOR_TIMEOUT=200 wait_for have_circuits
is "$st_a $st_b $(grep -c "INTERNET client=$EXIT_ADDR" "$TOPO_DIR/nc-a.log" "$TOPO_DIR/nc-b.log" | cut -d: -f2 | tr '\n' ' ')" \
    "0 0 2 2 " "both fetched their page again, through the exit"
new_a=$(circuits_from "$addr_a" $mark | tail -n 1)
like "$new_a" '^[0-9]+$' "the first sandbox's next stream went through circuit $new_a"
isnt "$new_a" "$circ_a" "... a new one, not $circ_a"
# Tor itself may move a stream to a new conflux set (0.4.8 and later)
# whenever it likes, so which circuit the other's next stream takes is
# tor's choice; what new-circuit must not do is close its circuit.
unlike "$(tail -n +$mark "$EVENTS")" "(^|"$'\n'")CIRC $circ_b (CLOSED|FAILED)" \
    "the other sandbox's circuit $circ_b is still open (its next stream: circuit $(circuits_from "$addr_b" $mark | tail -n 1))"
like "$(torctl getinfo circuit-status)" "(^|"$'\n'")$circ_b BUILT " "... as the host tor says"
unlike "$(torctl getinfo circuit-status)" "(^|"$'\n'")$circ_a " "... where the first sandbox's $circ_a is gone"
out=$(tg new-circuit "$id_a" 2>&1)
like "$out" "no sandbox of yours has ID $id_a" "once it has ended, the sandbox's ID names nothing ($out)"

# --wait-for-tor: at a terminal (script(1) gives it one), Tor's progress
# while the host's tor starts, then COMMAND through it.
tornet_stop_host_tor
WAIT_LOG=$TOPO_DIR/wait-for-tor.log
web_mark
ip netns exec "$HOST_NS" script -qec "$TORGATE --config $CONF --user $TG_USER --wait-for-tor=120 --profile default -- curl -sS --max-time 60 http://203.0.113.10/" /dev/null >"$WAIT_LOG" 2>&1 &
waiting=$!
WAIT_FOR_TIMEOUT=400 wait_for grep -q 'waiting for Tor to connect' "$WAIT_LOG"
like "$(cat "$WAIT_LOG")" 'waiting for Tor to connect, 120 s at most' "with tor stopped, torgate --wait-for-tor waits, and says so"
is "$(web_since)" "" "... and nothing has run yet"
tornet_start_host_tor || bail_out "the host's tor did not start again"
wait "$waiting"
is "$?" 0 "once tor has connected, COMMAND ran and succeeded"
progress=$(tr -d '\r' <"$WAIT_LOG" | grep -E '^torgate: Tor: [0-9]+% ')
like "$progress" '^torgate: Tor: [0-9]+% \(' "Tor's progress was shown ($(echo $progress | tr '\n' ' '))"
like "$progress" 'torgate: Tor: 100% \(Done\)$' "... up to 100%, last"
like "$(tr -d '\r' <"$WAIT_LOG")" "INTERNET client=$EXIT_ADDR" "... and COMMAND's request went through the exit"
# Started from a menu (no terminal) while Tor runs but has not connected:
# a notification says so (issue 13). Tor is kept from connecting by a table
# of the test's that drops what the tor user sends but on loopback.
. "$TESTS_DIR/lib/desktop.sh"
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"
cleanup() { desk_down; topo_down; }
cleanup_with cleanup
desk_xvfb && desk_bus && desk_notifications || bail_out "no desktop session for the notifications"
as_desk_user dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" \
    >"$TOPO_DIR/monitor.log" 2>&1 &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q "NameAcquired" "$TOPO_DIR/monitor.log"
notices() { grep -c 'string "torgate: Tor is not connected yet"' "$TOPO_DIR/monitor.log"; }
tornet_stop_host_tor
in_host nft -f - <<NFT || bail_out "cannot hold tor back"
table inet tgtest_hold_tor {
    chain out { type filter hook output priority 0; oif != lo meta skuid "$TORNET_USER" drop; }
}
NFT
_tornet_tor "$HOST_NS" "$TORNET_DIR/host"
stuck() { torctl getinfo status/bootstrap-phase 2>/dev/null | grep -qE 'PROGRESS=([0-9]|[1-9][0-9]) '; }
WAIT_FOR_TIMEOUT=600 wait_for stuck
ok $? "tor runs, and has not connected ($(torctl getinfo status/bootstrap-phase 2>&1 | grep -oE 'PROGRESS=[0-9]+'))"
as_desk_user "$TORGATE" --profile default -- true </dev/null >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for test "$(notices)" -ge 1
is "$(notices)" 1 "started from a menu, a notification: 'torgate: Tor is not connected yet'"
like "$(grep -A1 -F 'string "torgate: Tor is not connected yet"' "$TOPO_DIR/monitor.log")" \
    'Tor is at [0-9]+% \(.*\): until it has connected, true reaches nothing' "... saying where Tor stands"
out=$(as_desk_user script -qec "$TORGATE --profile default -- true" /dev/null 2>&1)
WAIT_FOR_TIMEOUT=20 wait_for test "$(notices)" -gt 1
is "$(notices)" 1 "control: from a terminal, no notification"
in_host nft delete table inet tgtest_hold_tor
torctl bootstrap --timeout 90 2>/dev/null || bail_out "the host's tor did not connect once let go"
as_desk_user "$TORGATE" --profile default -- true </dev/null >/dev/null 2>&1
WAIT_FOR_TIMEOUT=20 wait_for test "$(notices)" -gt 1
is "$(notices)" 1 "control: once Tor has connected, a menu launch says nothing"

# tor stopped for good: a clear refusal at the deadline, and no COMMAND.
tornet_stop_host_tor
out=$(tg --wait-for-tor=3 --profile default -- touch "$TOPO_DIR/ran" 2>&1)
st=$?
is "$st" 125 "with no tor, --wait-for-tor=3 gives up (status 125)"
like "$out" 'Tor did not answer in 3 s: is tor running\?' "... saying why ($out)"
ok_cmd "... and COMMAND did not run" test ! -e "$TOPO_DIR/ran"
# and without the filter, it says what to start
kill "$(pgrep -f "torgate-control-filter --config $CONF" | head -n 1)" 2>/dev/null
WAIT_FOR_TIMEOUT=200 wait_for sh -c '! test -S /run/torgate-control/bootstrap'
out=$(tg --wait-for-tor=3 --profile default -- touch "$TOPO_DIR/ran" 2>&1)
like "$out" 'nothing answers on /run/torgate-control/bootstrap; start the control port filter' \
    "without the filter, --wait-for-tor names what to start ($out)"

done_testing
