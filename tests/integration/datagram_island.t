#!/bin/bash
# A tor sandbox's datagram island (launcher/datagram_island.c), seen from
# outside while its COMMAND runs: COMMAND's datagram socket lives in the
# island and not in the sandbox's namespace; the island holds a loopback and
# nothing else; its maker holds no capability; and a killed maker leaves
# COMMAND no datagram socket once init's stock is spent (ENOBUFS), while its
# streams still reach the TransPort. (leak.t tries every way out of it.)
. "$(dirname "$0")/common.sh"
tg_setup

go=$TOPO_DIR/island.go
out=$TOPO_DIR/island.out
cleanup() {
    [ -z "${launcher:-}" ] || kill "$launcher" 2>/dev/null
    topo_down
}
cleanup_with cleanup

# COMMAND: a UDP socket connected to the gateway's port 53, kept; then, once
# the file $go exists, 40 more UDP sockets, kept, and what each call said;
# then a TCP connection to the internet web server (through the TransPort).
tg_bg --profile default -- python3 -c '
import errno, os, socket, sys, time
gw = [l.split()[1] for l in open("/etc/resolv.conf") if l.startswith("nameserver")][0]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.connect((gw, 53))
print("first", u.getsockname()[0], flush=True)
deadline = time.monotonic() + 120
while not os.path.exists(sys.argv[1]) and time.monotonic() < deadline:
    time.sleep(0.05)
kept, said = [], []
for _ in range(40):
    try:
        kept.append(socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        said.append("ok")
    except OSError as e:
        said.append(errno.errorcode[e.errno])
print("after", " ".join(said), flush=True)
t = socket.create_connection(("203.0.113.10", 80), timeout=5)
t.sendall(b"GET / HTTP/1.0\r\n\r\n")
print("tcp", t.recv(100).split(b"\r\n")[0].decode(), flush=True)
' "$go" >"$out" 2>&1
launcher=$!
wait_for grep -q '^first ' "$out" || bail_out "the sandbox's COMMAND did not start: $(cat "$out")"

init=$(pgrep -P "$launcher" | head -n1)
init_net=$(readlink "/proc/$init/ns/net")
maker= command=
for child in $(pgrep -P "$init"); do
    net=$(readlink "/proc/$child/ns/net")
    case "$(cat "/proc/$child/comm"):$net" in
        torgate:"$init_net") ;; # the SOCKS guard
        torgate:*) maker=$child ;;
        python3:*) command=$child ;;
    esac
done
ok_cmd "init has a child of torgate's in a network namespace other than the sandbox's: the island's maker" \
    test -n "$maker"
ok_cmd "... and COMMAND runs in the sandbox's namespace" \
    test -n "$command" -a "$(readlink "/proc/${command:-0}/ns/net")" = "$init_net"
in_island() { nsenter -t "$maker" -n "$@"; }
in_sandbox() { nsenter -t "$init" -n "$@"; }
gw=$(in_sandbox ip route show default | cut -d' ' -f3)
like "$gw" '^10\.118\.' "control: the sandbox's namespace has a default route, via the gateway $gw"
like "$(in_sandbox ip -o link show | awk -F': ' '{print $2}' | sort | tr '\n' ' ')" 'eth0' \
    "control: the sandbox's namespace has its veth"

# The island: a loopback with 127.0.0.1 and the gateway's address, no route
# but the kernel's local ones, and nothing else.
is "$(in_island ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo " "the island has one link: lo"
is "$(in_island ip -o -4 addr show | awk '{print $2, $4}' | sort | tr '\n' ' ')" "lo $gw/32 lo 127.0.0.1/8 " \
    "its addresses: 127.0.0.1 and the gateway's, on lo"
is "$(in_island ip -4 route show)" "" "it has no route (the main table is empty)"
like "$(in_island ss -Hunl)" "$gw:53 " "the DNS guard listens on the gateway's port 53 there"

# COMMAND's datagram socket: the island's, not the sandbox's.
like "$(in_island ss -Hunp)" "$gw:53 .*\"python3\",pid=$command," \
    "COMMAND's UDP socket, connected to the gateway's port 53, is in the island"
unlike "$(in_sandbox ss -Hunp)" '"python3"' "... and no UDP socket of COMMAND's is in the sandbox's namespace"

