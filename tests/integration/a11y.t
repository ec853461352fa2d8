#!/bin/bash
# The accessibility bus (issue 12), on a real session: Xvfb, a session bus,
# at-spi-bus-launcher with its own bus and registry, GTK 3 applications
# (GTK's own accessibility bridge). With accessibility = allow a sandboxed
# app is seen and operated by a screen reader outside, through the filter;
# from inside, the same walk a screen reader makes reaches no other
# application, so the sandbox cannot click the button of an app outside that
# fetches from the internet (what Tails' design documents warn of), while
# the same walk from outside does (control), and the web server sees it.
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/desktop.sh"
A11Y_APP=$TESTS_DIR/lib/a11y_app.py
A11Y_DRIVE=$TESTS_DIR/lib/a11y_drive.py
tg_setup
topo_visible A11Y_APP A11Y_DRIVE || bail_out "cannot copy the test programs"
sys_profiles_init
cleanup() { desk_down; sys_profiles_cleanup; topo_down; }
cleanup_with cleanup
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"
desk_xvfb || bail_out "Xvfb did not start"
desk_bus || bail_out "the session bus did not start"
desk_a11y || bail_out "the accessibility bus did not start"
sys_profile "tgacc-$$" "display = x11" "accessibility = allow"
sys_profile "tgnoacc-$$" "display = x11"
mapfile -t session < <(desk_env)
dtg() { in_host env "${session[@]}" "$@" "$TORGATE" --config "$CONF" --user "$TG_USER" "${args[@]}"; }
atg() { args=("$@"); dtg; }
atg_bg() { ip netns exec "$HOST_NS" env "${session[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" "$@" & }
app_shown() { grep -q '^shown' "$TOPO_DIR/$1.log"; }
fetches() { grep -c '^fetch' "$TOPO_DIR/$1.log"; }
URL=http://203.0.113.10/
me=$$ # "...$$(" would open a command substitution inside a double-quoted string

# An application outside every sandbox, as a clearnet browser would be: its
# button fetches from the internet directly.
as_desk_user env GDK_BACKEND=x11 python3 "$A11Y_APP" "Clearnet-$$" "$URL" 40 >"$TOPO_DIR/outside-app.log" 2>&1 &
topo_add_pid $!
# Sandboxed: one with accessibility, one without.
atg_bg --profile "tgacc-$$" -- python3 "$A11Y_APP" "Sandboxed-$$" "$URL" 420 >"$TOPO_DIR/sandboxed-app.log" 2>&1
topo_add_pid $!
atg_bg --profile "tgnoacc-$$" -- python3 "$A11Y_APP" "Hidden-$$" "$URL" 800 >"$TOPO_DIR/hidden-app.log" 2>&1
topo_add_pid $!
for app in outside-app sandboxed-app hidden-app; do
    WAIT_FOR_TIMEOUT=400 wait_for app_shown "$app" || bail_out "$app showed no window: $(cat "$TOPO_DIR/$app.log")"
done

# A screen reader outside reads the sandboxed app, not the one without accessibility.
reader() { as_desk_user python3 "$A11Y_DRIVE" list; }
reader_sees() { reader | grep -qx "app $1"; }
WAIT_FOR_TIMEOUT=200 wait_for reader_sees "Sandboxed-$$"
out=$(reader 2>&1)
like "$out" "(^|"$'\n'")app Sandboxed-${me}(\$|"$'\n'")" "a screen reader outside sees the sandboxed app's window (accessibility = allow)"
like "$out" "(^|"$'\n'")app Clearnet-${me}(\$|"$'\n'")" "control: and the app outside"
unlike "$out" "Hidden-$$" "the app of a profile without accessibility is not on the bus"

# From inside, the same walk and the same click: nothing of any other app.
web0=$(log_lines web)
out=$(atg --profile "tgacc-$$" -- python3 "$A11Y_DRIVE" click Fetch 2>&1)
st=$?
like "$out" "(^|"$'\n'")clicked 0(\$|"$'\n'")" "from the sandbox, no button of another app can be clicked ($st)"
like "$out" "refused :[0-9.]+: .*(AccessDenied|not allowed|ServiceUnknown)" "the proxy refuses the calls to other applications"
like "$out" "refused org\.a11y\.atspi\.Registry: .*" "and the registry's list of applications"
is "$(fetches outside-app) $(($(log_lines web) - web0))" "0 0" "the app outside fetched nothing, the web server saw nothing"

# Outside, the same program clicks both: the app outside fetches from the
# host's address, and the sandboxed app answers the screen reader through
# its filter.
out=$(as_desk_user python3 "$A11Y_DRIVE" click Fetch 2>&1)
like "$out" "(^|"$'\n'")clicked [2-9]" "control: outside, the same walk clicks the app outside and the sandboxed one"
wait_for test "$(fetches sandboxed-app)" -ge 1
like "$(cat "$TOPO_DIR/outside-app.log")" "fetched INTERNET client=192\.0\.2\.2" "the app outside fetched from the host's address"
is "$(fetches sandboxed-app)" 1 "a screen reader operates the sandboxed app (its button, clicked through the filter)"
is "$(fetches hidden-app)" 0 "... never the one without accessibility"

mkdir -p "${ARTEFACTS:-$TESTS_DIR/../build/artefacts}"
shot=${ARTEFACTS:-$TESTS_DIR/../build/artefacts}/accessibility.png
desk_screenshot "$shot"
ok_cmd "the screenshot shows the sandboxed app's window ($shot)" desk_reads "$shot" "Sandboxed-$$"

# The environment, and an accessibility bus elsewhere.
out=$(atg --profile "tgacc-$$" -- sh -c 'echo "$AT_SPI_BUS_ADDRESS|${NO_AT_BRIDGE:-}"' 2>&1)
is "$out" "unix:path=/run/torgate/a11y|" "accessibility = allow: AT_SPI_BUS_ADDRESS leads to the filter"
out=$(atg --profile "tgnoacc-$$" -- sh -c 'echo "${AT_SPI_BUS_ADDRESS:-}|$NO_AT_BRIDGE"' 2>&1)
is "$out" "|1" "without it: no address, NO_AT_BRIDGE=1"
args=(--profile "tgacc-$$" -- touch "$TOPO_DIR/ran")
out=$(dtg AT_SPI_BUS_ADDRESS=tcp:host=203.0.113.10,port=80 2>&1)
like "$out" "^torgate: the accessibility bus tcp:host=203\.0\.113\.10,port=80 is not one local address" \
    "an accessibility bus over the network is refused, in one line"
ok_cmd "... and the command did not run" test ! -e "$TOPO_DIR/ran"
args=(--profile "tgacc-$$" -- sh -c 'echo "$AT_SPI_BUS_ADDRESS"')
out=$(dtg DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent 2>&1)
is "$out" "" "with no accessibility bus in the session, the app runs without one"

done_testing
