# tests/lib/i2pnet.sh -- a private I2P network inside the test topology, an
# eepsite in it, and the host's I2P router (tests/lib/i2pd.sh) joined to it.
# Source it after topology.sh and i2pd.sh (as root; needs Debian's i2pd, run
# as its user i2pd, and python3).
#
#   INET_NS (the internet) carries the network: five i2pd routers on loopback
#   addresses of their own (198.18.0.1-5, their NTCP2 on port 12000, their
#   web consoles on ADDRESS:7070), three of them floodfills, with a network
#   ID of their own (I2PNET_NETID, 42) so that they would take no router of
#   the real network and no real router would take them. One of them, site,
#   also carries the eepsite: an HTTP server tunnel (type = http) whose
#   destination leads to the stand-in web server 127.0.0.1:8080 of the
#   internet (its log: eepsite.log "client=IP", eepsite-paths.log "client=IP
#   path=PATH"), which answers "EEPSITE token=TOKEN client=IP".
#   HOST_NS runs the host's router (i2pd_start, as in policy.t) with
#   I2PD_NETID, I2PD_ADDRESS4 (198.18.1.2, on up0, routed back to the host by
#   the internet) and I2PD_RESEED_ZIP set: it publishes NTCP2 there and
#   reseeds from the network's zip.
#
# Why 198.18.0.0/15 (RFC 2544's benchmarking range, never routed on the
# internet) and not the topology's 203.0.113.0/24 and 192.0.2.0/24: i2pd
# 2.45.1 refuses incoming NTCP2 (and SSU2) connections from every address of
# its reserved list whatever `reservedrange` says (NTCP2Server::HandleAccept:
# "NTCP2: Incoming connection from invalid IP"); reservedrange = false only
# lets it connect out to such addresses. 198.18.0.0/15 is in the list too, but
# mistyped ("198.18.0.0" to "192.19.255.255", an empty range, still so in
# i2pd's master), so i2pd takes it. Every router still says reservedrange =
# false, for a later i2pd that honours it both ways. SSU2 is off everywhere
# (NTCP2 only: no peer tests, no introducers).
#
# Reseeding: each network router is started once alone (no peer, a reseed
# zip that does not exist yet) to make its keys and router.info, and the
# eepsite's keys; then their router.info files go into a zip
# ($I2PNET_DIR/reseed.zip, made with python3's zipfile) that every router,
# the host's included, reseeds from (reseed.zipfile, verify = false). i2pd
# reseeds only when it starts, and only from that file: no reseed URL is ever
# asked, no address outside the test's namespaces is ever used.
#
# i2pnet_up          the network: addresses and routes, keys, the zip, the
#                    five routers (the eepsite's server tunnel not yet
#                    configured: i2pnet_publish_eepsite adds it), the eepsite's
#                    web server. Needs topo_up first. Every process is killed
#                    by topo_down.
# i2pnet_host_router the host's router joined to the network (i2pd_start in
#                    HOST_NS as I2PNET_USER), sets I2PD_DIR and I2PD_PID
# i2pnet_wait_host_tunnels SECONDS  wait until each local destination of the
#                    host's router (the HTTP proxy's, the HTTPS proxy's, the
#                    shared one SAM looks names up with) has an inbound and
#                    an outbound tunnel (its web console)
# i2pnet_publish_eepsite SECONDS  give the site router the eepsite's server
#                    tunnel (tunnels.conf, SIGHUP) and wait until a floodfill
#                    has confirmed the eepsite's LeaseSet (site's log)
# i2pnet_console NAME QUERY  a router's web console page (NAME: ff0 ff1 ff2
#                    r0 site, or host)
# i2pnet_names random  "NAME.b32.i2p IDENT" of a destination nobody has
#
# Exported: I2PNET_DIR, EEPSITE_B32 (the eepsite's NAME.b32.i2p),
# EEPSITE_IDENT (its hash in I2P's base 64, as i2pd's log writes it),
# EEPSITE_TOKEN (in its page), I2PNET_HOST_ADDR.
# Progress lines go to stderr, with the seconds each step took.
#
# What else mattered (i2pd 2.45.1, on the 2-core machine):
# - the host's router is ready when each of its local destinations has
#   tunnels both ways, not only the HTTP proxy's: SAM's NAMING LOOKUP asks
#   with the shared destination, which answered INVALID_KEY at once while it
#   had none;
# - the first DatabaseStore of the eepsite's LeaseSet is often lost in a
#   network seconds old (no floodfill logs it), and i2pd publishes again only
#   20 s later (PUBLISH_MIN_INTERVAL): the LeaseSet is confirmed 2-90 s after
#   the SIGHUP (the test waits up to 240 s, as for the host's tunnels);
# - a name nobody has, for a control, must not be the address book's
#   subscription (tests/lib/i2pd.sh's I2PD_NO_SUCH_SITE): the HTTP proxy then
#   waits on the address book's pending lookup instead of asking;
# - the network starts in about 10 s (keys 3-5 s), the host's destinations
#   have their tunnels 10-30 s later.