# The maker's privileges: none, from a binary that carries them.
like "$(getcap "$TORGATE")" 'cap_net_admin' "control: the torgate binary carries capabilities"
for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    is "$(sed -n "s/^$set:[[:space:]]*//p" "/proc/$maker/status")" 0000000000000000 "the maker's $set is empty"
done

# The maker killed: COMMAND's next datagram sockets come from init's stock
# (the island's still), then none; its streams are untouched.
far_reset
n_transport=$(log_lines transport)
kill -KILL "$maker"
touch "$go"
wait_for grep -q '^tcp ' "$out"
after=$(sed -n 's/^after //p' "$out")
like "$after" '^(ok )*ENOBUFS( ENOBUFS)*$' "with the maker killed, socket() ends in ENOBUFS and stays so ($after)"
is "$(($(grep -o ok <<<"$after" | wc -l) <= 16))" 1 "... after at most init's stock of 16"
is "$(sed -n 's/^tcp //p' "$out")" "HTTP/1.0 200 OK" "... while a TCP connection still works"
[ "$(log_lines transport)" -gt "$n_transport" ]; ok $? "... through the TransPort"
is "$(far_count "$INET_NS" all4)" 0 "nothing arrived on the internet side"
kill "$launcher" 2>/dev/null
wait "$launcher" 2>/dev/null
launcher=

# What COMMAND can do to the maker (PID 2, as its own user): no ptrace, no
# look into its namespaces; stopping it or lowering its descriptor limit
# only denies COMMAND its own datagram sockets (ENOBUFS, each within a
# second), which come back once it lets go.
out=$(tg --profile default -- python3 -c '
import ctypes, errno, os, resource, signal, socket, time
libc = ctypes.CDLL(None, use_errno=True)
def attempt(what, fn):
    try:
        fn()
        print(what, "ok")
    except OSError as e:
        print(what, errno.errorcode[e.errno])
def udp():
    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).close()
def until_refused():
    said = []
    for _ in range(40):
        try:
            udp()
            said.append("ok")
        except OSError as e:
            said.append(errno.errorcode[e.errno])
            break
    return said[-1], len(said)
def again():
    deadline = time.monotonic() + 10
    while True:
        try:
            return udp() or "ok"
        except OSError as e:
            if time.monotonic() > deadline:
                return errno.errorcode[e.errno]
            time.sleep(0.05)
print("comm", open("/proc/2/comm").read().strip())
attempt("sockets", udp)
r = libc.ptrace(16, 2, None, None)
print("ptrace", "ok" if r == 0 else errno.errorcode[ctypes.get_errno()])
attempt("ns", lambda: os.close(os.open("/proc/2/ns/net", os.O_RDONLY)))
os.kill(2, signal.SIGSTOP)
t = time.monotonic()
last, n = until_refused()
print("stopped", last, "after", n, "within", "yes" if time.monotonic() - t < 5 else "no")
os.kill(2, signal.SIGCONT)
print("continued", again())
soft, hard = resource.prlimit(2, resource.RLIMIT_NOFILE)
resource.prlimit(2, resource.RLIMIT_NOFILE, (0, hard))
last, n = until_refused()
print("nofile", last, "after", n)
resource.prlimit(2, resource.RLIMIT_NOFILE, (soft, hard))
print("raised", again())
' 2>&1)
is "$(sed -n 's/^comm //p' <<<"$out")" torgate "COMMAND sees the maker as PID 2 ($out)"
is "$(sed -n 's/^sockets //p' <<<"$out")" ok "control: COMMAND makes a datagram socket"
is "$(sed -n 's/^ptrace //p' <<<"$out")" EPERM "COMMAND cannot ptrace the maker"
is "$(sed -n 's/^ns //p' <<<"$out")" EACCES "COMMAND cannot open the maker's network namespace"
like "$(sed -n 's/^stopped //p' <<<"$out")" '^ENOBUFS after ([1-9]|1[0-7]) within yes$' \
    "the maker stopped by COMMAND: socket() ends in ENOBUFS once init's stock is spent (within 5 s, not waiting on it)"
is "$(sed -n 's/^continued //p' <<<"$out")" ok "... and works again once COMMAND continues it"
like "$(sed -n 's/^nofile //p' <<<"$out")" '^ENOBUFS after ([1-9]|1[0-7])$' \
    "the maker's descriptor limit lowered by COMMAND: socket() ends in ENOBUFS (its EMFILE is not passed on)"
is "$(sed -n 's/^raised //p' <<<"$out")" ok "... and works again once the limit is raised"
done_testing
