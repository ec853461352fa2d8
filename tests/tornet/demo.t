#!/bin/bash
# make demo's script (tests/demo.sh): it runs through, shows what the README
# says it shows, and leaves nothing behind, also when interrupted with Ctrl-C
# while the Tor network starts.
. "$(dirname "$0")/common.sh"

# Not under /tmp, which is each sandbox's own: the demo's topology, and the
# probe its sandboxes run, live here.
SCRATCH=$(mktemp -d /var/tmp/torgate-demo-test.XXXXXX) || bail_out "mktemp failed"
chmod 755 "$SCRATCH"
DEMO_PID=
cleanup() {
    [ -z "$DEMO_PID" ] || kill -KILL -- "-$DEMO_PID" 2>/dev/null
    rm -rf "$SCRATCH"
}
cleanup_with cleanup

# Namespaces, processes and directories a demo run (shell PID $1) made.
leftovers() {
    ip netns list | awk '{print $1}' | grep -E "^tg[hil]$1x[0-9]+$"
    pgrep -a -f "$SCRATCH/" | grep -v pgrep
    find "$SCRATCH" -mindepth 1 -maxdepth 1 -name 'torgate-topo.*'
}

demo() { # runs tests/demo.sh in a session of its own, Ctrl-C (SIGINT) not ignored
    TMPDIR=$SCRATCH setsid env --default-signal=INT bash "$TESTS_DIR/demo.sh" >"$SCRATCH/out" 2>&1 &
    DEMO_PID=$!
}

demo
wait "$DEMO_PID"
is "$?" 0 "the demo runs through"
out=$(cat "$SCRATCH/out")
like "$out" $'\nhost tor: [0-9]+% \\(' "it shows the host tor's bootstrap progress"
like "$out" $'\nhost tor: 100% \\(Done\\)' "up to 100%"
like "$out" $'\\$ torgate curl [^\n]*\nINTERNET client='"${EXIT_ADDR//./\\.}"$'\n' "torgate curl prints the page"
like "$out" "The web server saw a visit from: ${EXIT_ADDR//./\\.}  \\(the exit relay" "and what the web server saw: the exit"
like "$out" $'\\$ torgate --profile default -- curl [^\n]*\\.onion/\nINTERNET client=' "the onion service answers"
like "$out" $'\\$ torgate -- probe udp 203\\.0\\.113\\.53 53\nFAIL ' "a UDP leak attempt is refused"
like "$out" $'\\$ torgate -- probe ipv6 2001:db8:ff::10 80\nFAIL ' "an IPv6 leak attempt is refused"
like "$out" "What arrived in the internet: UDP 0, ICMP 0, IPv6 0 packets" "the internet got none of it"
like "$out" "What arrived in the LAN: IPv4 0, IPv6 0 packets" "nor the LAN"
like "$out" "The web server saw a visit from: 192\\.0\\.2\\.2  \\(the host's uplink" "the Unsafe Browser profile goes directly"
is "$(leftovers "$DEMO_PID")" "" "nothing is left behind"

# Ctrl-C while the Tor network is starting: torn down all the same.
demo
WAIT_FOR_TIMEOUT=1200 wait_for grep -q '^tornet: starting the network' "$SCRATCH/out"
ok $? "the second demo is starting its Tor network"
seven_tor_daemons() { [ "$(pgrep -c -f "$SCRATCH/.*/torrc")" = 7 ]; }
WAIT_FOR_TIMEOUT=400 wait_for seven_tor_daemons
ok $? "seven tor daemons run (three authorities, two relays, the exit, the onion service)"
kill -INT -- "-$DEMO_PID"
wait "$DEMO_PID"
is "$?" 130 "Ctrl-C ends the demo (status 130)"
is "$(leftovers "$DEMO_PID")" "" "nothing is left behind: namespaces, daemons, files"
DEMO_PID=

done_testing
