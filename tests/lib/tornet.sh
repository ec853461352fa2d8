# tests/lib/tornet.sh -- a private Tor network inside the test topology, and
# a real tor as the host's Tor. Source it after topology.sh (as root; needs
# Debian's tor, with tor-gencert, and curl).
#
#   INET_NS (the internet) also carries the Tor network, on loopback
#   addresses of its own: three directory authorities (198.51.100.1-3), two
#   relays (.4, .5) and an exit (.6), plus an onion service whose port 80 is
#   the internet's web server (203.0.113.10). The exit resolves names with the
#   internet's DNS server (203.0.113.53) and connects out from 198.51.100.6,
#   so a server in the internet sees EXIT_ADDR for traffic through Tor and
#   the host's uplink address (192.0.2.2) for traffic that is not.
#   HOST_NS runs the host's tor: a client whose torrc includes torgate's
#   shipped snippet (etc/torrc.d/torgate.conf: TransPort 9040, DNSPort 5353,
#   SocksPort 9050; TORNET_SNIPPET names another copy, as an installed
#   package's) and adds a ControlPort (9051) with a cookie.
#
# TestingTorNetwork with voting every 10 s (5 s for the first consensus):
# the network is ready in 10-20 s, the host's tor bootstraps in ~3 s more.
#
# tornet_up          topo_up (with TOPO_TOR=real), then the network: keys,
#                    torrcs, the daemons; waits for a consensus listing every
#                    relay and the exit; starts the host's tor and waits
#                    until it has bootstrapped. With TORNET_HARDENING=FILE,
#                    that ruleset is loaded into HOST_NS before the host's
#                    tor starts. Progress lines go to stderr. Every
#                    daemon is killed by topo_down.
# tornet_wait_onion  wait until the onion service has published its
#                    descriptor and answers the host's tor (by SOCKS): call
#                    it before the first request for it
# tornet_onion_fetch CMD...  CMD (a sandboxed fetch of http://$ONION/ with a
#                    --max-time of its own) until its output starts with
#                    "INTERNET client=", at most 3 times; prints the last
#                    output. Each sandbox is a client address of its own, so
#                    a fresh introduction and rendezvous: in a network of six
#                    relays one of those sometimes stalls past any timeout,
#                    as on the real network, where a user reloads.
# tornet_relay_quickack on|off  the relays ACK at once (on), or as Linux
#                    does by default (off: delayed ACKs, 40 ms at least);
#                    see the function
# tornet_stop_host_tor   stop the host's tor (and wait until it is gone)
# tornet_start_host_tor  start it again, and wait until it has bootstrapped
# torctl ARGS...     tests/lib/torctl.py against the host's ControlPort, as
#                    the tor user
#
# Exported: TORNET_DIR, EXIT_ADDR, ONION (the onion service's name),
# TOR_COOKIE (the host tor's control cookie), TORNET_READY_S and
# TORNET_BOOTSTRAP_S (seconds the network and the host's tor took).

TORNET_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TORNET_USER=${TORNET_USER:-debian-tor}
EXIT_ADDR=198.51.100.6
export EXIT_ADDR

# name address role
_TORNET_NODES="auth0 198.51.100.1 auth
auth1 198.51.100.2 auth
auth2 198.51.100.3 auth
relay0 198.51.100.4 relay
relay1 198.51.100.5 relay
exit0 198.51.100.6 exit"

_tornet_say() { echo "tornet: $*" >&2; }
_tornet_now() { date +%s.%N; }
_tornet_since() { awk -v a="$1" -v b="$(_tornet_now)" 'BEGIN { printf "%.1f", b - a }'; }

# As the tor user, as a ControlPort filter would: the host hardening ruleset
# lets nobody else reach the ControlPort.
torctl() {
    ip netns exec "$HOST_NS" setpriv --reuid="$TORNET_USER" --regid="$TORNET_USER" --init-groups \
        /usr/bin/python3 "$TORNET_LIB_DIR/torctl.py" --cookie "$TOR_COOKIE" "$@"
}

# _tornet_tor NS DIR : start tor in the foreground as the tor user, in NS;
# topo_down kills it.
_tornet_tor() {
    ip netns exec "$1" setpriv --reuid="$TORNET_USER" --regid="$TORNET_USER" --init-groups \
        tor -f "$2/torrc" --quiet </dev/null >>"$2/stderr" 2>&1 &
    echo $! >"$2/tor.pid"
    topo_add_pid $!
}

