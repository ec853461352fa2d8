#!/bin/bash
# torgate is a capability-bearing program: what an ordinary caller controls
# (environment, paths, links) gets it nothing, and it cannot be inspected
# or traced while it runs. Each attempt is made for real and must fail.
. "$(dirname "$0")/common.sh"
tg_setup

user=tgtrust$$
home=$TOPO_DIR/home
cleanup() { userdel "$user" 2>/dev/null; topo_down; }
cleanup_with cleanup
mkdir -p "$home"
useradd --system --home-dir "$home" --shell /bin/sh "$user"
uid=$(id -u "$user")
chown "$uid:$uid" "$home"
chmod 755 "$TOPO_DIR"
as_user() { in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$home" "$@"; }

# The environment: LD_PRELOAD never reaches a capability-bearing process.
cat >"$TOPO_DIR/evil.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <unistd.h>
__attribute__((constructor)) static void mark(void)
{
    char comm[64] = "", path[128];
    FILE *f = fopen("/proc/self/comm", "r");
    if (f && fgets(comm, sizeof comm, f))
        comm[strcspn(comm, "\n")] = 0;
    snprintf(path, sizeof path, "%s/preloaded-%s", getenv("MARK_DIR"), comm);
    FILE *m = fopen(path, "w");
    if (m)
        fclose(m);
}
C
sed -i 's/#include <unistd.h>/#include <stdlib.h>\n#include <unistd.h>/' "$TOPO_DIR/evil.c"
cc -shared -fPIC -o "$TOPO_DIR/evil.so" "$TOPO_DIR/evil.c"
mkdir -p "$TOPO_DIR/marks" && chmod 777 "$TOPO_DIR/marks"
as_user env LD_PRELOAD="$TOPO_DIR/evil.so" MARK_DIR="$TOPO_DIR/marks" /bin/true
ok_cmd "control: LD_PRELOAD works for an ordinary program" test -e "$TOPO_DIR/marks/preloaded-true"
as_user env LD_PRELOAD="$TOPO_DIR/evil.so" MARK_DIR="$TOPO_DIR/marks" "$TORGATE" --profile offline -- /bin/true
ok_cmd "LD_PRELOAD does not run in torgate" test ! -e "$TOPO_DIR/marks/preloaded-torgate"

# Paths from the environment: $HOME is not where torgate looks for the
# user's profiles (the password database is); a widening profile planted
# under a $HOME of the caller's choosing is not read.
mkdir -p "$TOPO_DIR/fakehome/.config/torgate/profiles"
printf '[profile]\nmode = nonsense\n' >"$TOPO_DIR/fakehome/.config/torgate/profiles/default.profile"
out=$(in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$TOPO_DIR/fakehome" \
    "$TORGATE" --explain default 2>&1)
like "$out" '^profile +default \(/' "a profile under a fake \$HOME is not read (the real home's is)"
unlike "$out" 'fakehome' "and the fake home is never named"

# Files it could not open itself: a user profile that is a link to a file
# only root can read is refused, and nothing of that file shows.
mkdir -p "$home/.config/torgate/profiles"
printf '[profile]\nmode = tor\nSECRET-LINE = 1\n' >"$TOPO_DIR/secret.profile"
chmod 600 "$TOPO_DIR/secret.profile"
ln -sf "$TOPO_DIR/secret.profile" "$home/.config/torgate/profiles/default.profile"
chown -R "$uid:$uid" "$home/.config"
out=$(as_user "$TORGATE" --profile default -- true 2>&1); st=$?
is "$st" 125 "a user profile linked to a root-only file is refused"
like "$out" 'cannot open profile .*default.profile' "with one line naming the user's file"
unlike "$out" 'SECRET' "and nothing of the root-only file"
rm -f "$home/.config/torgate/profiles/default.profile"
ln -s "$TOPO_DIR" "$home/.config/torgate/profiles/d"
out=$(as_user "$TORGATE" --profile ../../../../../../etc/shadow -- true 2>&1); st=$?
is "$st" 125 "a profile name with a path is refused"
like "$out" "invalid profile name" "as an invalid name"
out=$(as_user "$TORGATE" --config /etc/shadow -- true 2>&1); st=$?
is "$st" 125 "--config naming a root-only file is refused"
unlike "$out" 'root:' "without reading it"

# The environment reaches COMMAND, never the launcher's libraries: libnl
# reads NLCB and NLDBG (debug dumps of its netlink traffic) and, in a
# constructor that runs before main(), NLSYSCONFDIR (a file of the caller's
# choosing to parse). A FIFO there blocks whoever opens it.
cat >"$TOPO_DIR/nlcontrol.c" <<'C'
#include <netlink/netlink.h>
#include <netlink/route/link.h>
int main(void)
{
    struct nl_sock *sk = nl_socket_alloc();
    struct nl_cache *cache;
    return nl_connect(sk, NETLINK_ROUTE) || rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
}
C
cc -o "$TOPO_DIR/nlcontrol" "$TOPO_DIR/nlcontrol.c" $(pkg-config --cflags --libs libnl-route-3.0) ||
    bail_out "cannot build the libnl control program"
mkdir -p "$TOPO_DIR/nlconf" && mkfifo "$TOPO_DIR/nlconf/classid" && chmod 755 "$TOPO_DIR/nlconf"
out=$(as_user env NLCB=debug "$TOPO_DIR/nlcontrol" 2>&1)
like "$out" 'Debug' "control: NLCB=debug makes a libnl program dump its netlink traffic"
as_user env NLSYSCONFDIR="$TOPO_DIR/nlconf" timeout 2 "$TOPO_DIR/nlcontrol" >/dev/null 2>&1
is "$?" 124 "control: NLSYSCONFDIR makes a libnl program open a file of the caller's choosing (it blocks on the FIFO)"
out=$(as_user env NLCB=debug NLDBG=7 "$TORGATE" --profile default -- true 2>&1); st=$?
is "$st" 0 "with NLCB=debug, torgate runs COMMAND ($out)"
unlike "$out" 'Debug|Sent Message' "... and libnl in the launcher dumps nothing"
as_user env NLSYSCONFDIR="$TOPO_DIR/nlconf" timeout 10 "$TORGATE" --profile default -- true >/dev/null 2>&1
is "$?" 0 "with NLSYSCONFDIR, torgate never opens the caller's file (no block on the FIFO)"
out=$(as_user env FOO=bar NLCB=debug XTABLES_LIBDIR=/nonexistent "$TORGATE" --profile offline -- sh -c \
    'echo "$FOO $NLCB $XTABLES_LIBDIR"' 2>&1)
is "$out" "bar debug /nonexistent" "the caller's environment is COMMAND's, all of it"

# While COMMAND runs, the launcher holds no capability and cannot be traced
# or read by its caller.
rm -f "$TOPO_DIR/marks/ready"
in_host setpriv --reuid="$uid" --regid="$uid" --clear-groups env HOME="$home" \
    "$TORGATE" --profile offline -- sh -c "echo >$TOPO_DIR/marks/ready; exec sleep 30" &
running=$!
wait_for test -e "$TOPO_DIR/marks/ready"
launcher=$(pgrep -u "$uid" -x torgate | sort -n | head -n1)
like "$launcher" '^[0-9]+$' "the launcher runs as the user (pid $launcher)"
status=$(cat "/proc/$launcher/status")
like "$status" 'CapPrm:[[:space:]]+0000000000000000' "the launcher has dropped every permitted capability"
like "$status" 'CapEff:[[:space:]]+0000000000000000' "and every effective one"
out=$(as_user python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, int(sys.argv[1]), None, None)   # PTRACE_ATTACH
print("attached" if r == 0 else "refused errno=%d" % ctypes.get_errno())
' "$launcher" 2>&1)
like "$out" '^refused errno=1$' "the caller cannot ptrace the launcher (EPERM: it is not dumpable)"
out=$(as_user sh -c "cat /proc/$launcher/environ >/dev/null 2>&1 && echo readable || echo unreadable")
is "$out" "unreadable" "the caller cannot read the launcher's /proc/PID/environ"
sandbox_init=$(pgrep -u "$uid" -P "$launcher" | head -n1)
out=$(as_user python3 -c '
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
r = libc.ptrace(16, int(sys.argv[1]), None, None)
print("attached" if r == 0 else "refused errno=%d" % ctypes.get_errno())
' "$sandbox_init" 2>&1)
like "$out" '^refused errno=1$' "nor the sandbox's first process (set up with capabilities)"
pkill -u "$uid" -x sleep
wait "$running"

# The caller's descriptors: a TCP connection to the internet web server,
# handed over as standard input, standard output or descriptor 5, would be
# a way out that neither wall sees. run_with_connection HOW PATH CMD...
# runs CMD with it there; COMMAND tries to send "GET PATH" through it.
run_with_connection() {
    in_host python3 -c '
import socket, subprocess, sys
how, cmd = sys.argv[1], sys.argv[2:]
s = socket.create_connection(("203.0.113.10", 80), timeout=5)
if how == "unix":
    s.close()
    s, peer = socket.socketpair()
    peer.sendall(b"hello\n")
    peer.close()
kw = {"stdin": s} if how in ("stdin", "unix") else {"stdout": s} if how == "stdout" else {"pass_fds": (s.fileno(),)}
if how == "fd":
    cmd = [c.replace("FD", str(s.fileno())) for c in cmd]
r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, **kw)
print(r.returncode, r.stderr.strip().splitlines()[-1] if r.stderr.strip() else "")
' "$@"
}
sends() { printf 'printf "GET %s HTTP/1.0\r\n\r\n" >&%s' "$1" "$2"; }
web_saw() { grep -c "path=$1\$" "$TOPO_DIR/web-paths.log"; }
for how in stdin:0 stdout:1 fd:FD; do
    name=${how%%:*} fd=${how#*:}
    out=$(run_with_connection "$name" sh -c "$(sends "/direct-$name" "$fd")")
    wait_for test "$(web_saw "/direct-$name")" = 1
    is "$(web_saw "/direct-$name")" 1 "control: without torgate, a command writes to the web server through the connection as $name ($out)"
    out=$(run_with_connection "$name" "$TORGATE" --config "$CONF" --user "$TG_USER" --profile default -- \
        sh -c "$(sends "/sandboxed-$name" "$fd")")
    if [ "$name" = fd ]; then
        like "$out" '^[0-9]+ .*[Bb]ad file descriptor' "a descriptor beyond the standard streams never reaches COMMAND ($out)"
    else
        like "$out" "^125 torgate: standard ${name#std}[a-z]* is a network socket, .*outside Tor" \
            "a network socket as $name is refused before COMMAND runs ($out)"
    fi
done
# A directory as standard input would lead COMMAND out of its view of the
# files (fchdir); a closed standard stream is /dev/null, never the number
# of a descriptor torgate opens later.
out=$(tg --profile offline -- true </ 2>&1; echo "status $?")
like "$out" "torgate: standard input is a directory, .*status 125" "a directory as standard input is refused ($out)"
out=$(tg --profile offline -- sh -c 'cat; echo read' </etc/hostname 2>&1)
like "$out" 'read$' "control: a file as standard input is COMMAND's ($out)"
out=$(tg --profile offline -- sh -c 'readlink /proc/self/fd/0 >&2' 2>&1 <&-)
is "$out" "/dev/null" "a closed standard input is /dev/null in COMMAND"
out=$(tg --profile offline -- sh -c 'readlink /proc/self/fd/0 >&2' 2>&1 </dev/zero)
is "$out" "/dev/zero" "control: an open one is what the caller gave"
out=$(run_with_connection unix "$TORGATE" --config "$CONF" --user "$TG_USER" --profile default -- sh -c 'read line; echo "<$line>" >&2')
is "$out" "0 <hello>" "control: a UNIX socket as standard input is COMMAND's (as a journal's stream or ssh's would be)"
is "$(grep -c 'path=/sandboxed-' "$TOPO_DIR/web-paths.log")" 0 "the web server saw nothing sent from a sandbox through the caller's connection"

done_testing
