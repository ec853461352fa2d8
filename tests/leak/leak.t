#!/bin/bash
# The adversarial leak suite (issue 4): every way out of a sandbox we could
# think of, each tried by tests/leak/leak.c (one attempt per run, one line
# "ATTEMPT ok|blocked:ERR@step") inside torgate, in tor mode (the default
# profile) and in clearnet mode (unsafe-browser), against realistic targets of
# the test topology; then what arrived: on the internet and LAN sides
# (tgcount), and on the host itself (a counter table of our own, leakhost,
# after torgate's input filter).
#
# Expected: tor mode blocks everything but TCP (which lands on the TransPort)
# and UDP/DNS to the gateway's port 53: its datagram sockets are made in its
# datagram island, where nothing but DNS has a route (ENETUNREACH); with lan
# = allow (a profile of this test's), each datagram's destination is checked
# by the supervisor instead (EPERM); clearnet mode lets IPv4 UDP and TCP
# out to the internet, nothing to the host, the LAN or IPv6. Both: the socket
# families, types and options of the seccomp filter, with its errnos; the
# i386 ABI (leak32, int 0x80 from the 64-bit leak) dies of SIGSYS. Offline
# mode (the offline profile): the sandbox has loopback only, so every attempt
# but loopback-local ones is blocked, and nothing arrives anywhere.
#
# Env: TORGATE, PROBE (common.sh), LEAK (leak), LEAK32 (leak32).
. "$(dirname "$0")/../integration/common.sh"
: "${LEAK:?set LEAK to the leak binary (tests/leak/leak.c)}"
: "${LEAK32:?set LEAK32 to the leak32 binary (tests/leak/leak32.c)}"
[ -x "$LEAK" ] || bail_out "LEAK=$LEAK is not executable"
[ -x "$LEAK32" ] || bail_out "LEAK32=$LEAK32 is not executable"

tg_setup
sys_profiles_init
LAN_PROFILE=tgleak-lan-$$
sys_profile "$LAN_PROFILE" 'mode = tor' 'lan = allow'

# --- the host: an abstract UNIX listener, and counters after the firewall
ABSTRACT=torgate-leak-$$
: >"$TOPO_DIR/abstract.log"
in_host python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("\0" + sys.argv[1])
s.listen(16)
while True:
    c, _ = s.accept()
    with open(sys.argv[2], "a") as f:
        f.write("connection\n")
    c.close()
' "$ABSTRACT" "$TOPO_DIR/abstract.log" </dev/null >/dev/null 2>&1 &
abstract_pid=$!
cleanup() {
    kill "$abstract_pid" 2>/dev/null || true
    wait "$abstract_pid" 2>/dev/null || true
    sys_profiles_cleanup
    topo_down
}
cleanup_with cleanup

in_host nft -f - <<'EOF' || bail_out "cannot add the host's counters"
table inet leakhost {
    counter from_sandbox { }
    counter from_sandbox_not_tor { }
    counter udp_from_sandbox_not_dns { }
    chain prerouting {
        type filter hook prerouting priority -400; policy accept;
        # DNS: to the gateway's port 53, one of the host's own addresses
        iifname "tg*" udp dport != 53 counter name udp_from_sandbox_not_dns
        iifname "tg*" udp dport 53 fib daddr type != local counter name udp_from_sandbox_not_dns
    }
    chain input {
        type filter hook input priority 100; policy accept;
        iifname "tg*" counter name from_sandbox
        iifname "tg*" ct status & dnat == 0 counter name from_sandbox_not_tor
    }
}
EOF
host_count() { # COUNTER
    in_host nft list counter inet leakhost "$1" | sed -n 's/.*packets \([0-9][0-9]*\).*/\1/p' | head -n1
}

# control: the listener is there, and reachable from its own namespace
wait_for in_host "$LEAK" abstract "$ABSTRACT"
is "$(in_host "$LEAK" abstract "$ABSTRACT")" "abstract ok" "control: the host's abstract socket @$ABSTRACT accepts from the host"
abstract_before=$(log_lines abstract)

