#!/bin/bash
# make demo: torgate with a real tor, on a self-contained default. A
# throwaway topology of network namespaces (a host with no link to the real
# network, an internet behind its uplink, a LAN) carries a private Tor
# network (authorities, relays, an exit, an onion service) in the internet,
# and a real tor on the host. torgate runs curl, and a few leak attempts; the
# servers say what they saw. Everything is torn down at the end, also on
# Ctrl-C.
set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
. "$TESTS_DIR/lib/topology.sh"
. "$TESTS_DIR/lib/tornet.sh"
: "${TORGATE:?set TORGATE}" "${PROBE:?set PROBE}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { local shown="$*"; printf '$ %s\n' "${shown//$PROBE/probe}"; "$@"; }

say "Building the topology and a private Tor network (nothing here reaches the real network)"
echo "host 192.0.2.2 --uplink-- internet: web server 203.0.113.10 (www.example.test), DNS 203.0.113.53,"
echo "                                    Tor authorities and relays 198.51.100.1-5, exit relay $EXIT_ADDR"
tornet_up || { echo "demo: cannot start the private Tor network" >&2; exit 1; }
# torgate never runs an app as root: the demo's apps run as a throwaway
# user (removed at the end), who may also use the Unsafe Browser profile.
DEMO_USER=tgdemo$$
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$DEMO_USER" ||
    { echo "demo: cannot add the user $DEMO_USER" >&2; exit 1; }
topo_add_user "$DEMO_USER"
CONF=$(topo_torgate_conf "$DEMO_USER")
topo_visible PROBE || { echo "demo: cannot copy the probe where sandboxes see it" >&2; exit 1; }
torgate() { ip netns exec "$HOST_NS" "$TORGATE" --config "$CONF" --user "$DEMO_USER" "$@"; }
last_visitor() { sed -n '$s/^client=//p' "$TOPO_DIR/web.log"; }

say "torgate curl http://www.example.test/"
run torgate curl -sS --max-time 60 http://www.example.test/
echo "The web server saw a visit from: $(last_visitor)  (the exit relay is $EXIT_ADDR; the host is 192.0.2.2)"

say "An onion service, by its name: resolved through Tor's DNSPort, automapped, reached through the TransPort"
tornet_wait_onion || exit 1
run torgate --profile default -- curl -sS --max-time 90 "http://$ONION/"

say "Leak attempts from inside the sandbox"
far_reset
run torgate -- "$PROBE" udp 203.0.113.53 53
run torgate -- "$PROBE" dns 192.168.77.2 www.example.test
run torgate -- "$PROBE" ipv6 2001:db8:ff::10 80
run torgate -- "$PROBE" icmp 203.0.113.10
run torgate -- "$PROBE" raw
echo "What arrived in the internet: UDP $(far_count "$INET_NS" udp4), ICMP $(far_count "$INET_NS" icmp4)," \
    "IPv6 $(far_count "$INET_NS" ip6) packets"
echo "What arrived in the LAN: IPv4 $(far_count "$LAN_NS" all4), IPv6 $(far_count "$LAN_NS" ip6) packets"

say "The Unsafe Browser profile: the internet directly, never Tor, nothing of the host"
run torgate --profile unsafe-browser -- curl -sS --max-time 10 http://www.example.test/
echo "The web server saw a visit from: $(last_visitor)  (the host's uplink address)"
run torgate --profile unsafe-browser -- "$PROBE" tcp 192.0.2.2 8080

say "Done in $SECONDS s (the Tor network took $TORNET_READY_S s, the host's tor $TORNET_BOOTSTRAP_S s); tearing down"
