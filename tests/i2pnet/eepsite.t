#!/bin/bash
# The i2p mode end to end: a private I2P network in the test's namespaces
# (tests/lib/i2pnet.sh: five of Debian's i2pd routers, three of them
# floodfills, network ID 42, reseeded from a zip of their own), the host's
# router (tests/lib/i2pd.sh, as policy.t runs it) joined to it, and an
# eepsite in the internet. A sandbox with the i2p-browser profile fetches the
# eepsite by its .b32.i2p name through the gateway's HTTP proxy (and its
# HTTPS proxy, and looks it up over SAM) and gets its page; the eepsite's web
# server logs the request. Controls: the same name before the eepsite has
# published its LeaseSet, and a name nobody has, get the router's error page
# and reach nothing; the sandbox cannot reach the network's routers itself.
. "$(dirname "$0")/../integration/common.sh"
. "$TESTS_DIR/lib/i2pd.sh"
. "$TESTS_DIR/lib/i2pnet.sh"
: "${STAGE:?set STAGE to the staged install (make i2pnet does)}"
# What the test keeps: the timings.
ARTEFACTS=${ARTEFACTS:-$(cd "$TESTS_DIR/.." && pwd)/build/artefacts}

T0=$SECONDS
tg_setup
getent passwd "$I2PNET_USER" >/dev/null || bail_out "no user $I2PNET_USER: install i2pd (make deps does)"
i2pnet_up || bail_out "cannot build the private I2P network"
T_NET=$((SECONDS - T0))
i2pnet_host_router ||
    bail_out "the host's i2pd did not start: $(cat "$I2PD_DIR/stdout.log" "$I2PD_DIR/i2pd.log" 2>/dev/null | tail -n 5)"
i2pnet_wait_host_tunnels 240 || bail_out "the host's router built no tunnels for its destinations"
T_HOST=$((SECONDS - T0))
diag "network up in $T_NET s; the host's router has tunnels for its destinations at $T_HOST s"
# grep -E in the host's router's log (a few MB at loglevel debug: tested
# with grep, never printed whole)
in_host_log() { grep -qE "$1" "$I2PD_DIR/i2pd.log"; }
eepsite_hits() { wc -l <"$TOPO_DIR/eepsite-paths.log" | tr -d ' '; }

