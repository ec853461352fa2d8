#!/bin/bash
# Real browsers on real display servers, through the private Tor network
# (issue 12), as a desktop user starts them: `torgate firefox-esr URL` on an
# X11 desktop (Xvfb), `torgate chromium URL` on a Wayland one (weston),
# with the user's session bus. The internet's web server logs who fetched
# each page: the exit, never the host (192.0.2.2). Screenshots are kept in
# $ARTEFACTS, and looked at.
#
# No hand-off: with an unsandboxed instance of the same browser running for
# the same user on the same display and bus, and with the Unsafe Browser
# running, `torgate BROWSER URL` loads the page itself, through Tor. The
# control is the same command without torgate, which hands the URL to the
# running instance (it exits at once, and the page comes from the host).
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/desktop.sh"
mkdir -p "$ARTEFACTS" || bail_out "cannot create $ARTEFACTS"
tornet_setup
home=$TOPO_DIR/home
mkdir -p "$home" && chown "$TG_USER:" "$home" && usermod -d "$home" "$TG_USER" || bail_out "cannot make a home"
cleanup_with "desk_down; topo_down"
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"
desk_xvfb || bail_out "Xvfb did not start"
desk_weston || bail_out "weston did not start"
desk_bus || bail_out "the session bus did not start"
printf 'nameserver 203.0.113.53\n' >"$TOPO_DIR/resolv.conf" && chmod 644 "$TOPO_DIR/resolv.conf"
SITE=http://www.example.test
HOST_ADDR=192.0.2.2

# The session as an X11 desktop has it, or a Wayland one.
mapfile -t x11_session < <(DESK_WAYLAND= desk_env)
mapfile -t wayland_session < <(DESK_DISPLAY= desk_env)
# torgate in the background, as the user runs it from a terminal; $! is torgate.
tg_gui() { # SESSION-NAME ARGS...
    local -n s=$1
    shift
    ip netns exec "$HOST_NS" env -i PATH=/usr/bin:/bin "${s[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" \
        "$@" >>"$TOPO_DIR/browsers.log" 2>&1 &
}
# The same browser outside torgate (the control), with the internet's DNS
# server: the machine's own resolv.conf names an address outside the
# test's namespaces. In the background; $! is the browser.
outside_gui() { # SESSION-NAME ARGS...
    local -n s=$1
    shift
    unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$TOPO_DIR/resolv.conf" \
        ip netns exec "$HOST_NS" setpriv --reuid="$TG_USER" --regid="$TG_USER" --init-groups \
        env -i PATH=/usr/bin:/bin "${s[@]}" "$@" >>"$TOPO_DIR/browsers.log" 2>&1 &
}
# The web server's log of paths: who fetched PATH (each step its own).
fetched() { grep -qx "client=$1 path=$2" "$TOPO_DIR/web-paths.log"; } # ADDR PATH
from_exit() { fetched "$EXIT_ADDR" "$1"; }
from_host() { fetched "$HOST_ADDR" "$1"; }
window() { as_desk_user xdotool search --onlyvisible --name "$1"; }
gone() { ! kill -0 "$1" 2>/dev/null; }
stop() { # PID...: SIGTERM, as a desktop closes it, then wait
    local p
    for p in "$@"; do kill -TERM "$p" 2>/dev/null; done
    for p in "$@"; do WAIT_FOR_TIMEOUT=400 wait_for gone "$p" || kill -KILL "$p" 2>/dev/null; done
}
SLOW=1200 # 60 s: a browser's first start on two cores

# What a person sees: the page, reading the exit's address, on the screen.
x11_shows() { desk_screenshot "$1" && desk_reads "$1" "$2"; }
wayland_shows() { desk_wayland_screenshot "$1" && desk_reads "$1" "$2"; }
# torgate BROWSER URL on a desktop, the page's path PATH: fetched through
# Tor, shown on the screen (kept as SHOT), never fetched from the host.
through_tor() { # SESSION-NAME SCREEN-CHECK SHOT PATH DESKTOP BROWSER [ARGS...]
    local session=$1 shows=$2 shot=$ARTEFACTS/$3 path=$4 desktop=$5 pid
    shift 5
    tg_gui "$session" "$@" "$SITE$path"
    pid=$!
    WAIT_FOR_TIMEOUT=$SLOW wait_for from_exit "$path"
    ok $? "torgate $1 URL on $desktop: the page is fetched through Tor (the web server saw the exit)"
    wait_until 60 "$shows" "$shot" "INTERNET client=$EXIT_ADDR"
    ok $? "... and the screen shows the page: 'INTERNET client=$EXIT_ADDR' ($shot)"
    ok "$(from_host "$path" && echo 1 || echo 0)" "... and the web server never saw the host"
    stop "$pid"
}
through_tor x11_session x11_shows firefox-esr-x11-through-tor.png /firefox-x11 "an X11 desktop (Xvfb)" firefox-esr
through_tor wayland_session wayland_shows chromium-wayland-through-tor.png /chromium-wayland "a Wayland desktop (weston)" \
    chromium --ozone-platform=wayland --no-first-run