_tornet_datadir() { # DIR
    mkdir -p "$1" && chown "$TORNET_USER:" "$1" && chmod 0700 "$1"
}

# _tornet_as_tor CMD... : CMD as the tor user, in the internet namespace
# (making keys sends nothing, but nothing of the network runs outside)
_tornet_as_tor() {
    ip netns exec "$INET_NS" setpriv --reuid="$TORNET_USER" --regid="$TORNET_USER" --init-groups "$@"
}

# _tornet_keys NAME ADDR ROLE : identity keys (and an authority's
# certificate); writes the DirAuthority line of an authority to NAME/dirauth
_tornet_keys() {
    local name=$1 addr=$2 role=$3 d=$TORNET_DIR/$1 fp v3
    _tornet_datadir "$d" && _tornet_datadir "$d/keys" || return 1
    if [ "$role" = auth ]; then
        (cd "$d/keys" && printf '' | _tornet_as_tor \
            tor-gencert --create-identity-key -m 12 -a "$addr:7000" --passphrase-fd 0 \
            -i authority_identity_key -s authority_signing_key -c authority_certificate >/dev/null) || return 1
    fi
    fp=$(_tornet_as_tor \
        tor --quiet --ignore-missing-torrc -f /dev/null --DataDirectory "$d" --ORPort 5000 --list-fingerprint \
        2>/dev/null | awk 'END { $1 = ""; gsub(/ /, ""); print }')
    [ -n "$fp" ] || return 1
    if [ "$role" = auth ]; then
        v3=$(awk '/^fingerprint/ { print $2 }' "$d/keys/authority_certificate")
        echo "DirAuthority $name orport=5000 no-v2 v3ident=$v3 $addr:7000 $fp" >"$d/dirauth"
    fi
}

# What every tor of the network shares: the authorities, and intervals short
# enough for a bootstrap in seconds (the values chutney uses).
_tornet_common() { # DATADIR
    cat <<EOF
TestingTorNetwork 1
DataDirectory $1
Log notice file $1/notice.log
SafeLogging 0
$(cat "$TORNET_DIR"/auth*/dirauth)
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
# Six relays cannot satisfy vanguards: the onion service would never build
# its introduction circuits.
VanguardsLiteEnabled 0
EOF
}

_tornet_relay_torrc() { # NAME ADDR ROLE
    local d=$TORNET_DIR/$1
    _tornet_common "$d"
    cat <<EOF
Nickname $1
Address $2
ORPort $2:5000
DirPort $2:7000
OutboundBindAddressOR $2
ContactInfo $1@tornet.test
SocksPort 0
EOF
    case $3 in
    # Stable for every relay from the start: circuits for long-lived ports
    # (22, ssh) take Stable relays only, and in a network minutes old the
    # flag would follow uptime ranks, the exit's included, at random.
    auth) printf '%s\n' "AuthoritativeDirectory 1" "V3AuthoritativeDirectory 1" "ExitPolicy reject *:*" \
        "AuthDirVoteStableGuaranteeMinUptime 0" ;;
    relay) echo "ExitPolicy reject *:*" ;;
    exit)
        cat <<EOF
ExitRelay 1
# The exit may hold an older consensus than the client for a while after the
# start, and would refuse streams whose middle relay it does not know yet
# ("open a stream from unknown relay"): the first connections would fail.
RefuseUnknownExits 0
OutboundBindAddressExit $2
ExitPolicyRejectPrivate 0
ExitPolicyRejectLocalInterfaces 0
ExitPolicy reject 198.51.100.0/24:*
ExitPolicy accept *:*
ServerDNSResolvConfFile $TORNET_DIR/exit-resolv.conf
ServerDNSDetectHijacking 0
ServerDNSTestAddresses www.example.test
ServerDNSAllowBrokenConfig 1
EOF
        ;;
    esac
}