I2PNET_NETID=${I2PNET_NETID:-42}
I2PNET_USER=${I2PNET_USER:-i2pd}
I2PNET_HOST_ADDR=198.18.1.2
I2PNET_EEPSITE_LISTEN=127.0.0.1:8080
export I2PNET_HOST_ADDR

# name address floodfill
_I2PNET_ROUTERS="ff0 198.18.0.1 true
ff1 198.18.0.2 true
ff2 198.18.0.3 true
r0 198.18.0.4 false
site 198.18.0.5 false"

_i2pnet_say() { echo "i2pnet: $*" >&2; }

_i2pnet_addr() { # NAME
    local name addr ff
    while read -r name addr ff; do
        [ "$name" != "$1" ] || { echo "$addr"; return 0; }
    done <<<"$_I2PNET_ROUTERS"
    return 1
}

# _i2pnet_conf NAME ADDR FLOODFILL : the router's i2pd.conf
_i2pnet_conf() {
    local d=$I2PNET_DIR/$1
    cat >"$d/i2pd.conf" <<CONF
log = file
logfile = $d/i2pd.log
loglevel = debug
daemon = false
netid = $I2PNET_NETID
ipv4 = true
ipv6 = false
nat = false
address4 = $2
port = 12000
reservedrange = false
floodfill = $3
bandwidth = X
[http]
enabled = true
address = $2
port = 7070
[httpproxy]
enabled = false
[socksproxy]
enabled = false
[sam]
enabled = false
[ntcp2]
enabled = true
published = true
port = 12000
[ssu2]
enabled = false
[upnp]
enabled = false
[reseed]
verify = false
zipfile = $I2PNET_DIR/reseed.zip
[addressbook]
enabled = false
CONF
}

# _i2pnet_router NAME [keys] : start it in INET_NS as I2PNET_USER; its PID
# goes to NAME/pid, and to topo_down's list unless it is the run that makes
# the keys (_i2pnet_stop reaps that one, and a PID killed later might be
# another process's by then; if the test ends before, topo_down kills every
# process of the internet namespace anyway).
_i2pnet_router() {
    local d=$I2PNET_DIR/$1
    chown -R "$I2PNET_USER:" "$d" || return 1
    ip netns exec "$INET_NS" setpriv --reuid="$(id -u "$I2PNET_USER")" --regid="$(id -g "$I2PNET_USER")" \
        --init-groups i2pd --datadir="$d/data" --conf="$d/i2pd.conf" --tunconf="$d/tunnels.conf" \
        --tunnelsdir="$d/tunnels.d" </dev/null >>"$d/stdout.log" 2>&1 &
    echo $! >"$d/pid"
    [ "${2:-}" = keys ] || topo_add_pid $!
}

_i2pnet_stop() { # NAME
    local pid
    pid=$(cat "$I2PNET_DIR/$1/pid") || return 1
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}

_i2pnet_listening() { # NAME : its console listens
    local addr
    addr=$(_i2pnet_addr "$1") || return 1
    _topo_listening "$INET_NS" t "$addr" 7070
}