# In a sandbox's shell, GW is the gateway (policy.t's way).
GW='$(ip route show default | cut -d" " -f3)'
fetch() { # PORT URL [CURL-ARGS...]
    local port=$1 url=$2
    shift 2
    tg --profile i2p-browser -- sh -c "curl -sS --max-time 60 $* -x http://$GW:$port $url" 2>&1
}
# SAM's NAMING LOOKUP of NAME from a sandbox: the reply's first three words,
# then the .b32.i2p name of the destination it gave, if any.
sam_lookup() { # NAME
    tg --profile i2p-browser -- sh -c "/usr/bin/python3 -c '
import base64, hashlib, socket, sys
s = socket.create_connection((sys.argv[1], 7656), timeout=60)
f = s.makefile()
s.sendall(b\"HELLO VERSION MIN=3.0 MAX=3.1\\n\")
f.readline()
s.sendall((\"NAMING LOOKUP NAME=%s\\n\" % sys.argv[2]).encode())
r = f.readline().split()
print(\" \".join(r[:3]))
v = [w[6:] for w in r if w.startswith(\"VALUE=\")]
if v:
    d = base64.b64decode(v[0], b\"-~\")
    print(base64.b32encode(hashlib.sha256(d).digest()).decode().lower().rstrip(\"=\") + \".b32.i2p\")' $GW $1" 2>&1
}
# try3 REGEX CMD... : CMD until its output matches REGEX, at most 3 times:
# a lookup in a network a minute old may still miss now and then, as on the
# real network, where a user reloads. Sets OUT (the last output) and TRIES.
try3() {
    local re=$1
    shift
    for TRIES in 1 2 3; do
        OUT=$("$@")
        [[ ! $OUT =~ $re ]] || return 0
        diag "try $TRIES failed: ${OUT:0:300}"
    done
    return 1
}

# ------------------------------------------------------------ the network
is "$(grep -c 'Reseed: Processing file routerInfo-' "$I2PD_DIR/i2pd.log")" 5 \
    "the host's router reseeded from the network's zip: its 5 routers"
not_ok_cmd "no router asked a reseed server" \
    grep -qE 'Reseed: Downloading|Reseed: Failed to reseed from servers' "$I2PD_DIR/i2pd.log" "$I2PNET_DIR"/*/i2pd.log
ok_cmd "the host's router connected to the network's routers" \
    in_host_log "NTCP2: Connected to 198\\.18\\.0\\.[1-5]:12000"
ok_cmd "... which saw it come from its published address $I2PNET_HOST_ADDR" \
    grep -qE "NTCP2: Connected from ${I2PNET_HOST_ADDR//./\\.}:" "$I2PNET_DIR"/*/i2pd.log
out=$(tg --profile i2p-browser -- "$PROBE" tcp 198.18.0.5 12000 2>&1)
like "$out" '^FAIL' "the sandbox cannot reach a router of the network itself ($out)"
ok_cmd "control: the host can" in_host "$PROBE" tcp 198.18.0.5 12000

# ------------------------------------------ before the eepsite is published
# The same name, while the site router has no such tunnel yet: the host's
# router asks the floodfills, none has it, the proxy's error page.
out=$(fetch 4444 "http://$EEPSITE_B32/")
like "$out" '<title>I2Pd HTTP proxy</title>' "before its LeaseSet exists, $EEPSITE_B32 gets the proxy's own page"
unlike "$out" "$EEPSITE_TOKEN" "... not the eepsite's"
ok_cmd "... after the host's router asked the floodfills for it" \
    in_host_log "Destination: $EEPSITE_IDENT was not found on [0-9]+ floodfills"
is "$(eepsite_hits)" 0 "... and nothing reached the eepsite's web server"

# ------------------------------------------------------------ the eepsite
t=$SECONDS
i2pnet_publish_eepsite 240 || bail_out "the eepsite's LeaseSet was not published"
T_PUB=$((SECONDS - t))
diag "the eepsite's LeaseSet confirmed by a floodfill in $T_PUB s"
like "$(i2pnet_console site '?page=i2p_tunnels')" "eepsite.*${EEPSITE_B32%.b32.i2p}" \
    "the site router's console lists the eepsite's server tunnel"

# Fetched from the sandbox by its name through the gateway's HTTP proxy.
t=$SECONDS
try3 "^EEPSITE token=$EEPSITE_TOKEN client=" fetch 4444 "http://$EEPSITE_B32/"
T_FETCH=$((SECONDS - t))
like "$OUT" "^EEPSITE token=$EEPSITE_TOKEN client=127\\." \
    "i2p-browser: curl -x gateway:4444 http://$EEPSITE_B32/ gets the eepsite's page ($TRIES tries, $T_FETCH s)"
like "$(tail -n 1 "$TOPO_DIR/eepsite-paths.log")" '^client=127\.[0-9.]+ path=/$' \
    "the eepsite's web server logged the request (from its server tunnel)"
ok_cmd "the host's router carried it" in_host_log "HTTPProxy: Requested: http://$EEPSITE_B32/"

# The HTTPS proxy (gateway:4445): CONNECT to the eepsite's port 80.
hits=$(eepsite_hits)
try3 "^EEPSITE token=$EEPSITE_TOKEN client=" fetch 4445 "http://$EEPSITE_B32/" -p
like "$OUT" "^EEPSITE token=$EEPSITE_TOKEN client=127\\." \
    "i2p-browser: CONNECT through gateway:4445 reaches it too ($TRIES tries)"
is "$(eepsite_hits)" $((hits + 1)) "... one more request on the eepsite's side"

# SAM (gateway:7656): the name looked up gives the eepsite's destination,
# whose hash is the name.
try3 '^NAMING REPLY RESULT=OK' sam_lookup "$EEPSITE_B32"
like "$OUT" '^NAMING REPLY RESULT=OK' "i2p-browser: SAM's NAMING LOOKUP of the name succeeds ($TRIES tries)"
is "$(sed -n 2p <<<"$OUT")" "$EEPSITE_B32" "... with the eepsite's destination (its hash is the name)"

# ------------------------------------------------------------ a name nobody has
read -r nobody nobody_ident < <(i2pnet_names random)
hits=$(eepsite_hits)
out=$(fetch 4444 "http://$nobody/")
like "$out" '<title>I2Pd HTTP proxy</title>' "control: a name nobody has gets the proxy's own page"
unlike "$out" "$EEPSITE_TOKEN" "... not the eepsite's"
ok_cmd "... after the host's router asked the floodfills" \
    in_host_log "Destination: $nobody_ident was not found on [0-9]+ floodfills"
is "$(eepsite_hits)" "$hits" "... and nothing reached the eepsite's web server"

T_ALL=$((SECONDS - T0))
diag "network $T_NET s, host tunnels $T_HOST s, LeaseSet $T_PUB s, fetch $T_FETCH s, $T_ALL s in all"
mkdir -p "$ARTEFACTS" &&
    printf '%s %s: network %s s, host tunnels at %s s, LeaseSet confirmed %s s, fetch %s s, %s s in all\n' \
        "$(date -u +%FT%TZ)" "$(basename "$0")" "$T_NET" "$T_HOST" "$T_PUB" "$T_FETCH" "$T_ALL" \
        >>"$ARTEFACTS/i2pnet-timings.txt"
done_testing
