#!/bin/bash
# Private Tor test network prototype, everything inside network namespaces.
#   tp-br   : bridge br0 (10.55.0.0/24 L2 segment), no addresses of its own
#   tp-tor  : 3 dir authorities (10.55.0.1-3) + 2 relays (10.55.0.4-5), one veth, several addresses
#   tp-exit : exit relay 10.55.0.6 + onion-service tor; second veth to tp-inet (10.55.1.1/24)
#   tp-inet : 10.55.1.2 - web server (:80), DNS server dnsmasq (:53), reachable from tp-exit only
#   tp-host : client tor 10.55.0.100 with SocksPort/TransPort/DNSPort/ControlPort
# No namespace has a default route; the root namespace is not connected to anything.
set -euo pipefail
B=$(cd "$(dirname "$0")" && pwd)
R=${TORNET_DIR:-/tmp/torgate-tornet}
NS="tp-br tp-tor tp-exit tp-inet tp-host"
TORUSER=debian-tor

"$B/teardown.sh" >/dev/null 2>&1 || true
mkdir -p "$R"

T0=$(date +%s.%N)
echo "$T0" > "$R/t0"

# ---------------------------------------------------------------- network
for n in $NS; do ip netns add $n; ip -n $n link set lo up; done
ip -n tp-br link add br0 type bridge
ip -n tp-br link set br0 up
for n in tor exit host; do
  ip -n tp-br link add b-$n type veth peer name eth0 netns tp-$n
  ip -n tp-br link set b-$n master br0 up
  ip -n tp-$n link set eth0 up
done
for i in 1 2 3 4 5; do ip -n tp-tor addr add 10.55.0.$i/24 dev eth0; done
ip -n tp-exit addr add 10.55.0.6/24 dev eth0
ip -n tp-host addr add 10.55.0.100/24 dev eth0
ip -n tp-exit link add eth1 type veth peer name eth0 netns tp-inet
ip -n tp-exit addr add 10.55.1.1/24 dev eth1
ip -n tp-inet addr add 10.55.1.2/24 dev eth0
ip -n tp-exit link set eth1 up
ip -n tp-inet link set eth0 up
# ip_forward stays 0 in every namespace -> tp-inet only reachable from tp-exit

# ---------------------------------------------------------------- internet services
mkdir -p "$R/www"
echo "hello from the fake internet" > "$R/www/index.html"
ip netns exec tp-inet setsid python3 -m http.server 80 --bind 10.55.1.2 --directory "$R/www" \
  >"$R/www.log" 2>&1 < /dev/null &
echo $! > "$R/www.pid"
ip netns exec tp-inet dnsmasq --no-resolv --no-hosts --bind-interfaces --listen-address=10.55.1.2 \
  --except-interface=lo --address=/web.test/10.55.1.2 --address=/example.com/10.55.1.2 \
  --pid-file="$R/dnsmasq.pid" --log-facility="$R/dnsmasq.log" --log-queries --user=nobody

# ---------------------------------------------------------------- node definitions
# name ip role
NODES="auth0 10.55.0.1 auth
auth1 10.55.0.2 auth
auth2 10.55.0.3 auth
relay0 10.55.0.4 relay
relay1 10.55.0.5 relay
exit0 10.55.0.6 exit"
ns_of() { case $1 in exit0|hs0) echo tp-exit;; client) echo tp-host;; *) echo tp-tor;; esac; }

asuser() { runuser -u $TORUSER -- "$@"; }

# ---------------------------------------------------------------- keys
DIRAUTH=""
while read -r name ip role; do
  d=$R/$name; mkdir -p "$d/keys"; chown -R $TORUSER: "$d"; chmod 700 "$d"
  if [ "$role" = auth ]; then
    (cd "$d/keys" && echo -n "" | asuser tor-gencert --create-identity-key -m 12 -a $ip:7000 \
       -i authority_identity_key -s authority_signing_key -c authority_certificate --passphrase-fd 0 >/dev/null)
  fi
  fp=$(asuser tor --quiet --ignore-missing-torrc -f /dev/null --DataDirectory "$d" --ORPort 5000 \
        --list-fingerprint 2>/dev/null | tail -1 | awk '{ $1=""; gsub(/ /,""); print }')
  echo "$fp" > "$d/fingerprint"
  if [ "$role" = auth ]; then
    v3=$(awk '/^fingerprint/{print $2}' "$d/keys/authority_certificate")
    DIRAUTH+="DirAuthority $name orport=5000 no-v2 v3ident=$v3 $ip:7000 $fp"$'\n'
  fi
done <<< "$NODES"
echo "$DIRAUTH" > "$R/dirauth.conf"

