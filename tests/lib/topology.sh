# tests/lib/topology.sh -- throw-away network topology for torgate tests.
# Source it from a bash test (run as root); works under `set -eu`.
#
#            LAN_NS                      HOST_NS                     INET_NS
#   eth0 192.168.77.2/24  <->  lan0 192.168.77.1/24
#        2001:db8:2::2/64           2001:db8:2::1/64
#                                  up0 192.0.2.2/24     <->  eth0 192.0.2.1/24
#                                      2001:db8:1::2/64           2001:db8:1::1/64
#   default via .77.1 / 2::1       default via 192.0.2.1     lo: 203.0.113.10/32
#                                          / 2001:db8:1::1       203.0.113.53/32
#                                                                2001:db8:ff::10/128
#   INET_NS has connected routes only: it can answer 192.0.2.0/24 and
#   2001:db8:1::/64 (the host's uplink), nothing else (no route to the LAN).
#
# topo_up            build everything, start the servers, wait until they
#                    listen. Registers topo_down on EXIT, and on INT/TERM
#                    (topo_down, then exit 130/143). A test that later sets
#                    its own EXIT/INT/TERM trap replaces these and must call
#                    topo_down itself.
#   env TOPO_HOST_FORWARDING=1  HOST_NS forwards (ip_forward, v6 forwarding);
#                    default: forwarding off in HOST_NS.
#   env TOPO_KEEP=1  topo_down keeps $TOPO_DIR (the logs).
#   env TOPO_KEEP_ON_FAIL=DIR  when a test failed (TAP_FAILED), topo_down
#                    copies the logs of $TOPO_DIR (*.log, */*.log) to
#                    DIR/<test name> first: CI's clean clone keeps them.
#   env TOPO_TOR=real  no stand-in TransPort, DNSPort, SocksPort or
#                    ControlPort in HOST_NS: a real tor is to listen there
#                    (tests/lib/tornet.sh).
# topo_down          kill the servers, delete the namespaces, remove
#                    TOPO_DIR. Idempotent, never fails.
# in_host / in_inet / in_lan cmd...   run cmd in that namespace
# far_count NS COUNTER   packet count of a counter of `table inet tgcount`
#                        in NS ("$INET_NS" or "$LAN_NS")
# far_reset          zero the counters in INET_NS and LAN_NS
# topo_log NAME      print $TOPO_DIR/NAME.log
# (wait_for, to retry a command for a while, is in tap.sh)
#
# Exported: HOST_NS INET_NS LAN_NS TOPO_DIR, plus TOPO_STANDINS (servers.py).
#
# Far-side counters (INET_NS and LAN_NS, prerouting, priority -500), counting
# packets that arrive over eth0 -- loopback traffic inside the namespace
# itself (e.g. `in_inet curl 203.0.113.10`) is NOT counted:
#   all4 udp4 tcp4 icmp4      IPv4 packets (all / per protocol)
#   ip6 (alias all6)          IPv6 packets, except the ND/RS/RA/MLD chatter
#                             the namespaces' own stacks emit
#   fromlan4                  (INET_NS only) IPv4 with saddr 192.168.77.0/24
#
# topo_torgate_conf [GROUP]  write $TOPO_DIR/torgate.conf for the topology
#                    (clearnet for GROUP, if given) and print
#                    its path: the clearnet resolver is the internet's DNS
#                    server; with a real tor (tests/lib/tornet.sh), its
#                    control cookie is named too
# topo_add_pid PID   a process topo_down is to kill (a server started by a
#                    library built on this one)
# topo_add_user NAME an account topo_down is to remove (and its processes)
# topo_add_dir DIR   a directory topo_down is to remove (one the test made
#                    outside $TOPO_DIR)
# topo_visible VAR...  copies the files the variables name into $TOPO_DIR/bin
#                    and points the variables there: a program a sandbox runs
#                    must not be under /tmp, which is each sandbox's own (and
#                    a checkout may be there)
#
# Servers (logs in $TOPO_DIR, one line per event, created empty by topo_up):
#   INET_NS  web 203.0.113.10:80, [2001:db8:ff::10]:80  web.log  "client=IP"
#                and web-paths.log "client=IP path=PATH"
#                body "INTERNET client=IP"
#            dns udp 203.0.113.53:53       inet-dns.log  "client=IP qname=N"
#                www.example.test A 203.0.113.10, git.example.test
#                203.0.113.11, ssh.example.test 203.0.113.22, else NXDOMAIN
#   LAN_NS   dns udp 192.168.77.2:53       lan-dns.log   (same fixture)
#            web 192.168.77.2:80           lan-web.log   body "LAN client=IP"
#   HOST_NS  TransPort  127.0.0.1:9040     transport.log "peer=IP:PORT orig=IP:PORT"
#            DNSPort    127.0.0.1:5353/udp dnsport.log   "peer=IP qname=N"
#                (www.example.test 203.0.113.10, *.onion 10.192.0.77)
#            SocksPort  127.0.0.1:9050     socks.log     "peer=IP target=H:P"
#            ControlPort 127.0.0.1:9051    controlport.log "peer=IP"
#            CUPS       127.0.0.1:631      cups.log      "peer=IP"
#            hostsvc    192.0.2.2:8080     hostsvc.log   "peer=IP"  ("HOSTSVC")

