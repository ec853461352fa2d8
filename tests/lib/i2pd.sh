# Debian's i2pd as the host's I2P router in a test's topology, as its own
# user: its HTTP proxy on 127.0.0.1:4444, a second HTTP proxy on 4445 (the
# HTTPS proxy torgate.conf names, where the Java router has its own), SAM on
# 7656; also its SOCKS proxy (4447) and web console (7070), which no sandbox
# may reach. It has no peer: no I2P network exists in the topology (issue
# 15's note says why), so a name it cannot look up gets its own error page.
# NTCP2 (which i2pd needs to start at all) listens unpublished; reseeding
# goes to RESEED_URL only (default: a closed port of the loopback).
#
# i2pd_launch NS USER [RESEED_URL] : starts it in NS as USER; sets I2PD_DIR
# (its data, config and i2pd.log) and I2PD_PID. It listens once it has
# tried to reseed (i2pd_start waits for that).
i2pd_launch() {
    local ns=$1 user=$2 reseed=${3:-https://127.0.0.1:9/}
    I2PD_DIR=$TOPO_DIR/i2pd-$user
    mkdir -p "$I2PD_DIR/data" "$I2PD_DIR/tunnels.d" || return 1
    cat >"$I2PD_DIR/i2pd.conf" <<CONF
log = file
logfile = $I2PD_DIR/i2pd.log
loglevel = debug
daemon = false
ipv4 = true
ipv6 = false
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
published = false
port = 14567
[ssu2]
enabled = false
[upnp]
enabled = false
[reseed]
verify = false
urls = $reseed
[addressbook]
subscriptions =
CONF
    printf '[https-proxy]\ntype = httpproxy\naddress = 127.0.0.1\nport = 4445\n' >"$I2PD_DIR/tunnels.conf"
    chown -R "$user" "$I2PD_DIR" || return 1
    ip netns exec "$ns" setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
        i2pd --datadir="$I2PD_DIR/data" --conf="$I2PD_DIR/i2pd.conf" --tunconf="$I2PD_DIR/tunnels.conf" \
        --tunnelsdir="$I2PD_DIR/tunnels.d" </dev/null >"$I2PD_DIR/stdout.log" 2>&1 &
    topo_add_pid $!
    I2PD_PID=$!
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

# i2pd_stop : ends the router i2pd_start started, and waits for it.
i2pd_stop() {
    kill "$I2PD_PID" 2>/dev/null
    wait "$I2PD_PID" 2>/dev/null
    return 0
}
