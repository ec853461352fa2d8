# Shared setup for the integration tests: the topology, the TAP helpers, and
# `tg`, which runs the staged torgate in the test's host namespace.
set -u
TESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$TESTS_DIR/lib/tap.sh"
. "$TESTS_DIR/lib/topology.sh"

: "${TORGATE:?set TORGATE to the staged torgate binary (make integration does)}"
: "${PROBE:?set PROBE to the probe binary (make integration does)}"

# Builds the topology and a torgate.conf for it.
tg_setup() {
    topo_up || bail_out "cannot build the test topology"
    tg_write_conf
}

# The tests run as root, and torgate runs COMMAND as root never: `tg` names
# TG_USER, an account of the test's own (removed by topo_down), in the
# clearnet group of the test's torgate.conf. It may write in TOPO_DIR.
tg_write_conf() {
    TG_USER=tgu${BASHPID:-$$}
    if ! id "$TG_USER" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$TG_USER" ||
            bail_out "cannot add the test user $TG_USER"
        topo_add_user "$TG_USER"
    fi
    chown "$TG_USER" "$TOPO_DIR"
    CONF=$(topo_torgate_conf "$TG_USER")
    topo_visible PROBE LEAK LEAK32 || bail_out "cannot copy the test programs where sandboxes see them"
}

tg() { in_host "$TORGATE" --config "$CONF" --user "$TG_USER" "$@"; }
# torgate in the background: $! is torgate itself (with SIGINT not ignored,
# as it would be for a plain background job), for tests that signal it.
tg_bg() { ip netns exec "$HOST_NS" env --default-signal=INT "$TORGATE" --config "$CONF" --user "$TG_USER" "$@" & }

# The gateway, as a sandbox sees it: its resolv.conf's nameserver.
GATEWAY_OF_SANDBOX='$(sed -n "s/^nameserver //p" /etc/resolv.conf)'

# Host links torgate made (tgN), one name a line.
host_sandbox_links() { in_host ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^tg[0-9]+$' || true; }
# For wait_for, which runs its command again each time.
no_sandbox_links() { [ -z "$(host_sandbox_links)" ]; }

# A clearnet launcher killed (SIGKILL) once its sandbox runs; returns when
# the sandbox's link is gone. It leaves the uplink's forwarding on, guarded.
tg_kill_clearnet_launcher() {
    local ready=$TOPO_DIR/killed-launcher-ready pid
    rm -f "$ready"
    tg_bg --profile unsafe-browser -- sh -c "echo >$ready; exec sleep 30"
    pid=$!
    wait_for test -e "$ready"
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    wait_for no_sandbox_links
}
# "FORWARDING GUARDED" of the uplink up0: 1 or 0 each.
uplink_state() {
    echo "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding) $(in_host nft list set inet torgate forward_guard 2>/dev/null | grep -c '"up0"')"
}

# Lines in a stand-in's log.
log_lines() { wc -l <"$TOPO_DIR/$1.log" | tr -d ' '; }

far_all_zero() { # NS
    local c
    for c in all4 ip6; do
        [ "$(far_count "$1" "$c")" = 0 ] || return 1
    done
}

# Runs FUNC when the test ends, however it ends; FUNC must call topo_down.
cleanup_with() {
    trap "$1" EXIT
    trap "$1; exit 130" INT
    trap "$1; exit 143" TERM
}

# System profiles of a test's own, in the staged administrator's directory
# (looked at before the shipped one): sys_profile NAME LINE...; removed, and
# the directory too if the test made it, by sys_profiles_cleanup.
ETC_PROFILES=${STAGE:+$STAGE/etc/torgate/profiles}
OURS=()
MADE_DIR=
sys_profiles_init() {
    : "${STAGE:?set STAGE to the staged install (make integration does)}"
    if [ ! -d "$ETC_PROFILES" ]; then
        mkdir -m 0755 "$ETC_PROFILES" || bail_out "cannot create $ETC_PROFILES"
        MADE_DIR=1
    fi
}
sys_profile() {
    local name=$1
    shift
    printf '%s\n' '[profile]' "$@" >"$ETC_PROFILES/$name.profile"
    chmod 0644 "$ETC_PROFILES/$name.profile"
    OURS+=("$name")
}
sys_profiles_cleanup() {
    local n
    for n in "${OURS[@]}"; do rm -f "$ETC_PROFILES/$n.profile"; done
    [ ! -d "$ETC_PROFILES" ] || chmod 0755 "$ETC_PROFILES"
    [ -z "$MADE_DIR" ] || rmdir "$ETC_PROFILES" 2>/dev/null
    return 0
}
