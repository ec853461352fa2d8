#!/bin/bash
# The Unsafe Browser as Tails shows it (issue 13), as a person starts it:
# its own menu entry (the installed .desktop file, run by gtk-launch on Xvfb,
# no terminal) first asks, in a dialog that says what it does; Cancel starts
# nothing; "Start without Tor" starts Firefox in a window of its own class,
# on the warning page, with Firefox's own sandbox intact (its content
# processes get user namespaces: no "CanCreateUserNamespace() clone()
# failure: EPERM", which the same browser logs under a profile without them);
# a second launch while it runs is refused in a dialog; and where the
# administrator has not enabled clearnet, a dialog says so. Each dialog is
# read off a screenshot (OCR).
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/desktop.sh"
tg_setup
home=$TOPO_DIR/home
mkdir -p "$home" && chown "$TG_USER:" "$home" && usermod -d "$home" "$TG_USER" || bail_out "cannot make a home"
cleanup() { desk_down; topo_down; }
cleanup_with cleanup
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"
desk_xvfb || bail_out "Xvfb did not start"
desk_bus || bail_out "the session bus did not start"
ARTEFACTS=${ARTEFACTS:-$TESTS_DIR/../build/artefacts}
mkdir -p "$ARTEFACTS"

ENTRY=$STAGE/share/applications/torgate-unsafe-browser.desktop
like "$(grep '^Exec=' "$ENTRY")" "^Exec=$STAGE/bin/torgate --profile unsafe-browser -- firefox-esr .*--class UnsafeBrowser" \
    "the installed menu entry starts Firefox through torgate's unsafe-browser profile, with a class of its own"
# The entry as installed, but for where its warning page is: a checkout (and
# so the staged tree) may be under /tmp, which is each sandbox's own; the
# page is copied where the sandbox sees it (in an installed system it is
# under /usr/share).
PAGE=$STAGE/share/torgate/unsafe-browser.html
cp "$PAGE" "$TOPO_DIR/unsafe-browser.html" && chmod 644 "$TOPO_DIR/unsafe-browser.html"
install -d -o "$TG_USER" "$home/.local" "$home/.local/share" "$home/.local/share/applications"
sed "s|file://$PAGE|file://$TOPO_DIR/unsafe-browser.html|" "$ENTRY" >"$home/.local/share/applications/torgate-unsafe-browser.desktop"
is "$(diff "$ENTRY" "$home/.local/share/applications/torgate-unsafe-browser.desktop" | grep -c '^[<>]')" 2 \
    "the user's copy of the entry differs in the page's path only"
# The system's torgate.conf, as the administrator wrote it: the test's
# (clearnet for the user), or one without a clearnet group; bound over the
# installed one in a mount namespace of the test's own, as the user starts
# the entry.
NOGROUP=$TOPO_DIR/no-clearnet.conf
grep -v '^group = ' "$CONF" >"$NOGROUP"
launch() { # CONF LOG: gtk-launch the entry, as the user, no terminal
    local vars
    mapfile -t vars < <(desk_env)
    in_host unshare -m --propagation private sh -c 'mount --bind "$0" "$1" && shift && exec "$@"' \
        "$1" "$STAGE/etc/torgate/torgate.conf" setpriv --reuid="$DESK_USER" --regid="$DESK_USER" --init-groups \
        env -i PATH=/usr/bin:/bin "${vars[@]}" gtk-launch torgate-unsafe-browser \
        </dev/null >"$2" 2>&1
}
dialog() { as_desk_user xdotool search --onlyvisible --name '^unsafe-browser$' 2>/dev/null | head -n 1; }
has_dialog() { [ -n "$(dialog)" ]; }
no_dialog() { [ -z "$(dialog)" ]; }
press() { # KEY...: to the dialog, as a person at the keyboard
    as_desk_user xdotool windowfocus --sync "$(dialog)" >/dev/null 2>&1
    as_desk_user xdotool key "$@" >/dev/null 2>&1
}
browser() { as_desk_user xdotool search --onlyvisible --class '^UnsafeBrowser$' 2>/dev/null | head -n 1; }
has_browser() { [ -n "$(browser)" ]; }
launcher_pid() { in_host pgrep -u "$TG_USER" -o -f "^$STAGE/bin/torgate --profile unsafe-browser"; }
no_launcher() { [ -z "$(launcher_pid)" ]; }
reads() { # SHOT TEXT: the whole screen
    desk_screenshot "$1" && desk_reads "$1" "$2"
}
dialog_reads() { # SHOT TEXT: the dialog's window alone, as tesseract reads it best
    local w
    w=$(dialog) && [ -n "$w" ] && in_host import -display "$DESK_DISPLAY" -window "$w" "$1" && desk_reads "$1" "$2"
}