# ---------------------------------------------------------------- torrc
common() {  # $1 = datadir
cat <<EOF
TestingTorNetwork 1
DataDirectory $1
PidFile $1/pid
Log notice file $1/notice.log
Log info file $1/info.log
SafeLogging 0
RunAsDaemon 1
ControlSocket $1/control
CookieAuthentication 0
$DIRAUTH
# fast bootstrap (chutney-style)
TestingV3AuthInitialVotingInterval 5
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
TestingV3AuthVotingStartOffset 0
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
V3AuthNIntervalsValid 2
TestingDirAuthVoteExit *
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
TestingMinExitFlagThreshold 0
PathsNeededToBuildCircuits 0.25
TestingClientDownloadInitialDelay 0
TestingServerDownloadInitialDelay 0
TestingClientConsensusDownloadInitialDelay 0
TestingServerConsensusDownloadInitialDelay 0
AssumeReachable 1
ExitPolicyRejectPrivate 0
# tiny network: vanguards-lite layer-2 pinning can leave HS/client without usable paths
VanguardsLiteEnabled 0
EOF
}

while read -r name ip role; do
  d=$R/$name
  {
    common "$d"
    cat <<EOF
Nickname $name
Address $ip
OutboundBindAddressOR $ip
ORPort $ip:5000
DirPort $ip:7000
ContactInfo $name@tornet.test
SocksPort 0
EOF
    case $role in
      auth) cat <<EOF
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
ExitPolicy reject *:*
EOF
      ;;
      relay) echo "ExitPolicy reject *:*" ;;
      exit) cat <<EOF
ExitRelay 1
ExitPolicyRejectLocalInterfaces 0
# reject the tor network itself, accept the rest (only 10.55.1.0/24 is routable)
ExitPolicy reject 10.55.0.0/24:*
ExitPolicy accept *:*
ServerDNSResolvConfFile $R/exit-resolv.conf
ServerDNSDetectHijacking 0
ServerDNSTestAddresses web.test
ServerDNSAllowBrokenConfig 1
EOF
      ;;
    esac
  } > "$d/torrc"
done <<< "$NODES"
echo "nameserver 10.55.1.2" > "$R/exit-resolv.conf"

# onion service tor (client-only), in the exit namespace so it can reach the web server
d=$R/hs0; mkdir -p "$d/hs"; chown -R $TORUSER: "$d"; chmod -R 700 "$d"
{ common "$d"; cat <<EOF
SocksPort 0
HiddenServiceDir $d/hs
HiddenServicePort 80 10.55.1.2:80
EOF
} > "$d/torrc"

# client in the "host" namespace
d=$R/client; mkdir -p "$d"; chown -R $TORUSER: "$d"; chmod 700 "$d"
{ common "$d"; cat <<EOF
SocksPort 127.0.0.1:9050
TransPort 127.0.0.1:9040
DNSPort 127.0.0.1:5353
AutomapHostsOnResolve 1
AutomapHostsSuffixes .
VirtualAddrNetworkIPv4 10.192.0.0/10
ControlPort 127.0.0.1:9051
EOF
} > "$d/torrc"

# ---------------------------------------------------------------- start
echo "keys+config done in $(echo "$(date +%s.%N) - $T0" | bc) s"
date +%s.%N > "$R/tnet"
for name in auth0 auth1 auth2 relay0 relay1 exit0 hs0; do
  ip netns exec $(ns_of $name) runuser -u $TORUSER -- tor -f "$R/$name/torrc" --quiet
done
echo "network tor processes started"
# Wait until a published consensus lists all 6 relays with an Exit (otherwise the client may take an
# early 2-relay/no-exit consensus and sit on it for ~10-15 s before refetching).
if [ "${WAIT_NET:-1}" = 1 ]; then
  for i in $(seq 1 240); do
    c=$(ip netns exec tp-tor curl -s -m 2 http://10.55.0.1:7000/tor/status-vote/current/consensus || true)
    nr=$(grep -c '^r ' <<< "$c" || true); ne=$(grep -c '^s .*Exit' <<< "$c" || true)
    [ "$nr" -ge 6 ] && [ "$ne" -ge 1 ] && break
    sleep 0.25
  done
  for i in $(seq 1 240); do grep -q 'upload_descriptor_to_hsdir' "$R/hs0/info.log" && break; sleep 0.25; done
  echo "network ready ($nr relays, $ne exits, onion descriptor uploaded) after $(echo "$(date +%s.%N) - $(cat $R/tnet)" | bc) s"
fi

date +%s.%N > "$R/tstart"
ip netns exec tp-host runuser -u $TORUSER -- tor -f "$R/client/torrc" --quiet
echo "client tor started"

# TransPort plumbing in the "host" namespace: send automapped onion/.test addresses to tor's TransPort
ip -n tp-host route add 10.192.0.0/10 dev eth0
ip netns exec tp-host nft -f - <<'NFT'
table ip tornat {
  chain out { type nat hook output priority -100; ip daddr 10.192.0.0/10 tcp dport 1-65535 redirect to :9040; }
}
NFT