TOPO_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOPO_STANDINS=$(cd "$TOPO_LIB_DIR/../standins" && pwd)/servers.py
export TOPO_STANDINS

HOST_NS=${HOST_NS:-}
INET_NS=${INET_NS:-}
LAN_NS=${LAN_NS:-}
TOPO_DIR=${TOPO_DIR:-}
_TOPO_COUNTER=${_TOPO_COUNTER:-0}
_TOPO_ALL_NS=${_TOPO_ALL_NS:-}
_TOPO_ALL_PIDS=${_TOPO_ALL_PIDS:-}
_TOPO_ALL_DIRS=${_TOPO_ALL_DIRS:-}
_TOPO_ALL_USERS=${_TOPO_ALL_USERS:-}

in_host() { ip netns exec "$HOST_NS" "$@"; }
in_inet() { ip netns exec "$INET_NS" "$@"; }
in_lan()  { ip netns exec "$LAN_NS" "$@"; }

topo_log() { cat "$TOPO_DIR/$1.log"; }

_topo_die() {
    echo "topology: $*" >&2
    return 1
}

# _topo_run cmd... : run, complain loudly on failure
_topo_run() {
    "$@" || _topo_die "command failed ($?): $*"
}

_topo_counters() { # NS WITH_FROMLAN
    local extra_decl="" extra_rule=""
    if [ "$2" = 1 ]; then
        extra_decl="counter fromlan4 { }"
        extra_rule="meta nfproto ipv4 ip saddr 192.168.77.0/24 counter name fromlan4"
    fi
    ip netns exec "$1" nft -f - <<EOF
table inet tgcount {
    counter all4 { }
    counter udp4 { }
    counter tcp4 { }
    counter icmp4 { }
    counter all6 { }
    $extra_decl
    chain pre {
        type filter hook prerouting priority -500; policy accept;
        iif lo return
        meta nfproto ipv4 counter name all4
        meta nfproto ipv4 meta l4proto udp counter name udp4
        meta nfproto ipv4 meta l4proto tcp counter name tcp4
        meta nfproto ipv4 meta l4proto icmp counter name icmp4
        $extra_rule
        meta nfproto ipv6 icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report, mld-listener-query } return
        meta nfproto ipv6 counter name all6
    }
}
EOF
}

far_count() { # NS COUNTER
    local out name=$2
    # "ip6" is an nft keyword and nft 1.0.6 rejects it (even quoted) as an
    # object name: the counter is really called all6.
    [ "$name" != ip6 ] || name=all6
    out=$(ip netns exec "$1" nft list counter inet tgcount "$name") || return 1
    out=$(printf '%s\n' "$out" | sed -n 's/.*packets \([0-9][0-9]*\).*/\1/p' | head -n1)
    [ -n "$out" ] || return 1
    echo "$out"
}