# ============================================== no hand-off: firefox-esr
store=$home/.local/share/torgate
history_has() { # URL DIR...: a Firefox history (places.sqlite) below a DIR has URL
    local db url=$1
    shift
    for db in $(find "$@" -name places.sqlite 2>/dev/null); do
        python3 - "$db" "$url" <<'PY' && return 0
import os, shutil, sqlite3, sys, tempfile
# A copy, with its write-ahead log (recent visits are there until Firefox
# checkpoints): the browser may still hold the file.
d = tempfile.mkdtemp()
for suffix in ("", "-wal"):
    if os.path.exists(sys.argv[1] + suffix):
        shutil.copy(sys.argv[1] + suffix, os.path.join(d, "places.sqlite" + suffix))
db = sqlite3.connect(os.path.join(d, "places.sqlite"))
rows = db.execute("select count(*) from moz_places where url = ?", (sys.argv[2],)).fetchone()
shutil.rmtree(d)
sys.exit(0 if rows[0] else 1)
PY
    done
    return 1
}
outside_gui x11_session firefox-esr about:blank
plain_ff=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for window "Mozilla Firefox"
ok $? "an unsandboxed firefox-esr runs on the same display and bus"
outside_gui x11_session firefox-esr "$SITE/firefox-control"
second=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for from_host /firefox-control
ok $? "control: a second firefox-esr URL outside torgate hands the URL to it, which fetches from the host"
WAIT_FOR_TIMEOUT=400 wait_for gone "$second"
ok $? "... and the second one exits at once"
tg_gui x11_session firefox-esr "$SITE/firefox-beside"
ff=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for from_exit /firefox-beside
ok $? "torgate firefox-esr URL loads the page itself, through Tor"
ok "$(gone "$ff" && echo 1 || echo 0)" "... and is still running: nothing was handed off"
ok "$(from_host /firefox-beside && echo 1 || echo 0)" "... and the unsandboxed firefox-esr did not fetch it"
wait_until 30 history_has "$SITE/firefox-beside" "$store/firefox-esr"
ok $? "its history, in its own profile, has the page"
stop "$ff"

# The Unsafe Browser running too (the user is in the clearnet group).
tg_gui x11_session --profile unsafe-browser firefox-esr about:blank
unsafe=$!
# Started with no terminal in a desktop session, it asks first (confirm =
# yes): the user starts it.
asks() { [ -n "$(DISPLAY=$DESK_DISPLAY xdotool search --onlyvisible --name '^unsafe-browser$' 2>/dev/null)" ]; }
WAIT_FOR_TIMEOUT=$SLOW wait_for asks
ok $? "the Unsafe Browser asks first, in a dialog"
DISPLAY=$DESK_DISPLAY xdotool search --onlyvisible --name '^unsafe-browser$' windowfocus --sync >/dev/null 2>&1
DISPLAY=$DESK_DISPLAY xdotool key Tab Return >/dev/null 2>&1
WAIT_FOR_TIMEOUT=$SLOW wait_for sh -c "[ \$(DISPLAY=$DESK_DISPLAY xdotool search --onlyvisible --name 'Mozilla Firefox' 2>/dev/null | wc -l) -ge 2 ]"
ok $? "the Unsafe Browser (firefox-esr, clearnet) runs beside it"
tg_gui x11_session firefox-esr "$SITE/firefox-beside-unsafe"
ff=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for from_exit /firefox-beside-unsafe
ok $? "torgate firefox-esr URL still loads the page itself, through Tor"
ok "$(from_host /firefox-beside-unsafe && echo 1 || echo 0)" "... and neither the Unsafe Browser nor the unsandboxed one fetched it"
# (the control's visit, written by the unsandboxed firefox-esr before it stops)
wait_until 30 history_has "$SITE/firefox-control" "$home/.config/mozilla" "$home/.mozilla"
stop "$ff" "$unsafe" "$plain_ff"
ok "$(history_has "$SITE/firefox-beside" "$store/unsafe-browser" && echo 1 || echo 0)" \
    "the Unsafe Browser's history (its own profile) has not the Tor firefox-esr's page"
ok "$(history_has "$SITE/firefox-beside" "$home/.config/mozilla" "$home/.mozilla" && echo 1 || echo 0)" \
    "... nor the user's own profile, the unsandboxed firefox-esr's"
ok "$(history_has "$SITE/firefox-control" "$home/.config/mozilla" "$home/.mozilla" && echo 0 || echo 1)" \
    "... which has the control's page (so the check reads the right history)"

# ============================================== no hand-off: chromium
outside_gui wayland_session chromium --ozone-platform=wayland --no-first-run about:blank
plain_cr=$!
chromium_singleton() { [ -L "$home/.config/chromium/SingletonSocket" ]; }
WAIT_FOR_TIMEOUT=$SLOW wait_for chromium_singleton
ok $? "an unsandboxed chromium runs on the same display (its SingletonSocket is there)"
outside_gui wayland_session chromium --ozone-platform=wayland --no-first-run "$SITE/chromium-control"
second=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for from_host /chromium-control
ok $? "control: a second chromium URL outside torgate hands the URL to it, which fetches from the host"
WAIT_FOR_TIMEOUT=400 wait_for gone "$second"
ok $? "... and the second one exits at once"
tg_gui wayland_session chromium --ozone-platform=wayland --no-first-run "$SITE/chromium-beside"
cr=$!
WAIT_FOR_TIMEOUT=$SLOW wait_for from_exit /chromium-beside
ok $? "torgate chromium URL loads the page itself, through Tor"
ok "$(gone "$cr" && echo 1 || echo 0)" "... and is still running: nothing was handed off"
ok "$(from_host /chromium-beside && echo 1 || echo 0)" "... and the unsandboxed chromium did not fetch it"
stop "$cr" "$plain_cr"
[ "$TAP_FAILED" = 0 ] || diag "browsers' output: $(tail -n 30 "$TOPO_DIR/browsers.log")"

done_testing
