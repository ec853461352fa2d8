# Debian's i2pd in a test's topology.
#
# The host's I2P router (i2pd_start), as its own user: its HTTP proxy on
# 127.0.0.1:4444, a second HTTP proxy on 4445 (the HTTPS proxy torgate.conf
# names, where the Java router has its own), SAM on 7656; also its SOCKS
# proxy (4447) and web console (7070), which no sandbox may reach.
#
# It has no I2P network: a name it cannot look up gets its own error page,
# and reseeding goes to RESEED_URL only (default: a closed port of the
# loopback).
#
# Unless these are set (tests/lib/i2pnet.sh sets them, to join its private
# network):
#   I2PD_NETID=N          the network's ID (default 2, the real network's)
#   I2PD_ADDRESS4=IP      NTCP2 bound to IP and published there, and peers in
#                         reserved ranges taken (reservedrange = false)
#                         (default: NTCP2 unpublished, nothing bound)
#   I2PD_RESEED_ZIP=FILE  reseed from that zip of routerInfo files instead of
#                         RESEED_URL

# an .i2p address nobody has, for the address book's subscription
I2PD_NO_SUCH_SITE=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b32.i2p

# _i2pd_conf DIR RESEED_URL : DIR/i2pd.conf, NTCP2 unpublished (i2pd
# starts with no transport at all) unless I2PD_ADDRESS4 is set.
_i2pd_conf() {
    local dir=$1 published=false address4='' reseed="urls = $2"
    if [ -n "${I2PD_ADDRESS4:-}" ]; then
        published=true
        address4="address4 = $I2PD_ADDRESS4
port = 12000
reservedrange = false"
    fi
    [ -z "${I2PD_RESEED_ZIP:-}" ] || reseed="zipfile = $I2PD_RESEED_ZIP"
    cat >"$dir/i2pd.conf" <<CONF
log = file
logfile = $dir/i2pd.log
loglevel = debug
daemon = false
netid = ${I2PD_NETID:-2}
ipv4 = true
ipv6 = false
nat = false
$address4
[http]
enabled = true
address = 127.0.0.1
port = 7070
[httpproxy]
enabled = true
address = 127.0.0.1
port = 4444
[socksproxy]
enabled = true
address = 127.0.0.1
port = 4447
[sam]
enabled = true
address = 127.0.0.1
port = 7656
[ntcp2]
enabled = true
published = $published
port = 12000
[ssu2]
enabled = false
[upnp]
enabled = false
[reseed]
verify = false
threshold = 2
$reseed
[addressbook]
# no subscription: an empty list makes i2pd 2.45 fetch "" and abort
defaulturl = http://$I2PD_NO_SUCH_SITE/hosts.txt
subscriptions = http://$I2PD_NO_SUCH_SITE/hosts.txt
CONF
}

# _i2pd_run NS USER DIR : i2pd on DIR's config in NS as USER, in the
# background; sets I2PD_PID.
_i2pd_run() {
    local ns=$1 user=$2 dir=$3
    chown -R "$user" "$dir" || return 1
    ip netns exec "$ns" setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
        i2pd --datadir="$dir/data" --conf="$dir/i2pd.conf" --tunconf="$dir/tunnels.conf" \
        --tunnelsdir="$dir/tunnels.d" </dev/null >"$dir/stdout.log" 2>&1 &
    I2PD_PID=$!
    topo_add_pid "$I2PD_PID"
}

# i2pd_launch NS USER [RESEED_URL] : the host's router in NS as USER (i2pd
# reseeds over HTTPS only); sets
# I2PD_DIR (its data, config and i2pd.log) and I2PD_PID. It listens once it
# has tried to reseed (i2pd_start waits for that).
i2pd_launch() {
    local ns=$1 user=$2
    I2PD_DIR=$TOPO_DIR/i2pd-$user
    mkdir -p "$I2PD_DIR/data" "$I2PD_DIR/tunnels.d" || return 1
    _i2pd_conf "$I2PD_DIR" "${3:-https://127.0.0.1:9/}"
    printf '[https-proxy]\ntype = httpproxy\naddress = 127.0.0.1\nport = 4445\n' \
        >"$I2PD_DIR/tunnels.conf"
    _i2pd_run "$ns" "$user" "$I2PD_DIR"
}

# i2pd_start NS USER [RESEED_URL] : i2pd_launch, then waits until its
# proxies, console and SAM listen.
i2pd_start() {
    local port
    i2pd_launch "$@" || return 1
    for port in 4444 4445 4447 7070 7656; do
        WAIT_FOR_TIMEOUT=400 wait_for _topo_listening "$1" t 127.0.0.1 "$port" || return 1
    done
}

# i2pd_stop : ends the router i2pd_launch started, and waits for it.
i2pd_stop() {
    kill "$I2PD_PID" 2>/dev/null
    wait "$I2PD_PID" 2>/dev/null
    return 0
}
