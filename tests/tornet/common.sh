# Shared setup for the tests against a real tor: the integration tests'
# helpers (tg, tg_bg, TAP), and a private Tor network in the topology
# (tests/lib/tornet.sh), with a real tor as the host's Tor.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/common.sh"
. "$TESTS_DIR/lib/tornet.sh"
# What the tests keep: the chromium screenshot, the timings.
ARTEFACTS=${ARTEFACTS:-$(cd "$TESTS_DIR/.." && pwd)/build/artefacts}

tornet_setup() {
    local t0=$SECONDS
    tornet_up || bail_out "cannot build the private Tor network"
    tg_write_conf
    diag "tor network ready in $TORNET_READY_S s, the host's tor bootstrapped in $TORNET_BOOTSTRAP_S s" \
        "($((SECONDS - t0)) s with the topology and keys)"
    # the record: one line per network built
    mkdir -p "$ARTEFACTS" &&
        printf '%s %s: network ready %s s, host tor bootstrapped %s s, %s s in all\n' "$(date -u +%FT%TZ)" \
            "$(basename "$0")" "$TORNET_READY_S" "$TORNET_BOOTSTRAP_S" "$((SECONDS - t0))" >>"$ARTEFACTS/tornet-timings.txt"
    far_reset
}

# Until the next test, the web server's log lines so far are old.
web_mark() { WEB_MARK=$(log_lines web); }
# The web server's log since web_mark.
web_since() { tail -n +$((WEB_MARK + 1)) "$TOPO_DIR/web.log"; }
