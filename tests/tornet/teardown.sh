#!/bin/bash
# Kill every process living in our namespaces (by pid), then delete namespaces and run dir.
R=${TORNET_DIR:-/tmp/torgate-tornet}
for n in tp-host tp-exit tp-tor tp-inet tp-br; do
  pids=$(ip netns pids $n 2>/dev/null)
  [ -n "$pids" ] && kill $pids 2>/dev/null
done
sleep 1
for n in tp-host tp-exit tp-tor tp-inet tp-br; do
  pids=$(ip netns pids $n 2>/dev/null)
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  ip netns del $n 2>/dev/null
done
rm -rf "$R"
echo "teardown done; remaining tp-* namespaces: $(ip netns list | grep -c '^tp-')"
