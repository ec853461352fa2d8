#!/bin/bash
# At the edges: the address pool full, and an ordinary user's limits (open
# files, processes, address space) set low. Each refusal is one line that
# says which limit and what to do, and leaves nothing behind (no link, no
# process); each has its control, the same launch succeeding.
. "$(dirname "$0")/common.sh"
tg_setup
cleanup() {
    touch "$TOPO_DIR/stop" 2>/dev/null
    topo_down
}
cleanup_with cleanup
# As the user logs in, with the limit set by prlimit (which keeps the rest).
as_user() { in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups env HOME="$TOPO_DIR" "$@"; }
user_processes() { pgrep -u "$TG_USER" | wc -l; }
# nothing_left DESC: no link and no process of the user's (a sandbox that
# has just ended may take a moment to be reaped)
left() { echo "$(host_sandbox_links | wc -l) $(user_processes)"; }
no_leftovers() { [ "$(left)" = "0 0" ]; }
nothing_left() {
    wait_for no_leftovers
    is "$(left)" "0 0" "$1: no link, no process left"
}

# refused PRLIMIT_OPTION MESSAGE DESC: the launch under that limit ends with
# torgate's one line MESSAGE, and leaves nothing behind
refused() {
    local out st
    out=$(as_user prlimit "$1" "$TORGATE" --profile default -- true 2>&1); st=$?
    is "$st:$out" "125:torgate: $2" "$3"
    nothing_left "$3"
}
# works PRLIMIT_OPTION DESC: the control, the same launch under a higher limit
works() {
    like "$(as_user prlimit "$1" "$TORGATE" --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)" \
        '^TRANSPORT orig=203\.0\.113\.10:80 ' "$2"
}

# ------------------------------------------------------------ the pool full
POOL_CONF=$TOPO_DIR/torgate-pool.conf
{ cat "$CONF"; printf '[network]\npool = 10.118.0.0/29\n'; } >"$POOL_CONF"
tgp() { in_host "$TORGATE" --config "$POOL_CONF" --user "$TG_USER" "$@"; }
for n in 1 2; do
    ip netns exec "$HOST_NS" "$TORGATE" --config "$POOL_CONF" --user "$TG_USER" -- \
        sh -c "echo >$TOPO_DIR/up$n; while [ ! -e $TOPO_DIR/stop ]; do sleep 0.1; done" &
    eval "pid$n=\$!"
    wait_for test -e "$TOPO_DIR/up$n" || bail_out "sandbox $n of the pool did not start"
done
is "$(host_sandbox_links | wc -l)" 2 "two sandboxes fill a pool of two /30s (10.118.0.0/29)"
out=$(tgp -- true 2>&1); st=$?
like "$st:$out" "^125:torgate: [^"$'\n'"]*pool[^"$'\n'"]*$" "a third is refused, in one line naming the pool"
diag "$out"
is "$(host_sandbox_links | wc -l)" 2 "... and leaves no link"
touch "$TOPO_DIR/stop"
wait "$pid1" "$pid2"
rm -f "$TOPO_DIR/stop"
out=$(tgp --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "control: once they have ended, a launch gets a slot and works"
nothing_left "after the pool"

# ------------------------------------------------------------ open files
refused --nofile=16:16 "your open files limit is 16, below the 32 torgate needs: raise it (ulimit -n)" \
    "RLIMIT_NOFILE 16: refused in one line that names the limit and the fix"
works --nofile=32:32 "control: with 32 open files, the launch works"
out=$(as_user prlimit --nofile=32:32 "$TORGATE" --profile default -- \
    sh -c "curl -sS --max-time 5 --socks5-hostname $GATEWAY_OF_SANDBOX:9050 http://www.example.test/" 2>&1)
is "$out" "SOCKS target=www.example.test:80" "... SOCKS through the guard too (as many sockets as the limit has room for)"
# Below 4, the dynamic loader fails before torgate runs: its own line.
out=$(as_user prlimit --nofile=3:3 "$TORGATE" --profile default -- true 2>&1); st=$?
like "$st:$out" "^127:[^"$'\n'"]*error while loading shared libraries" "RLIMIT_NOFILE 3: the loader's own one line (no torgate code runs)"
nothing_left "RLIMIT_NOFILE 3"

# ------------------------------------------------------------ processes
# (RLIMIT_NPROC counts the user's processes: the launcher is the first.)
NPROC_FIX="your user has as many processes as its limit allows (ulimit -u, or the session's TasksMax): end some, or raise it"
refused --nproc=1:1 "cannot fork the sandbox: $NPROC_FIX" \
    "RLIMIT_NPROC 1: the sandbox's fork refused, in one line that names the limit"
refused --nproc=2:2 "cannot fork the datagram island's maker: $NPROC_FIX" \
    "RLIMIT_NPROC 2: the datagram island's maker's fork, inside the sandbox, refused the same way"
refused --nproc=3:3 "cannot fork the SOCKS guard: $NPROC_FIX" \
    "RLIMIT_NPROC 3: the SOCKS guard's fork, after it, refused the same way"
refused --nproc=4:4 "cannot fork the command: $NPROC_FIX" "RLIMIT_NPROC 4: the command's fork, after it, refused the same way"
works --nproc=8:8 "control: with 8 processes, the launch works"

# ------------------------------------------------------------ address space
# AddressSanitizer reserves terabytes of shadow memory before main(): no
# address-space or data limit lets its build start at all. The normal
# build's run (make integration) checks these.
if ldd "$TORGATE" 2>/dev/null | grep -q libasan; then
    skip "an AddressSanitizer build cannot start under an address-space or data limit" 5
else
    refused --as=$((32 << 20)):$((32 << 20)) \
        "your address space (KiB) limit is 32768, below the 65536 torgate needs: raise it (ulimit -v)" \
        "RLIMIT_AS 32 MiB: refused in one line, before a library could abort halfway"
    refused --data=$((32 << 20)):$((32 << 20)) \
        "your data segment (KiB) limit is 32768, below the 65536 torgate needs: raise it (ulimit -d)" \
        "RLIMIT_DATA 32 MiB: refused the same way"
    works --as=$((256 << 20)):$((256 << 20)) "control: with 256 MiB, the launch works"
fi
nothing_left "the end"
done_testing