far_reset() {
    local ns
    for ns in "$INET_NS" "$LAN_NS"; do
        [ -n "$ns" ] || continue
        ip netns exec "$ns" nft reset counters table inet tgcount >/dev/null
    done
}

# _topo_start NS NAME SERVERS.PY-ARGS...   (log file: $TOPO_DIR/NAME.log)
_topo_start() {
    local ns=$1 name=$2
    shift 2
    : >"$TOPO_DIR/$name.log"
    ip netns exec "$ns" python3 "$TOPO_STANDINS" "$@" --log "$TOPO_DIR/$name.log" \
        </dev/null >>"$TOPO_DIR/servers.stderr" 2>&1 &
    _TOPO_ALL_PIDS="$_TOPO_ALL_PIDS $!"
    _TOPO_PIDS="$_TOPO_PIDS $!"
}

# _topo_listening NS PROTO(t|u) ADDR PORT : is a socket bound there?
_topo_listening() {
    local ns=$1 proto=$2 addr=$3 port=$4 out
    if [ "$proto" = t ]; then
        out=$(ip netns exec "$ns" ss -Hnlt "src $addr and sport = :$port") || return 1
    else
        out=$(ip netns exec "$ns" ss -Hnlu "src $addr and sport = :$port") || return 1
    fi
    [ -n "$out" ]
}

_topo_wait_listening() { # NS PROTO ADDR PORT
    local i pid
    for ((i = 0; i < 100; i++)); do
        _topo_listening "$@" && return 0
        # a server that died (bind error...) won't come back
        for pid in $_TOPO_PIDS; do
            kill -0 "$pid" 2>/dev/null || {
                cat "$TOPO_DIR/servers.stderr" >&2 || true
                _topo_die "server pid $pid exited early (waiting for $*)"
                return 1
            }
        done
        sleep 0.05
    done
    cat "$TOPO_DIR/servers.stderr" >&2 || true
    _topo_die "timed out waiting for a listener on $* (ns $1)"
}