# --- a process of the sandbox's user on the host, behind a UNIX socket, with
# a UDP socket of the host's network namespace: what an app that gets hold
# of it (a pidfd of the socket's peer, then pidfd_getfd) could send through.
PEER_SOCK=$TOPO_DIR/peer.sock
in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups /usr/bin/python3 -c '
import os, socket, sys
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1] + ".tmp")
s.listen(16)
with open(sys.argv[1] + ".pid", "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    if c.recv(1):
        c.send(b"!")
    c.close()
' "$PEER_SOCK" </dev/null >/dev/null 2>&1 &
topo_add_pid "$!"
wait_for test -S "$PEER_SOCK" || bail_out "the host's peer process did not start"
peer_pid=$(cat "$PEER_SOCK.pid")
as_tg_user() { in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups "$@"; }

# controls: each way out below works outside a sandbox, for the same user
far_reset
out=$(as_tg_user "$LEAK" peer-pidfd "$PEER_SOCK" 203.0.113.53 9999)
like "$out" '^peer-pidfd ok fd=[0-9]+$' "control: on the host, a pidfd of the socket's peer gives its UDP socket ($out)"
is "$(far_count "$INET_NS" udp4)" 1 "control: ... and what it sent arrived on the internet side"
like "$(as_tg_user "$LEAK" pidfd-getfd)" '^pidfd-getfd ok' "control: on the host, pidfd_getfd() works"
like "$(as_tg_user "$LEAK" proc-vm "$peer_pid")" '^proc-vm ok' "control: on the host, process_vm_readv() can name the peer"
like "$(as_tg_user "$LEAK" high-bits)" '^high-bits ok peerpidfd$' \
    "control: on the host, with bit 32 set, SO_PEERPIDFD works (the kernel reads the low 32 bits)"
far_reset
out=$(as_tg_user "$LEAK" thread-files 203.0.113.53 9999)
is "$out" "thread-files ok unshare,close_range,clone" "control: on the host, threads get tables of their own and send"
is "$(far_count "$INET_NS" udp4)" 3 "control: ... and the three datagrams arrived"
# the terminal torgate was started from: a pty of script(1)'s
out=$(script -qec "$(printf '%q ' ip netns exec "$HOST_NS" setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups "$LEAK" tiocsti)" /dev/null </dev/null | tr -d '\r')
like "$out" '^#tiocsti ok pushed' "control: at a terminal, TIOCSTI pushes input into it (the terminal echoes the pushed #)"
out=$(script -qec "$(printf '%q ' ip netns exec "$HOST_NS" "$TORGATE" --config "$CONF" --user "$TG_USER" -- "$LEAK" tiocsti)" /dev/null </dev/null | tr -d '\r')
like "$out" '^tiocsti blocked:EPERM@ioctl' "in a sandbox started at a terminal, TIOCSTI is refused, and nothing reached the terminal ($out)"

# Whether this kernel runs 32-bit code at all (IA32 emulation): some
# virtual machines' kernels do not, and then neither can an app use that
# ABI, nor can the filter's rules against it be exercised. The control, on
# the host: a freestanding i386 program runs (its usage error, not ENOEXEC), and
# int 0x80 from a 64-bit process is a system call (not SIGSEGV).
IA32=1
as_tg_user "$LEAK32" >/dev/null 2>&1
[ $? -ne 126 ] || IA32=
as_tg_user "$LEAK" int80 203.0.113.10 9999 >/dev/null 2>&1
[ $? -ne 139 ] || IA32=
[ -n "$IA32" ] || diag "this kernel runs no 32-bit code (no IA32 emulation): the 32-bit attempts are skipped"
far_reset

# --- running attempts
# In a sandbox's shell, GW expands to the gateway (the host end of its veth):
# the default route's next hop, the same address tor mode's resolv.conf names.
GW='$(ip route show default | cut -d" " -f3)'
SUMMARY=
MODE=
# the link of the link-local IPv6 attempt: eth0 (an offline sandbox has only lo)
LL_IF=eth0

# leak_run ARGS... : run `leak ARGS` (or leak32 for socketcall32) in a sandbox
# of $MODE; sets RES (its line) and ST (torgate's exit status).
leak_run() {
    local bin=$LEAK profile=()
    [ "$1" != socketcall32 ] || bin=$LEAK32
    [ "$MODE" != clearnet ] || profile=(--profile unsafe-browser)
    [ "$MODE" != offline ] || profile=(--profile offline)
    [ "$MODE" != tor-lan ] || profile=(--profile "$LAN_PROFILE")
    ST=0
    RES=$(tg "${profile[@]}" -- sh -c "exec $bin $*" 2>&1) || ST=$?
    SUMMARY+="$(printf '%-8s %-40s %s' "$MODE" "$(shown "$@")" "$RES [exit $ST]")"$'\n'
}

# the arguments as shown in descriptions: the gateway as GW
shown() { local s="$*"; echo "${s//"$GW"/GW}"; }

# expect ARGS... -- REGEX : the line must be "ATTEMPT RESULT" with RESULT
# matching REGEX (anchored); exit 0 for ok, 1 for blocked.
expect() {
    local args=() re
    while [ "$1" != -- ]; do args+=("$1"); shift; done
    re=$2
    leak_run "${args[@]}"
    local want_st=1
    [[ $RES != "${args[0]} ok"* ]] || want_st=0
    like "$RES [exit $ST]" "^${args[0]} ($re) \\[exit $want_st\\]\$" "$MODE: $(shown "${args[@]}") -> $RES"
}

# expect_sigsys ARGS... : the process dies of SIGSYS (torgate exits 128+31)
expect_sigsys() {
    if [ -z "$IA32" ]; then
        skip "$MODE: $(shown "$@"): this kernel runs no 32-bit code at all (no IA32 emulation)"
        return
    fi
    leak_run "$@"
    is "$ST" 159 "$MODE: $(shown "$@") is killed by SIGSYS (got: '$RES', exit $ST)"
}

# expect_refused ARGS... : blocked, however, or killed by SIGSYS
expect_refused() {
    leak_run "$@"
    [[ $RES == "$1 blocked:"* && $ST = 1 ]] || [ "$ST" = 159 ]
    ok $? "$MODE: $(shown "$@") is refused or killed (got: '$RES', exit $ST)"
}

# Both modes: the seccomp filter's families, types, options and syscalls.
common_attempts() {
    expect icmp 203.0.113.10 -- 'blocked:EPERM@socket'
    expect icmp "$GW" -- 'blocked:EPERM@socket'
    expect raw -- 'blocked:EPERM@socket'
    expect raw6 -- 'blocked:EAFNOSUPPORT@socket'
    expect packet -- 'blocked:EAFNOSUPPORT@socket'
    expect ipv6 2001:db8:ff::10 80 -- 'blocked:EAFNOSUPPORT@socket'
    expect ipv6 "fe80::1%$LL_IF" 80 -- 'blocked:EAFNOSUPPORT@socket'
    expect tcp 127.0.0.1 9051 -- 'blocked:ECONNREFUSED@connect'
    expect abstract "$ABSTRACT" -- 'blocked:ECONNREFUSED@connect'
    expect netlink-route -- 'blocked:EPERM@RTM_NEWADDR'
    expect netlink-other -- 'blocked:EAFNOSUPPORT@socket'
    expect bindtodevice eth0 -- 'blocked:EPERM@setsockopt'
    expect bindtodevice lo -- 'blocked:EPERM@setsockopt'
    expect transparent -- 'blocked:EPERM@setsockopt'
    expect io-uring-connect 203.0.113.10 80 -- 'blocked:ENOSYS@io_uring_setup'
    expect setns-proc -- 'blocked:EPERM@setns'
    # refused unless the profile allows user namespaces; unsafe-browser does
    # (the browser's own sandbox), the control: a new network namespace of
    # its own has only a loopback, no way out
    if [ "$MODE" = clearnet ]; then
        expect unshare-net -- 'ok'
    else
        expect unshare-net -- 'blocked:EPERM@unshare'
    fi
    expect vsock -- 'blocked:EAFNOSUPPORT@socket'
    expect sctp -- 'blocked:EPERM@socket'
    expect dccp -- 'blocked:EPERM@socket'
    expect bluetooth -- 'blocked:EAFNOSUPPORT@socket'
    expect key -- 'blocked:EAFNOSUPPORT@socket'
    expect_refused x32
    expect_sigsys int80 203.0.113.10 9999
    expect_sigsys socketcall32 203.0.113.10 9999
    # nothing of a process outside the sandbox: no pidfd of a socket's peer,
    # no copy of another process's descriptors, no PID to name it by
    expect peer-pidfd "$PEER_SOCK" 203.0.113.53 9999 -- 'blocked:ENOPROTOOPT@peerpidfd'
    expect pidfd-getfd -- 'blocked:EPERM@pidfd_getfd'
    expect proc-vm "$peer_pid" -- 'blocked:ESRCH@process_vm_readv'
    # the filter compares the low 32 bits of int arguments, as the kernel reads them
    expect high-bits -- 'blocked:EPERM@icmp-call,EPERM@sctp-call,EPERM@dccp-call,EPERM@bindtodevice-call,EPERM@bindtodevice-level-call,EPERM@transparent-call,ENOPROTOOPT@peerpidfd-call'
    # one descriptor table per process (what the supervisor inspects)
    expect thread-files 203.0.113.53 9999 -- 'blocked:EPERM@unshare-unshare,EINVAL@close_range-close_range,EPERM@clone-clone'
}

# tor_udp_attempts REFUSED LOCAL: the datagrams of both kinds of tor
# sandbox. REFUSED: the errno of a datagram with nowhere to go; LOCAL: what
# a datagram to the loopback or the gateway's other ports gets. The
# gateway's port 53 answers either way.
tor_udp_attempts() {
    local no=$1 local_=$2
    expect udp 203.0.113.10 9999 -- "blocked:$no@sendto"
    expect udp-connect 203.0.113.10 9999 -- "blocked:$no@connect"
    expect udp-sendmsg 203.0.113.10 9999 -- "blocked:$no@sendmsg"
    expect udp-sendmmsg 203.0.113.10 9999 -- "blocked:$no@sendmmsg"
    expect udp 203.0.113.53 53 -- "blocked:$no@sendto"
    expect udp 192.168.77.2 53 -- "blocked:$no@sendto"
    expect udp-connect 192.168.77.2 53 -- "blocked:$no@connect"
    expect udp 127.0.0.1 5353 -- "$local_"
    expect udp "$GW" 9999 -- "$local_"
    expect udp "$GW" 53 -- 'ok'
    expect udp-connect "$GW" 53 -- 'ok'
    expect udp-sendmsg "$GW" 53 -- 'ok'
    # (sendmmsg too: glibc's resolver sends its A and AAAA queries with it)
    expect udp-sendmmsg "$GW" 53 -- 'ok'
    expect broadcast 9999 -- "blocked:$no@sendto"
    # DNS: the gateway answers (the DNSPort), no other resolver is reached
    expect dns "$GW" www.example.test -- 'ok rcode=NOERROR'
    expect dns 203.0.113.53 www.example.test -- "blocked:$no@sendto"
    # a process that made itself non-dumpable (browsers' helpers do)
    expect nondumpable "$GW" 53 udp -- 'ok sent'
    expect nondumpable 203.0.113.53 53 udp -- "blocked:$no@sendto"
}

# ============================================================== tor mode
MODE=tor
far_reset
in_host nft reset counters table inet leakhost >/dev/null
t0_transport=$(log_lines transport)

# UDP: the datagram island has a route to the gateway's port 53 only; its
# own loopback, where the gateway's address is the DNS guard's, takes the
# rest, which goes nowhere (udp_from_sandbox_not_dns, before any firewall,
# below)
tor_udp_attempts ENETUNREACH ok
expect multicast 224.0.0.251 5353 -- 'blocked:ENETUNREACH@sendto'
expect multicast 239.255.255.250 1900 -- 'blocked:ENETUNREACH@sendto'
expect dns 192.168.77.2 www.example.test -- 'blocked:ENETUNREACH@sendto'
# every datagram socket is the island's, made by the supervisor with the
# flags asked for, even while init relays signals without pause (a relayed
# signal interrupting the supervisor's answer once left socket() returning
# a descriptor that was no socket); UDP only
expect udp-sockets 20000 -- 'ok 20000'
expect udplite -- 'blocked:EPERM@socket'
# TCP: any address lands on the TransPort
expect tcp 203.0.113.10 80 -- 'ok HTTP/1\.0 200 OK'
like "$(topo_log transport)" 'orig=203\.0\.113\.10:80' "tor: the TransPort got the internet web server's connection"
expect tcp 192.168.77.2 80 -- 'ok HTTP/1\.0 200 OK'
like "$(topo_log transport)" 'orig=192\.168\.77\.2:80' "tor: the TransPort got the LAN web server's connection"
expect tcp "$GW" 9051 -- 'ok HTTP/1\.0 200 OK'
like "$(topo_log transport)" 'orig=10\.118\.[0-9]+\.[0-9]+:9051' "tor: the TransPort got the gateway:9051 (ControlPort) connection"
expect tcp 192.0.2.2 8080 -- 'ok HTTP/1\.0 200 OK'
like "$(topo_log transport)" 'orig=192\.0\.2\.2:8080' "tor: the TransPort got the host's 192.0.2.2:8080 connection"
# a process that made itself non-dumpable: its streams go on to the TransPort
expect nondumpable 203.0.113.10 80 -- 'ok connected'
like "$(topo_log transport | tail -n 1)" 'orig=203\.0\.113\.10:80' "tor: the non-dumpable process's connection landed on the TransPort"
common_attempts

# What arrived: nothing on the far sides, nothing on the host but Tor's ports.
for ns in INET LAN; do
    nsname=${ns}_NS
    is "$(far_count "${!nsname}" all4)" 0 "tor: $ns side: no IPv4 packet arrived"
    is "$(far_count "${!nsname}" ip6)" 0 "tor: $ns side: no IPv6 packet arrived"
done
is "$(log_lines web)$(log_lines lan-web)$(log_lines inet-dns)$(log_lines lan-dns)" 0000 \
    "tor: no internet or LAN server saw anything"
is "$(log_lines controlport)$(log_lines cups)$(log_lines hostsvc)" 000 \
    "tor: no host service but Tor's saw anything"
is "$(host_count from_sandbox_not_tor)" 0 "tor: the host accepted nothing from the sandbox but what it redirected to Tor"
is "$(host_count udp_from_sandbox_not_dns)" 0 "tor: no datagram but DNS left the sandbox at all (counted before any firewall)"
is "$(log_lines abstract)" "$abstract_before" "tor: the host's abstract socket saw no connection"

# ============================================== tor mode with lan = allow
# No island (datagrams may go to the LAN from the sandbox's namespace): the
# supervisor checks each datagram's destination, whatever call names it.
MODE=tor-lan
far_reset
in_host nft reset counters table inet leakhost >/dev/null
tor_udp_attempts EPERM blocked:EPERM@sendto
expect thread-files 203.0.113.53 9999 -- 'blocked:EPERM@unshare-unshare,EINVAL@close_range-close_range,EPERM@clone-clone'
is "$(far_count "$INET_NS" all4)" 0 "tor-lan: INET side: no IPv4 packet arrived"
is "$(host_count udp_from_sandbox_not_dns)" 0 "tor-lan: no datagram but DNS left the sandbox (counted before any firewall)"

# ========================================================= clearnet mode
MODE=clearnet
far_reset
in_host nft reset counters table inet leakhost >/dev/null
n_transport=$(log_lines transport)
n_socks=$(log_lines socks)
n_dnsport=$(log_lines dnsport)

# expect_arrives ARGS... -- REGEX : expect, and the internet side counted a
# UDP packet more
expect_arrives() {
    local before after
    before=$(far_count "$INET_NS" udp4)
    expect "$@"
    after=$(far_count "$INET_NS" udp4)
    [ "$after" -gt "$before" ]; ok $? "$MODE: ... and it arrived on the internet side (udp4 $before -> $after)"
}

# UDP: out to the internet; to the host, the LAN or a broadcast/multicast
# group nothing arrives (the process may or may not be told)
expect_arrives udp 203.0.113.10 9999 -- 'ok'
expect_arrives udp-connect 203.0.113.10 9999 -- 'ok'
expect_arrives udp-sendmsg 203.0.113.10 9999 -- 'ok'
expect_arrives udp-sendmmsg 203.0.113.10 9999 -- 'ok'
expect_arrives udp 203.0.113.53 53 -- 'ok'
# expect_not_lan ARGS... -- REGEX : expect, and nothing arrived on the LAN side
expect_not_lan() {
    local before after
    before=$(far_count "$LAN_NS" all4)
    expect "$@"
    after=$(far_count "$LAN_NS" all4)
    is "$after" "$before" "$MODE: ... and nothing of it arrived on the LAN side"
}

expect_not_lan udp 192.168.77.2 53 -- 'ok|blocked:EPERM@sendto'
expect udp "$GW" 53 -- 'ok|blocked:EPERM@sendto'
expect udp-connect "$GW" 53 -- 'ok|blocked:EPERM@connect'
expect udp-sendmsg "$GW" 53 -- 'ok|blocked:EPERM@sendmsg'
expect udp-sendmmsg "$GW" 53 -- 'ok|blocked:EPERM@sendmmsg'
expect udp 192.0.2.2 8080 -- 'ok|blocked:EPERM@sendto'
expect broadcast 9999 -- 'ok|blocked:EPERM@sendto'
expect multicast 224.0.0.251 5353 -- 'ok|blocked:EPERM@sendto'
expect multicast 239.255.255.250 1900 -- 'ok|blocked:EPERM@sendto'
# DNS: the clearnet resolver answers; the gateway and the LAN's do not
expect dns 203.0.113.53 www.example.test -- 'ok rcode=NOERROR'
like "$(topo_log inet-dns)" 'client=192\.0\.2\.2 qname=www\.example\.test' "clearnet: the internet resolver saw the query from the uplink's address"
expect dns "$GW" www.example.test -- 'blocked:(TIMEOUT@recv|EPERM@sendto)'
expect_not_lan dns 192.168.77.2 www.example.test -- 'blocked:(TIMEOUT@recv|EPERM@sendto)'
# TCP: the internet directly; not the host, not the LAN
expect tcp 203.0.113.10 80 -- 'ok HTTP/1\.0 200 OK'
like "$(topo_log web)" 'client=192\.0\.2\.2' "clearnet: the web server saw the host's uplink address"
expect tcp "$GW" 9051 -- 'blocked:[A-Z]+@connect'
expect tcp "$GW" 9040 -- 'blocked:[A-Z]+@connect'
expect tcp 192.0.2.2 8080 -- 'blocked:[A-Z]+@connect'
expect_not_lan tcp 192.168.77.2 80 -- 'blocked:[A-Z]+@connect'
common_attempts

is "$(far_count "$INET_NS" ip6)" 0 "clearnet: INET side: no IPv6 packet arrived"
for c in all4 ip6; do
    is "$(far_count "$LAN_NS" $c)" 0 "clearnet: LAN side: no $c packet arrived"
done
is "$(log_lines lan-dns)$(log_lines lan-web)" 00 "clearnet: the LAN's resolver and web server saw nothing"
is "$(log_lines transport) $(log_lines socks) $(log_lines dnsport)" "$n_transport $n_socks $n_dnsport" \
    "clearnet: nothing went to Tor"
is "$(log_lines controlport)$(log_lines cups)$(log_lines hostsvc)" 000 "clearnet: no host service saw anything"
is "$(host_count from_sandbox)" 0 "clearnet: the host accepted nothing at all from the sandbox"
[ "$(host_count udp_from_sandbox_not_dns)" -gt 0 ]
ok $? "control: clearnet's datagrams to the internet were counted leaving the sandbox (udp_from_sandbox_not_dns)"
is "$(log_lines abstract)" "$abstract_before" "clearnet: the host's abstract socket saw no connection"

# ========================================================== offline mode
# No link, no default route: GW stands for the gateway a linked sandbox would
# have, the first address of the pool, which an offline sandbox cannot reach.
MODE=offline
GW=10.118.0.1
LL_IF=lo
far_reset
in_host nft reset counters table inet leakhost >/dev/null
n_transport=$(log_lines transport)
n_socks=$(log_lines socks)
n_dnsport=$(log_lines dnsport)
n_servers="$(log_lines web) $(log_lines lan-web) $(log_lines inet-dns) $(log_lines lan-dns)"

# UDP and DNS: nowhere to send but the sandbox's own loopback
expect udp 203.0.113.10 9999 -- 'blocked:ENETUNREACH@sendto'
expect udp-connect 203.0.113.10 9999 -- 'blocked:ENETUNREACH@connect'
expect udp-sendmsg 203.0.113.10 9999 -- 'blocked:ENETUNREACH@sendmsg'
expect udp-sendmmsg 203.0.113.10 9999 -- 'blocked:ENETUNREACH@sendmmsg'
expect udp 203.0.113.53 53 -- 'blocked:ENETUNREACH@sendto'
expect udp 192.168.77.2 53 -- 'blocked:ENETUNREACH@sendto'
expect udp "$GW" 53 -- 'blocked:ENETUNREACH@sendto'
expect udp-connect "$GW" 53 -- 'blocked:ENETUNREACH@connect'
expect udp 192.0.2.2 8080 -- 'blocked:ENETUNREACH@sendto'
expect broadcast 9999 -- 'blocked:ENETUNREACH@sendto'
expect multicast 224.0.0.251 5353 -- 'blocked:ENETUNREACH@sendto'
expect multicast 239.255.255.250 1900 -- 'blocked:ENETUNREACH@sendto'
expect dns "$GW" www.example.test -- 'blocked:ENETUNREACH@sendto'
expect dns 203.0.113.53 www.example.test -- 'blocked:ENETUNREACH@sendto'
expect dns 192.168.77.2 www.example.test -- 'blocked:ENETUNREACH@sendto'
# loopback-local: the sandbox's own loopback works (and is not the host's)
expect udp 127.0.0.1 5353 -- 'ok'
expect udp-connect 127.0.0.1 5353 -- 'ok'
expect dns 127.0.0.1 www.example.test -- 'blocked:(TIMEOUT@recv|ECONNREFUSED@recv)'
# TCP: no route anywhere
expect tcp 203.0.113.10 80 -- 'blocked:ENETUNREACH@connect'
expect tcp 192.168.77.2 80 -- 'blocked:ENETUNREACH@connect'
expect tcp "$GW" 9051 -- 'blocked:ENETUNREACH@connect'
expect tcp "$GW" 9040 -- 'blocked:ENETUNREACH@connect'
expect tcp 192.0.2.2 8080 -- 'blocked:ENETUNREACH@connect'
expect tcp 127.0.0.1 9040 -- 'blocked:ECONNREFUSED@connect'
common_attempts

for ns in INET LAN; do
    nsname=${ns}_NS
    is "$(far_count "${!nsname}" all4)" 0 "offline: $ns side: no IPv4 packet arrived"
    is "$(far_count "${!nsname}" ip6)" 0 "offline: $ns side: no IPv6 packet arrived"
done
is "$(log_lines web) $(log_lines lan-web) $(log_lines inet-dns) $(log_lines lan-dns)" "$n_servers" \
    "offline: no internet or LAN server saw anything"
is "$(log_lines transport) $(log_lines socks) $(log_lines dnsport)" "$n_transport $n_socks $n_dnsport" \
    "offline: nothing went to Tor"
is "$(log_lines controlport)$(log_lines cups)$(log_lines hostsvc)" 000 "offline: no host service saw anything"
is "$(host_count from_sandbox)" 0 "offline: the host received nothing at all from the sandbox"
is "$(log_lines abstract)" "$abstract_before" "offline: the host's abstract socket saw no connection"
is "$(host_sandbox_links)" "" "offline: no sandbox link was ever left on the host"

note "results (mode, attempt, what leak printed, torgate's exit status):"
note "${SUMMARY%$'\n'}"
done_testing