# Cancel: nothing starts.
launch "$CONF" "$TOPO_DIR/cancel.log"
WAIT_FOR_TIMEOUT=400 wait_for has_dialog
ok $? "gtk-launch of the Unsafe Browser's entry: a dialog first"
shot=$ARTEFACTS/unsafe-browser-confirm.png
WAIT_FOR_TIMEOUT=40 wait_for dialog_reads "$shot" "captive portal"
ok $? "... saying what it does: not through Tor, for captive portals ($shot)"
desk_reads "$shot" "see your real address"
ok $? "... that the sites and the network see the real address"
press Escape
WAIT_FOR_TIMEOUT=200 wait_for no_launcher
ok $? "Cancel: torgate ends"
ok_cmd "... and no browser started" test -z "$(browser)"

# Start without Tor.
launch "$CONF" "$TOPO_DIR/start.log"
WAIT_FOR_TIMEOUT=400 wait_for has_dialog
press Tab Return
WAIT_FOR_TIMEOUT=1200 wait_for has_browser
ok $? "\"Start without Tor\": Firefox's window, of class UnsafeBrowser, told apart from the Tor browsers'"
shot=$ARTEFACTS/unsafe-browser-window.png
WAIT_FOR_TIMEOUT=60 wait_for reads "$shot" "NOT ANONYMOUS"
ok $? "... on the warning start page ($shot)"
host_net=$(in_host stat -L -c %i /proc/self/ns/net)
pid=$(in_host pgrep -u "$TG_USER" -o -f '^/usr/lib/firefox-esr/firefox-esr')
isnt "$(stat -L -c %i "/proc/$pid/ns/net" 2>&1)" "$host_net" "... in a network namespace of its own"
unlike "$(cat "$TOPO_DIR/start.log")" 'CanCreateUserNamespace\(\) clone\(\) failure: EPERM' \
    "Firefox's own sandbox has its user namespaces (no CanCreateUserNamespace EPERM)"

# Only one at a time.
launch "$CONF" "$TOPO_DIR/second.log"
shot=$ARTEFACTS/unsafe-browser-already-running.png
WAIT_FOR_TIMEOUT=40 wait_for dialog_reads "$shot" "already running"
ok $? "a second launch while it runs: a dialog says it is already running ($shot)"
press Return
WAIT_FOR_TIMEOUT=200 wait_for no_dialog
# Launchers: torgate processes whose parent is none (a sandbox's first
# process and its init are the launcher's forks, with its command line).
launchers() {
    local n=0 p parent
    for p in $(in_host pgrep -u "$TG_USER" -f "^$STAGE/bin/torgate --profile unsafe-browser"); do
        parent=$(awk '/^PPid:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
        tr '\0' ' ' <"/proc/$parent/cmdline" 2>/dev/null | grep -q "^$STAGE/bin/torgate " || n=$((n + 1))
    done
    echo "$n"
}
one_launcher() { [ "$(launchers)" = 1 ]; }
WAIT_FOR_TIMEOUT=200 wait_for one_launcher
is "$(launchers)" 1 "... which ends once closed, and no second one started" ||
    diag "$(in_host pgrep -a -u "$TG_USER"; cat "$TOPO_DIR/second.log" "$TOPO_DIR/start.log")"
ok_cmd "... while the first still runs" has_browser
in_host pkill -u "$TG_USER" -f "^$STAGE/bin/torgate --profile unsafe-browser"
WAIT_FOR_TIMEOUT=400 wait_for no_launcher

# The control for the user namespaces: the same browser, under the user's
# own profile that takes them away, logs the failure.
install -d -o "$TG_USER" "$home/.config" "$home/.config/torgate" "$home/.config/torgate/profiles"
sed 's/^user-namespaces = allow$/user-namespaces = deny/' "$STAGE/share/torgate/profiles/unsafe-browser.profile" \
    >"$home/.config/torgate/profiles/unsafe-browser.profile"
chown "$TG_USER" "$home/.config/torgate/profiles/unsafe-browser.profile"
launch "$CONF" "$TOPO_DIR/no-userns.log"
WAIT_FOR_TIMEOUT=400 wait_for has_dialog
press Tab Return
WAIT_FOR_TIMEOUT=1200 wait_for grep -q 'CanCreateUserNamespace() clone() failure: EPERM' "$TOPO_DIR/no-userns.log"
ok $? "control: without user namespaces, the same Firefox logs CanCreateUserNamespace() EPERM"
in_host pkill -u "$TG_USER" -f "^$STAGE/bin/torgate --profile unsafe-browser"
WAIT_FOR_TIMEOUT=400 wait_for no_launcher
rm -f "$home/.config/torgate/profiles/unsafe-browser.profile"

# Clearnet not enabled by the administrator: a dialog says so, nothing runs.
launch "$NOGROUP" "$TOPO_DIR/refused.log"
shot=$ARTEFACTS/unsafe-browser-refused.png
WAIT_FOR_TIMEOUT=40 wait_for dialog_reads "$shot" "[clearnet] group in torgate.conf"
ok $? "with clearnet not enabled, a dialog says why ($shot)"
ok_cmd "... and no browser started" test -z "$(browser)"
press Return
WAIT_FOR_TIMEOUT=200 wait_for no_launcher
ok $? "... and torgate ends once it is closed"

done_testing