i2pnet_console() { # NAME QUERY
    if [ "$1" = host ]; then
        ip netns exec "$HOST_NS" curl -sS -m 5 "http://127.0.0.1:7070/$2"
    else
        ip netns exec "$INET_NS" curl -sS -m 5 "http://$(_i2pnet_addr "$1"):7070/$2"
    fi
}

# The eepsite's server tunnel, for tunnels.conf
_i2pnet_eepsite_conf() {
    cat <<CONF
[eepsite]
type = http
host = ${I2PNET_EEPSITE_LISTEN%:*}
port = ${I2PNET_EEPSITE_LISTEN##*:}
keys = eepsite.dat
CONF
}

# "NAME.b32.i2p IDENT" of the destination in a private keys file: the SHA-256
# of the destination (its 384 bytes of keys and its certificate) in base 32,
# and in I2P's base 64 (as i2pd's log names it). With "random": of a
# destination nobody has.
i2pnet_names() { # KEYSFILE|random
    python3 - "$1" <<'PY'
import base64, hashlib, os, sys
if sys.argv[1] == "random":
    h = os.urandom(32)
else:
    data = open(sys.argv[1], "rb").read()
    clen = int.from_bytes(data[385:387], "big")
    h = hashlib.sha256(data[:387 + clen]).digest()
print(base64.b32encode(h).decode().lower().rstrip("=") + ".b32.i2p",
      base64.b64encode(h, b"-~").decode())
PY
}

# _i2pnet_zip ZIP FILE... : a zip of the files, as a reseed server's
_i2pnet_zip() {
    python3 - "$@" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for i, f in enumerate(sys.argv[2:]):
        z.write(f, "routerInfo-%d.dat" % i)
PY
}

_i2pnet_wait() { # SECONDS WHAT CMD... : poll CMD every 0.25 s
    local secs=$1 what=$2 deadline=$((SECONDS + $1))
    shift 2
    while :; do
        "$@" >/dev/null 2>&1 && return 0
        [ "$SECONDS" -lt "$deadline" ] || break
        sleep 0.25
    done
    _i2pnet_say "timed out after $secs s waiting for $what (logs in $I2PNET_DIR)"
    return 1
}

i2pnet_up() {
    local t0=$SECONDS name addr ff ris=()
    id "$I2PNET_USER" >/dev/null 2>&1 || { _i2pnet_say "no user $I2PNET_USER (install Debian's i2pd)"; return 1; }
    I2PNET_DIR=$TOPO_DIR/i2pnet
    export I2PNET_DIR
    mkdir -m 0755 "$I2PNET_DIR" || return 1
    # The routers' addresses in the internet; the host's on its uplink, and
    # the internet's way back to it.
    while read -r name addr ff; do
        ip -n "$INET_NS" addr add "$addr/32" dev lo || return 1
    done <<<"$_I2PNET_ROUTERS"
    ip -n "$HOST_NS" addr add "$I2PNET_HOST_ADDR/32" dev up0 || return 1
    ip -n "$INET_NS" route add "$I2PNET_HOST_ADDR/32" via 192.0.2.2 dev eth0 || return 1

    # Keys: each router alone, with the eepsite's tunnel on site (it writes
    # its keys when the tunnel starts).
    while read -r name addr ff; do
        mkdir -p "$I2PNET_DIR/$name/data" "$I2PNET_DIR/$name/tunnels.d" || return 1
        _i2pnet_conf "$name" "$addr" "$ff"
        : >"$I2PNET_DIR/$name/tunnels.conf"
    done <<<"$_I2PNET_ROUTERS"
    _i2pnet_eepsite_conf >"$I2PNET_DIR/site/tunnels.conf"
    while read -r name addr ff; do
        _i2pnet_router "$name" keys || return 1
    done <<<"$_I2PNET_ROUTERS"
    while read -r name addr ff; do
        _i2pnet_wait 30 "router $name's console" _i2pnet_listening "$name" || return 1
    done <<<"$_I2PNET_ROUTERS"
    _i2pnet_wait 30 "the eepsite's keys" test -s "$I2PNET_DIR/site/data/eepsite.dat" || return 1
    while read -r name addr ff; do
        _i2pnet_stop "$name"
        ris+=("$I2PNET_DIR/$name/data/router.info")
    done <<<"$_I2PNET_ROUTERS"
    read -r EEPSITE_B32 EEPSITE_IDENT < <(i2pnet_names "$I2PNET_DIR/site/data/eepsite.dat")
    [ -n "${EEPSITE_IDENT:-}" ] || return 1
    _i2pnet_zip "$I2PNET_DIR/reseed.zip" "${ris[@]}" || return 1
    chmod 0644 "$I2PNET_DIR/reseed.zip"
    export EEPSITE_B32 EEPSITE_IDENT
    _i2pnet_say "keys and the reseed zip of 5 routers made in $((SECONDS - t0)) s; eepsite $EEPSITE_B32"

    # The eepsite's web server, and the network (site without the eepsite's
    # tunnel for now).
    EEPSITE_TOKEN=eepsite-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
    export EEPSITE_TOKEN
    : >"$TOPO_DIR/eepsite-paths.log"
    _topo_start "$INET_NS" eepsite web --label "EEPSITE token=$EEPSITE_TOKEN" \
        --path-log "$TOPO_DIR/eepsite-paths.log" --listen "$I2PNET_EEPSITE_LISTEN"
    _topo_wait_listening "$INET_NS" t "${I2PNET_EEPSITE_LISTEN%:*}" "${I2PNET_EEPSITE_LISTEN##*:}" || return 1
    : >"$I2PNET_DIR/site/tunnels.conf"
    while read -r name addr ff; do
        _i2pnet_router "$name" || return 1
    done <<<"$_I2PNET_ROUTERS"
    while read -r name addr ff; do
        _i2pnet_wait 30 "router $name's console" _i2pnet_listening "$name" || return 1
    done <<<"$_I2PNET_ROUTERS"
    _i2pnet_say "5 routers started ($((SECONDS - t0)) s in all)"
}

i2pnet_host_router() {
    I2PD_NETID=$I2PNET_NETID I2PD_ADDRESS4=$I2PNET_HOST_ADDR I2PD_RESEED_ZIP=$I2PNET_DIR/reseed.zip \
        i2pd_start "$HOST_NS" "$I2PNET_USER"
}

# _i2pnet_dest_ready NAME B32 : that local destination of the router has an
# established inbound and an established outbound tunnel (its console page
# lists the inbound tunnels first, then the outbound)
_i2pnet_dest_ready() {
    local page
    page=$(i2pnet_console "$1" "?page=local_destination&b32=$2") || return 1
    sed -n '/Inbound tunnels/,/Outbound tunnels/p' <<<"$page" | grep -q 'class="tunnel established"' &&
        sed -n '/Outbound tunnels/,$p' <<<"$page" | grep -q 'class="tunnel established"'
}

# Every local destination of the host's router (three: the HTTP proxy's,
# which the SOCKS proxy shares, the HTTPS proxy's, and the shared one that
# SAM's naming lookups and the address book use) has tunnels both ways.
_i2pnet_host_ready() {
    local page b32 n=0
    page=$(i2pnet_console host '?page=local_destinations') || return 1
    for b32 in $(grep -o 'b32=[a-z2-7]*' <<<"$page" | cut -d= -f2 | sort -u); do
        _i2pnet_dest_ready host "$b32" || return 1
        n=$((n + 1))
    done
    [ "$n" -ge 3 ]
}

i2pnet_wait_host_tunnels() { # SECONDS
    _i2pnet_wait "$1" "tunnels for each of the host's local destinations" _i2pnet_host_ready
}

_i2pnet_eepsite_confirmed() {
    grep -q "Publishing LeaseSet confirmed for ${EEPSITE_B32%.b32.i2p}" "$I2PNET_DIR/site/i2pd.log"
}

i2pnet_publish_eepsite() { # SECONDS
    local pid
    _i2pnet_eepsite_conf >"$I2PNET_DIR/site/tunnels.conf"
    pid=$(cat "$I2PNET_DIR/site/pid") || return 1
    kill -HUP "$pid" || return 1
    _i2pnet_wait "$1" "the eepsite's LeaseSet confirmed by a floodfill" _i2pnet_eepsite_confirmed
}