# The consensus the first authority serves lists all six relays, one of
# them a Stable Exit. A client that starts earlier may take a partial consensus
# and sit on it for 10-15 s.
_tornet_consensus_complete() {
    local c
    c=$(ip netns exec "$INET_NS" curl -s -m 2 http://198.51.100.1:7000/tor/status-vote/current/consensus) || return 1
    [ "$(grep -c '^r ' <<<"$c")" -ge 6 ] && grep -q '^s .*Exit.* Stable' <<<"$c"
}

# The onion service has uploaded its descriptor. Before that, a client that
# asks for it fails and does not ask those directories again for minutes.
_tornet_onion_published() {
    grep -q 'upload_descriptor_to_hsdir' "$TORNET_DIR/hs0/info.log" 2>/dev/null
}

_tornet_wait() { # SECONDS WHAT CMD... : poll CMD every 0.25 s
    local secs=$1 what=$2 i
    shift 2
    for ((i = 0; i < secs * 4; i++)); do
        "$@" && return 0
        sleep 0.25
    done
    _tornet_say "timed out after $secs s waiting for $what (logs in $TORNET_DIR)"
    return 1
}

tornet_up() {
    local t0 tnet name addr role pid pids
    t0=$(_tornet_now)
    TOPO_TOR=real topo_up || return 1
    id "$TORNET_USER" >/dev/null 2>&1 || { _tornet_say "no user $TORNET_USER (install Debian's tor)"; return 1; }
    TORNET_DIR=$TOPO_DIR/tornet
    export TORNET_DIR
    mkdir -m 0755 "$TORNET_DIR" || return 1
    ip -n "$INET_NS" -batch - <<EOF || return 1
addr add 198.51.100.1/32 dev lo
addr add 198.51.100.2/32 dev lo
addr add 198.51.100.3/32 dev lo
addr add 198.51.100.4/32 dev lo
addr add 198.51.100.5/32 dev lo
addr add 198.51.100.6/32 dev lo
EOF
    echo "nameserver 203.0.113.53" >"$TORNET_DIR/exit-resolv.conf"

    _tornet_say "generating keys for 3 authorities, 2 relays and an exit"
    pids=
    while read -r name addr role; do
        _tornet_keys "$name" "$addr" "$role" &
        pids="$pids $!"
    done <<<"$_TORNET_NODES"
    for pid in $pids; do
        wait "$pid" || { _tornet_say "key generation failed"; return 1; }
    done

    while read -r name addr role; do
        _tornet_relay_torrc "$name" "$addr" "$role" >"$TORNET_DIR/$name/torrc"
    done <<<"$_TORNET_NODES"
    _tornet_datadir "$TORNET_DIR/hs0" && _tornet_datadir "$TORNET_DIR/hs0/hs" || return 1
    {
        _tornet_common "$TORNET_DIR/hs0"
        echo "Log info file $TORNET_DIR/hs0/info.log"
        echo "SocksPort 0"
        echo "HiddenServiceDir $TORNET_DIR/hs0/hs"
        echo "HiddenServicePort 80 203.0.113.10:80"
    } >"$TORNET_DIR/hs0/torrc"

    _tornet_datadir "$TORNET_DIR/host" || return 1
    cp "${TORNET_SNIPPET:-$TORNET_LIB_DIR/../../etc/torrc.d/torgate.conf}" "$TORNET_DIR/host/torgate-snippet.conf"
    {
        _tornet_common "$TORNET_DIR/host"
        echo "%include $TORNET_DIR/host/torgate-snippet.conf"
        echo "ControlPort 127.0.0.1:9051"
        echo "CookieAuthentication 1"
        echo "CookieAuthFileGroupReadable 1"
        echo "CookieAuthFile $TORNET_DIR/run/control.authcookie"
    } >"$TORNET_DIR/host/torrc"
    # like Debian's /run/tor: the tor group may read the cookie
    install -d -m 2750 -o "$TORNET_USER" -g "$TORNET_USER" "$TORNET_DIR/run" || return 1
    TOR_COOKIE=$TORNET_DIR/run/control.authcookie
    export TOR_COOKIE

    tnet=$(_tornet_now)
    _tornet_say "starting the network (keys took $(_tornet_since "$t0") s)"
    for name in auth0 auth1 auth2 relay0 relay1 exit0 hs0; do
        _tornet_tor "$INET_NS" "$TORNET_DIR/$name"
    done
    _tornet_wait 90 "a complete consensus" _tornet_consensus_complete || return 1
    _tornet_say "consensus lists every relay and the exit after $(_tornet_since "$tnet") s"
    TORNET_READY_S=$(_tornet_since "$tnet")
    _tornet_wait 30 "the onion service's keys" test -s "$TORNET_DIR/hs0/hs/hostname" || return 1
    ONION=$(cat "$TORNET_DIR/hs0/hs/hostname") || return 1
    export ONION TORNET_READY_S
    _tornet_say "network ready after $TORNET_READY_S s; onion service $ONION"

    if [ -n "${TORNET_HARDENING:-}" ]; then
        # as at boot: the host's rules are in place before tor starts
        ip netns exec "$HOST_NS" nft -f "$TORNET_HARDENING" || { _tornet_say "cannot load $TORNET_HARDENING"; return 1; }
        _tornet_say "host hardening ruleset loaded: $TORNET_HARDENING"
    fi
    tornet_start_host_tor
}

# Before the first request for the onion service: a client that asks before
# its descriptor is uploaded does not ask those directories again for
# minutes. The upload comes 4-16 s after the consensus is complete. The
# first upload may go to the directories an older consensus named, which the
# host's tor does not ask: then NEWNYM purges its onion service state (at
# most once every 10 s), and the service has uploaded again by the next try.
tornet_wait_onion() {
    local i
    _tornet_wait 90 "the onion service's descriptor" _tornet_onion_published || return 1
    for ((i = 0; i < 9; i++)); do
        if ip netns exec "$HOST_NS" curl -s -o /dev/null -m 15 --socks5-hostname 127.0.0.1:9050 "http://$ONION/"; then
            _tornet_say "the onion service answers the host's tor"
            return 0
        fi
        _tornet_say "the onion service does not answer yet: NEWNYM, and again in 10 s"
        torctl signal NEWNYM || return 1
        sleep 10
    done
    _tornet_say "the onion service does not answer (logs in $TORNET_DIR)"
    return 1
}

tornet_onion_fetch() {
    local i out
    for ((i = 1; i <= 3; i++)); do
        out=$("$@" 2>&1)
        if [[ $out == "INTERNET client="* ]]; then
            printf '%s\n' "$out"
            return 0
        fi
        _tornet_say "fetch $i of the onion service failed (${out:0:200}); the host tor's last notices:"
        tail -n 5 "$TORNET_DIR/host/notice.log" >&2
    done
    printf '%s\n' "$out"
    return 1
}

# tor sets no TCP_NODELAY on its OR connections: a cell written while the
# connection's last segment is unacknowledged waits for that ACK (Nagle). On
# this network's idle, zero-latency channels the receiving relay delays that
# ACK by Linux's minimum, 40 ms: when an exit sends CONNECTED and, a
# millisecond later, the answer to data that came with the BEGIN (optimistic
# data, which every TransPort stream carries), the answer waits ~40 ms at the
# exit (tests/bench/tor_latency.sh measures it both ways). Relays far apart
# and carrying other circuits may wait less (not measured). `on` sets the route
# metric quickack on the relays' own addresses in INET_NS; the host's
# namespace (the machine torgate runs on) is left as it is.
tornet_relay_quickack() { # on|off
    local v=0 name addr role
    [ "$1" != on ] || v=1
    while read -r name addr role; do
        echo "route change local $addr dev lo table local proto kernel scope host src $addr quickack $v"
    done <<<"$_TORNET_NODES" | ip -n "$INET_NS" -batch -
}

tornet_start_host_tor() {
    local t
    t=$(_tornet_now)
    rm -f "$TOR_COOKIE"
    _tornet_tor "$HOST_NS" "$TORNET_DIR/host"
    torctl bootstrap --timeout 90 || { _tornet_say "the host's tor did not bootstrap (see $TORNET_DIR/host)"; return 1; }
    TORNET_BOOTSTRAP_S=$(_tornet_since "$t")
    export TORNET_BOOTSTRAP_S
    _tornet_say "the host's tor bootstrapped in $TORNET_BOOTSTRAP_S s"
}

tornet_stop_host_tor() {
    local pid i
    pid=$(cat "$TORNET_DIR/host/tor.pid") || return 1
    kill "$pid" 2>/dev/null
    # tor waits ShutdownWaitLength (30 s) for a relay only; a client exits
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
