#!/bin/bash
# COMMAND as a process: exit status, signals, reaping, what it holds, and
# nothing left behind, also when torgate is SIGKILLed.
. "$(dirname "$0")/common.sh"
tg_setup

status_of() { "$@" >/dev/null 2>&1; echo $?; }

is "$(status_of tg -- sh -c 'exit 3')" 3 "torgate exits with COMMAND's status"
is "$(status_of tg -- true)" 0 "and 0 when COMMAND succeeds"
is "$(status_of tg -- sh -c 'kill -TERM $$')" 143 "128+15 when COMMAND kills itself with SIGTERM"
is "$(status_of tg -- sh -c 'kill -KILL $$')" 137 "128+9 when COMMAND kills itself with SIGKILL"
is "$(status_of tg -- sh -c 'kill -SEGV $$')" 139 "128+11 when COMMAND dies of SIGSEGV"

out=$(tg -- /nonexistent/cmd 2>&1); st=$?
is "$st" 127 "127 when COMMAND is not found"
is "$out" "torgate: cannot run '/nonexistent/cmd': No such file or directory" "with one clear line"
printf 'data\n' >"$TOPO_DIR/not-executable"; chmod 0644 "$TOPO_DIR/not-executable"
is "$(status_of tg -- "$TOPO_DIR/not-executable")" 126 "126 when COMMAND cannot be run"
is "$(status_of tg -- no-such-command-anywhere)" 127 "127 for a name not on PATH"

out=$(tg -- sh -c 'echo $$; ps -o pid= -p 1 -o comm=; ps -o pid=,user=,comm= -p 2,3')
like "$out" '^4'$'\n' "COMMAND is not PID 1 of its namespace (it is PID 4)"
like "$out" 'torgate' "PID 1 is torgate's init"
like "$out" $'\n'' *2 [^ ]+ +torgate'$'\n' "PID 2 is its datagram island's maker (tor mode), forked before COMMAND"
like "$out" $'\n'' *3 [^ ]+ +torgate$' "PID 3 is its SOCKS guard (tor mode), forked before COMMAND"
out=$(tg --profile offline -- sh -c 'echo $$')
is "$out" 2 "control: with no SOCKS guard (offline), COMMAND is PID 2"

# Signals sent to torgate reach COMMAND.
for sig in TERM HUP INT; do
    rm -f "$TOPO_DIR/ready" "$TOPO_DIR/got"
    tg_bg -- sh -c \
        "trap 'echo $sig >$TOPO_DIR/got; exit 42' $sig; echo >$TOPO_DIR/ready; while :; do sleep 0.05; done"
    pid=$!
    wait_for test -e "$TOPO_DIR/ready"
    kill -s "$sig" "$pid"
    wait "$pid"; st=$?
    is "$st" 42 "SIG$sig sent to torgate reaches COMMAND, whose exit status torgate returns"
    is "$(cat "$TOPO_DIR/got" 2>/dev/null)" "$sig" "COMMAND's SIG$sig handler ran"
done

# A signal COMMAND does not handle kills it; torgate reports it as a shell would.
rm -f "$TOPO_DIR/ready"
tg_bg -- sh -c "echo >$TOPO_DIR/ready; exec sleep 30"
pid=$!
wait_for test -e "$TOPO_DIR/ready"
kill -TERM "$pid"; wait "$pid"; st=$?
is "$st" 143 "SIGTERM to torgate: COMMAND dies of it, torgate exits 143"

# Every process COMMAND started dies with it; orphans are reaped meanwhile.
tg -- sh -c "sleep 4242.$$ & (setsid sleep 4243.$$ &) ; sleep 0.3; pgrep -x sleep >$TOPO_DIR/started; exit 0"
is "$(wc -l <"$TOPO_DIR/started")" 2 "COMMAND started two background processes"
ok_cmd "no process COMMAND left behind survives it" sh -c "! pgrep -f 'sleep 424[23]\.$$'"
out=$(tg -- sh -c 'sh -c "sleep 0.1 & exit 0"; sleep 0.5; ps -eo stat=' 2>&1)
unlike "$out" 'Z' "orphans are reaped by the sandbox's init (no zombies)"

# What COMMAND holds: no capabilities in any set, no_new_privs.
status=$(tg -- cat /proc/self/status)
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    like "$status" "$set:[[:space:]]+0000000000000000" "COMMAND has an empty $set"
done
like "$status" 'NoNewPrivs:[[:space:]]+1' "COMMAND runs with no_new_privs"
out=$(tg -- sh -c 'cat /proc/1/status' | grep -E '^Cap(Prm|Eff|Bnd)')
unlike "$out" ':[[:space:]]*0*[1-9a-f]' "the sandbox's init holds no capabilities either"