topo_up() {
    local id
    _TOPO_COUNTER=$((_TOPO_COUNTER + 1))
    id="${BASHPID:-$$}x$_TOPO_COUNTER"
    HOST_NS="tgh$id" INET_NS="tgi$id" LAN_NS="tgl$id"
    export HOST_NS INET_NS LAN_NS

    trap topo_down EXIT
    trap 'topo_down; exit 130' INT
    trap 'topo_down; exit 143' TERM

    # In /var/tmp (or TMPDIR), which sandboxes share with the host like the
    # user's files: /tmp is each sandbox's own.
    local base=${TMPDIR:-/var/tmp}
    case $base in /tmp | /tmp/*) base=/var/tmp ;; esac
    TOPO_DIR=$(mktemp -d "$base/torgate-topo.XXXXXX") || return 1
    chmod 755 "$TOPO_DIR"
    export TOPO_DIR
    _TOPO_ALL_DIRS="$_TOPO_ALL_DIRS $TOPO_DIR"
    _TOPO_PIDS=

    local ns
    for ns in "$HOST_NS" "$INET_NS" "$LAN_NS"; do
        _topo_run ip netns add "$ns" || return 1
        _TOPO_ALL_NS="$_TOPO_ALL_NS $ns"
        _topo_run ip -n "$ns" link set lo up || return 1
    done

    # forwarding: explicit in HOST_NS (IPv4 devconf may be inherited from
    # the init namespace); INET_NS and LAN_NS never forward.
    local fwd=0
    [ "${TOPO_HOST_FORWARDING:-0}" != 1 ] || fwd=1
    _topo_run ip netns exec "$HOST_NS" sysctl -qw \
        net.ipv4.ip_forward=$fwd net.ipv6.conf.all.forwarding=$fwd || return 1
    for ns in "$INET_NS" "$LAN_NS"; do
        # rp_filter off: INET_NS must see (and count) packets it can't
        # route back, whatever the init namespace's setting is
        _topo_run ip netns exec "$ns" sysctl -qw \
            net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 \
            net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 || return 1
    done

    # links are created directly inside the namespaces: nothing ever
    # appears in the caller's namespace.
    _topo_run ip -n "$HOST_NS" link add up0 type veth peer name eth0 netns "$INET_NS" || return 1
    _topo_run ip -n "$HOST_NS" link add lan0 type veth peer name eth0 netns "$LAN_NS" || return 1

    _topo_run ip -n "$HOST_NS" -batch - <<EOF || return 1
addr add 192.0.2.2/24 dev up0
addr add 2001:db8:1::2/64 dev up0 nodad
addr add 192.168.77.1/24 dev lan0
addr add 2001:db8:2::1/64 dev lan0 nodad
link set up0 up
link set lan0 up
route add default via 192.0.2.1 dev up0
route add default via 2001:db8:1::1 dev up0
EOF
    _topo_run ip -n "$INET_NS" -batch - <<EOF || return 1
addr add 192.0.2.1/24 dev eth0
addr add 2001:db8:1::1/64 dev eth0 nodad
addr add 203.0.113.10/32 dev lo
addr add 203.0.113.53/32 dev lo
addr add 2001:db8:ff::10/128 dev lo nodad
link set eth0 up
EOF
    _topo_run ip -n "$LAN_NS" -batch - <<EOF || return 1
addr add 192.168.77.2/24 dev eth0
addr add 2001:db8:2::2/64 dev eth0 nodad
link set eth0 up
route add default via 192.168.77.1 dev eth0
route add default via 2001:db8:2::1 dev eth0
EOF

    _topo_run _topo_counters "$INET_NS" 1 || return 1
    _topo_run _topo_counters "$LAN_NS" 0 || return 1

    : >"$TOPO_DIR/servers.stderr"
    _topo_start "$INET_NS" web web --label INTERNET --path-log "$TOPO_DIR/web-paths.log" \
        --listen 203.0.113.10:80 --listen '[2001:db8:ff::10]:80'
    _topo_start "$INET_NS" inet-dns dns --fixture inet --log-key client \
        --listen 203.0.113.53:53
    _topo_start "$LAN_NS" lan-dns dns --fixture inet --log-key client \
        --listen 192.168.77.2:53
    _topo_start "$LAN_NS" lan-web web --label LAN --listen 192.168.77.2:80
    if [ "${TOPO_TOR:-standin}" != real ]; then
        _topo_start "$HOST_NS" transport transport --listen 127.0.0.1:9040
        _topo_start "$HOST_NS" dnsport dns --fixture tor --listen 127.0.0.1:5353
        _topo_start "$HOST_NS" socks socks --listen 127.0.0.1:9050
        _topo_start "$HOST_NS" controlport banner --listen 127.0.0.1:9051
    fi
    _topo_start "$HOST_NS" cups banner --listen 127.0.0.1:631
    _topo_start "$HOST_NS" hostsvc banner --reply 'HOSTSVC\n' --listen 192.0.2.2:8080

    _topo_wait_listening "$INET_NS" t 203.0.113.10 80 || return 1
    _topo_wait_listening "$INET_NS" t '[2001:db8:ff::10]' 80 || return 1
    _topo_wait_listening "$INET_NS" u 203.0.113.53 53 || return 1
    _topo_wait_listening "$LAN_NS" u 192.168.77.2 53 || return 1
    _topo_wait_listening "$LAN_NS" t 192.168.77.2 80 || return 1
    if [ "${TOPO_TOR:-standin}" != real ]; then
        _topo_wait_listening "$HOST_NS" t 127.0.0.1 9040 || return 1
        _topo_wait_listening "$HOST_NS" u 127.0.0.1 5353 || return 1
        _topo_wait_listening "$HOST_NS" t 127.0.0.1 9050 || return 1
        _topo_wait_listening "$HOST_NS" t 127.0.0.1 9051 || return 1
    fi
    _topo_wait_listening "$HOST_NS" t 127.0.0.1 631 || return 1
    _topo_wait_listening "$HOST_NS" t 192.0.2.2 8080 || return 1

    # let the IPv6 stacks finish their link-up chatter, then start the
    # far-side counters from zero
    far_reset
    return 0
}

topo_torgate_conf() { # [CLEARNET_GROUP]
    printf 'nameserver 203.0.113.53\n' >"$TOPO_DIR/clearnet-resolv.conf"
    {
        printf '[clearnet]\nresolv-conf = %s\n' "$TOPO_DIR/clearnet-resolv.conf"
        [ -z "${1:-}" ] || printf 'group = %s\n' "$1"
        [ -z "${TOR_COOKIE:-}" ] || printf '[tor]\ncontrol-cookie = %s\n' "$TOR_COOKIE"
    } >"$TOPO_DIR/torgate.conf"
    echo "$TOPO_DIR/torgate.conf"
}

topo_add_pid() {
    _TOPO_ALL_PIDS="$_TOPO_ALL_PIDS $1"
}

topo_visible() {
    local v bin=$TOPO_DIR/bin
    mkdir -p "$bin" && chmod 755 "$bin" || return 1
    for v in "$@"; do
        [ -n "${!v:-}" ] || continue
        cp -p "${!v}" "$bin/" || return 1
        printf -v "$v" '%s' "$bin/$(basename "${!v}")"
    done
}

topo_add_dir() {
    _TOPO_ALL_DIRS="$_TOPO_ALL_DIRS $1"
}

topo_add_user() {
    _TOPO_ALL_USERS="$_TOPO_ALL_USERS $1"
}

_topo_keep_logs_on_fail() {
    local keep=${TOPO_KEEP_ON_FAIL:-} dir f
    [ -n "$keep" ] && [ "${TAP_FAILED:-0}" -gt 0 ] || return 0
    keep=$keep/$(basename "$0" .t)
    for dir in $_TOPO_ALL_DIRS; do
        (cd "$dir" 2>/dev/null && find . -maxdepth 3 -name '*.log' -type f) | while read -r f; do
            mkdir -p "$keep/$(dirname "$f")" && cp -- "$dir/$f" "$keep/$f"
        done
    done
    echo "# topology: the logs of the failed test are in $keep" >&2
}

topo_down() {
    local pid ns dir i alive u
    for pid in $_TOPO_ALL_PIDS; do
        kill "$pid" 2>/dev/null || true
    done
    for ((i = 0; i < 40; i++)); do
        alive=
        for pid in $_TOPO_ALL_PIDS; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [ -n "$alive" ] || break
        sleep 0.05
    done
    for pid in $_TOPO_ALL_PIDS; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    _TOPO_ALL_PIDS=
    # whatever else still runs in our namespaces (a daemon's children, a
    # server a failed test left behind) dies with them
    for ns in $_TOPO_ALL_NS; do
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null || true
        done
    done
    for ns in $_TOPO_ALL_NS; do
        ip netns del "$ns" 2>/dev/null || true
    done
    _TOPO_ALL_NS=
    for u in $_TOPO_ALL_USERS; do
        pkill -KILL -u "$u" 2>/dev/null || true
        userdel "$u" 2>/dev/null || true
    done
    _TOPO_ALL_USERS=
    _topo_keep_logs_on_fail
    if [ "${TOPO_KEEP:-0}" != 1 ]; then
        for dir in $_TOPO_ALL_DIRS; do
            rm -rf -- "$dir" 2>/dev/null || true
        done
    elif [ -n "$_TOPO_ALL_DIRS" ]; then
        echo "# topology: kept$_TOPO_ALL_DIRS" >&2
    fi
    _TOPO_ALL_DIRS=
    return 0
}
