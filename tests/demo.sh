#!/bin/bash
# make demo: torgate on a self-contained default. A throwaway topology of
# network namespaces (a host with no link to the real network, an internet
# behind its uplink, a LAN) with stand-in Tor services on the host's
# loopback; torgate runs curl and a few leak attempts, and the demo shows
# what each side saw. Everything is torn down at the end, also on Ctrl-C.
set -u
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
. "$TESTS_DIR/lib/topology.sh"
: "${TORGATE:?set TORGATE}" "${PROBE:?set PROBE}"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

say "Building the topology: host, internet (203.0.113.0/24), LAN (192.168.77.0/24), stand-in Tor on 127.0.0.1"
topo_up || { echo "demo: cannot build the topology" >&2; exit 1; }
tg() { ip netns exec "$HOST_NS" "$TORGATE" "$@"; }

say "torgate --profile default curl http://203.0.113.10/  (the internet's web server)"
run tg --profile default -- curl -sS --max-time 5 http://203.0.113.10/
echo "The stand-in TransPort saw:   $(tail -n1 "$TOPO_DIR/transport.log")"
echo "The internet web server saw:  $(wc -l <"$TOPO_DIR/web.log") requests"

say "torgate getent hosts hidden.onion  (DNS through the DNSPort, automapped)"
run tg -- getent hosts hidden.onion
echo "The stand-in DNSPort saw:     $(tail -n1 "$TOPO_DIR/dnsport.log")"

say "Leak attempts from inside the sandbox"
run tg -- "$PROBE" dns 192.168.77.2 www.example.test
run tg -- "$PROBE" udp 203.0.113.53 53
run tg -- "$PROBE" icmp 203.0.113.10
run tg -- "$PROBE" ipv6 2001:db8:ff::10 80
echo "Packets that arrived on the internet side: IPv4 $(far_count "$INET_NS" all4), IPv6 $(far_count "$INET_NS" ip6)"
echo "Packets that arrived on the LAN side:      IPv4 $(far_count "$LAN_NS" all4), IPv6 $(far_count "$LAN_NS" ip6)"

say "The Unsafe Browser profile: the internet directly, nothing of the host"
printf 'nameserver 203.0.113.53\n' >"$TOPO_DIR/resolv"
printf '[clearnet]\nresolv-conf = %s/resolv\n' "$TOPO_DIR" >"$TOPO_DIR/torgate.conf"
run tg --config "$TOPO_DIR/torgate.conf" --profile unsafe-browser -- curl -sS --max-time 5 http://www.example.test/
run tg --config "$TOPO_DIR/torgate.conf" --profile unsafe-browser -- "$PROBE" tcp 192.0.2.2 8080

say "Done; tearing the topology down"