# Nothing left behind, once the kernel has torn the namespaces down.
wait_for sh -c "! ip netns exec $HOST_NS ip -o link show | grep -q ': tg[0-9]'"
is "$(host_sandbox_links)" "" "no sandbox link remains on the host"
out=$(in_host ip -4 addr show | grep -c '10\.118\.' || true)
is "$out" 0 "no pool address remains on the host"

# SIGKILL of torgate: COMMAND and everything of the sandbox go too.
rm -f "$TOPO_DIR/ready"
tg_bg -- sh -c "echo >$TOPO_DIR/ready; exec sleep 4244.$$"
pid=$!
wait_for test -e "$TOPO_DIR/ready"
isnt "$(host_sandbox_links)" "" "a running sandbox has its link"
ok_cmd "the sandbox's COMMAND runs" pgrep -f "sleep 4244\.$$"
kill -KILL "$pid"; wait "$pid" 2>/dev/null
WAIT_FOR_TIMEOUT=100 wait_for sh -c "! pgrep -f 'sleep 4244\.$$'"
ok_cmd "after SIGKILL of torgate, COMMAND is gone" sh -c "! pgrep -f 'sleep 4244\.$$'"
WAIT_FOR_TIMEOUT=100 wait_for sh -c "! ip netns exec $HOST_NS ip -o link show | grep -q ': tg[0-9]'"
is "$(host_sandbox_links)" "" "after SIGKILL of torgate, the sandbox's link is gone"
like "$(in_host nft list table inet torgate)" 'dnat ip to 127\.0\.0\.1:9040' "the firewall table stays (it only ever narrows)"

# As an ordinary user, with the installed file capabilities.
user=tgtest$$
useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user")
cleanup_with 'userdel "$user" 2>/dev/null; topo_down'
as_user() { in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"; }
out=$(as_user "$TORGATE" -- sh -c 'id -u; grep -E "^Cap(Prm|Eff|Bnd)" /proc/self/status' 2>&1)
like "$out" "^$uid" "COMMAND runs as the calling user"
unlike "$(echo "$out" | tail -n +2)" ':[[:space:]]*0*[1-9a-f]' "an ordinary user's COMMAND holds no capabilities"
out=$(as_user "$TORGATE" --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80' "an ordinary user's curl goes through the TransPort"
out=$(as_user "$TORGATE" --config "$CONF" -- true 2>&1); st=$?
is "$st" 125 "--config is refused for an ordinary user"
like "$out" 'root only' "with a line that says why"

# Root: COMMAND never runs as uid 0 (it would own every root-owned file of
# the host, /proc/sys and the system bus as root). Root names a user.
rm -f "$TOPO_DIR/as-root"
out=$(in_host "$TORGATE" --config "$CONF" -- touch "$TOPO_DIR/as-root" 2>&1); st=$?
is "$st" 125 "as root without --user: refused (125)"
like "$out" '^torgate: torgate does not run COMMAND as root.*--user NAME$' "... with one line saying what to do ($out)"
ok_cmd "... and COMMAND did not run" test ! -e "$TOPO_DIR/as-root"
out=$(in_host "$TORGATE" --config "$CONF" --user root -- true 2>&1); st=$?
is "$st" 125 "--user root: refused ($out)"
out=$(tg -- sh -c 'id -u; echo "$HOME $USER"')
is "$out" "$(id -u "$TG_USER")"$'\n'"/nonexistent $TG_USER" "control: with --user, COMMAND runs as that user, with its HOME and USER"
out=$(as_user "$TORGATE" --user "$TG_USER" -- true 2>&1); st=$?
is "$st" 125 "--user from an ordinary user: refused ($out)"
# The kernel's settings are read-only in every sandbox.
out=$(tg -- findmnt -no OPTIONS /proc/sys)
like "$out" '^ro,' "/proc/sys is read-only in the sandbox ($out)"
out=$(tg -- sh -c 'findmnt -rno TARGET,OPTIONS | grep -E "^/sys(/| )" | grep -vc " ro,"')
is "$out" 0 "/sys and every mount below it are read-only in the sandbox"
like "$(in_host findmnt -no OPTIONS /sys)" '^rw,' "control: outside the sandbox, /sys is read-write"

done_testing
