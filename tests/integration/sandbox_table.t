#!/bin/bash
# A sandbox's own nat table (netns/sandbox_nat.c writes it with libnftnl):
# what the kernel holds for each kind of profile is exactly what nft makes
# of the rules' text (ruleset_render_sandbox_nat()), listed by nft both
# times; a profile that needs none has none. (What the rules do is tested
# where each is used: tor_mode.t, policy.t, control.t, tor.t.)
. "$(dirname "$0")/common.sh"
tg_setup

MARK=60.$$ # the sleeping COMMAND's argument: how its process is found
# live_table PROFILE [CONFIG] : LIVE gets nft's listing of the table in a
# sandbox of PROFILE (empty if it has none), SANDBOX_GW its gateway; false
# if the sandbox did not start.
live_table() {
    local profile=$1 conf=${2:-$CONF} pid=
    in_host "$TORGATE" --config "$conf" --user "$TG_USER" --profile "$profile" -- sleep "$MARK" >/dev/null 2>&1 &
    local launcher=$!
    for _ in $(seq 200); do pid=$(pgrep -f "^sleep $MARK\$" || true); [ -n "$pid" ] && break; sleep 0.05; done
    if [ -z "$pid" ]; then
        kill "$launcher" 2>/dev/null; wait "$launcher" 2>/dev/null
        return 1
    fi
    SANDBOX_GW=$(nsenter -t "$pid" -n ip route show default | cut -d' ' -f3)
    LIVE=$(nsenter -t "$pid" -n nft list table ip torgate_sandbox 2>/dev/null)
    kill "$pid"
    wait "$launcher" 2>/dev/null
    return 0
}
# nft_made TEXT : nft's listing of TEXT, written by nft in a scratch namespace
nft_made() {
    local ns=tgnat$$
    ip netns add "$ns" || return 1
    ip netns exec "$ns" nft -f - <<<"$1" && ip netns exec "$ns" nft list table ip torgate_sandbox
    ip netns del "$ns"
}
# The rules, as ruleset_render_sandbox_nat() writes them (GW: the gateway).
rules() { # control dns dns_tcp socks onions automap
    local gw=$SANDBOX_GW
    echo "table ip torgate_sandbox {"
    [ "$1" = 0 ] || printf '%s\n' "chain control_port { type nat hook output priority -100; policy accept;" \
        "ip daddr 127.0.0.1 tcp dport 9051 dnat ip to $gw:$1" "}" \
        "chain control_port_source { type nat hook postrouting priority 100; policy accept;" \
        "oifname \"eth0\" ip saddr 127.0.0.0/8 masquerade" "}"
    [ "$2" = 0 ] || printf '%s\n' "chain dns_guard { type nat hook output priority -100; policy accept;" \
        "ip daddr $gw udp dport 53 udp sport != 53531 dnat ip to 127.0.0.1:53530"
    [ "$2" = 0 ] || [ "$3" = 0 ] || echo "ip daddr $gw tcp dport 53 dnat ip to 127.0.0.1:53530"
    [ "$2" = 0 ] || echo "}"
    [ "$4" = 0 ] || printf '%s\n' "chain socks_guard { type nat hook output priority -100; policy accept;" \
        "ip daddr $gw tcp dport $4 meta mark != 0x746f72 dnat ip to 127.0.0.1:53532" "}"
    [ "$5" = 0 ] || printf '%s\n' "chain onion_services { type nat hook prerouting priority -100; policy accept;" \
        "iifname \"eth0\" ip saddr $gw meta l4proto tcp dnat ip to 127.0.0.1" "}"
    [ "$6" = 0 ] || printf '%s\n' "set automapped { type ipv4_addr; size 4096; }" \
        "chain automap { type filter hook output priority filter; policy accept;" \
        "ip daddr 10.192.0.0/10 ip daddr != @automapped meta l4proto tcp reject with tcp reset" "}"
    echo "}"
}

DCONF=$TOPO_DIR/torgate-dns.conf
{ cat "$CONF"; printf '[dns]\nresolver = 203.0.113.53:53\n'; } >"$DCONF"
# profile config control dns dns_tcp socks onions automap
for spec in "default $CONF 0 1 0 9050 0 1" "dns-tools $DCONF 0 1 1 9050 0 1" "tor-browser $CONF 9152 0 0 9050 0 1" \
    "onionshare $CONF 9153 1 0 9050 1 1"; do
    set -- $spec
    profile=$1 conf=$2
    shift 2
    live_table "$profile" "$conf" || { ok 1 "$profile: its sandbox started"; continue; }
    isnt "$LIVE" "" "$profile: the sandbox has its own nat table"
    is "$LIVE" "$(nft_made "$(rules "$@")")" "$profile: the kernel holds what nft makes of the rules' text"
done

# Profiles that need no table have none (control: the listing above works).
for profile in unsafe-browser offline; do
    live_table "$profile" || { ok 1 "$profile: its sandbox started"; continue; }
    is "$LIVE" "" "$profile: no nat table in the sandbox"
done

done_testing
