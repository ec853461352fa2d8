#!/bin/bash
# Poll client bootstrap, then curl through the exit and to the onion service.
R=${TORNET_DIR:-/tmp/torgate-tornet}
TS=$(cat $R/tstart)
el() { echo "$(date +%s.%N) - $TS" | bc | xargs printf '%.1f'; }
ctl() { ip netns exec tp-host socat -t2 - TCP:127.0.0.1:9051 <<< $'AUTHENTICATE ""\r\n'"$1"$'\r\nQUIT\r' 2>/dev/null; }
last=""
for i in $(seq 1 600); do
  bp=$(ctl "GETINFO status/bootstrap-phase" | grep -o 'PROGRESS=[0-9]* TAG=[a-z_]*')
  [ "$bp" != "$last" ] && echo "t=$(el)s $bp" && last=$bp
  [[ "$bp" == PROGRESS=100* ]] && break
  sleep 0.5
done
echo "BOOTSTRAP100 t=$(el)s"
for i in $(seq 1 300); do
  out=$(ip netns exec tp-host curl -s -m 10 --socks5-hostname 127.0.0.1:9050 http://web.test/)
  [ -n "$out" ] && { echo "CURL_EXIT_OK t=$(el)s: $out"; break; }
  sleep 1
done
ONION=$(cat $R/hs0/hs/hostname)
for i in $(seq 1 300); do
  out=$(ip netns exec tp-host curl -s -m 20 --socks5-hostname 127.0.0.1:9050 http://$ONION/)
  [ -n "$out" ] && { echo "CURL_ONION_OK t=$(el)s ($ONION): $out"; break; }
  sleep 1
done
# DNSPort + TransPort (automap)
A=$(ip netns exec tp-host dig +short +time=5 @127.0.0.1 -p 5353 web.test)
echo "DNSPort web.test -> $A  t=$(el)s"
out=$(ip netns exec tp-host curl -s -m 20 http://$A/)
echo "TransPort curl http://$A/ -> '$out'  t=$(el)s"
OA=$(ip netns exec tp-host dig +short +time=5 @127.0.0.1 -p 5353 $ONION)
out=$(ip netns exec tp-host curl -s -m 30 http://$OA/)
echo "TransPort onion $OA -> '$out'  t=$(el)s"
echo "done t=$(el)s"
# diagnostics: when did auth0 publish consensuses (relative to start)?
for l in $(grep 'Published microdesc consensus' $R/auth0/notice.log | awk '{print $3}' | head -4); do
  printf 'consensus@%s ' $(echo "$(date -d "$l" +%s) - ${TS%.*}" | bc); done; echo
