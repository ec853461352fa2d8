#!/bin/bash
# torgate wrap (issue 13), on the real desktop entries of Debian's packages
# (firefox-esr, chromium, hexchat with its action): each Exec goes through
# torgate with the app's profile, nothing else of the entry changes; the
# real launcher GTK uses (gtk-launch) on Xvfb starts the wrapped Firefox in
# a sandbox (its network namespace is not the host's, its page lands on the
# TransPort); the undo leaves every entry byte for byte as it was, the
# user's own entry included; --system writes /usr/local/share/applications
# (here a tmpfs in a mount namespace of the test's own).
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/desktop.sh"
tg_setup
home=$TOPO_DIR/home
mkdir -p "$home" && chown "$TG_USER:" "$home" && usermod -d "$home" "$TG_USER" || bail_out "cannot make a home"
cleanup() { desk_down; topo_down; }
cleanup_with cleanup
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"
for e in firefox-esr chromium io.github.Hexchat; do
    [ -r "/usr/share/applications/$e.desktop" ] || bail_out "no /usr/share/applications/$e.desktop (make deps)"
done
apps=$home/.local/share/applications
user() { as_desk_user "$@"; }
sums() { (cd / && sha256sum usr/share/applications/*.desktop "${apps#/}"/*.desktop 2>/dev/null); }

# The user's own entry for chromium, as a user makes one (a flag of their own).
install -d -o "$TG_USER" "$home/.local" "$home/.local/share" "$apps"
printf '[Desktop Entry]\nType=Application\nName=My Chromium\nExec=/usr/bin/chromium --incognito %%U\n' >"$apps/chromium.desktop"
chown "$TG_USER" "$apps/chromium.desktop"
before=$(sums)

out=$(user "$TORGATE" wrap 2>&1)
like "$out" "(^|"$'\n'")wrapped firefox-esr\.desktop \(profile firefox-esr\)" "firefox-esr's entry is wrapped with its profile"
like "$out" "(^|"$'\n'")wrapped io\.github\.Hexchat\.desktop \(profile hexchat\)" "hexchat's, whose program is hexchat"
like "$out" "(^|"$'\n'")wrapped chromium\.desktop \(profile chromium\), your own entry kept aside" "the user's own chromium entry, kept aside"
unlike "$out" "vim\.desktop|python3" "entries without a profile are left alone"

# Only the Exec lines (actions included) and the mark differ.
for e in firefox-esr io.github.Hexchat; do
    want=$(sed -E "s|^Exec=|Exec=$TORGATE --profile $([ $e = firefox-esr ] && echo firefox-esr || echo hexchat) -- |" \
        "/usr/share/applications/$e.desktop")
    got=$(grep -v '^X-Torgate-Profile=' "$apps/$e.desktop")
    is "$got" "$want" "$e: every Exec (actions too) runs torgate, every other byte as it was"
done
is "$(grep -c "^Exec=$TORGATE --profile hexchat -- hexchat" "$apps/io.github.Hexchat.desktop")" 2 \
    "hexchat's SafeMode action is wrapped too"
out=$(user "$TORGATE" wrap --list 2>&1)
like "$out" "(^|"$'\n'")chromium\.desktop"$'\t'"chromium"$'\t'"\(your own entry kept aside\)" "wrap --list names each, and the kept entry"
again=$(sums)
user "$TORGATE" wrap >/dev/null 2>&1
is "$(sums)" "$again" "wrapping again changes nothing"

# The real launcher starts the wrapped entry, as a menu would: no terminal.
desk_xvfb || bail_out "Xvfb did not start"
desk_bus || bail_out "the session bus did not start"
tp0=$(log_lines transport)
user gtk-launch firefox-esr.desktop http://203.0.113.10/wrapped </dev/null >"$TOPO_DIR/launch.log" 2>&1
is "$?" 0 "gtk-launch firefox-esr.desktop URL"
firefox_pid() { in_host pgrep -u "$TG_USER" -o -f '^/usr/lib/firefox-esr/firefox-esr'; }
landed() { tail -n +$((tp0 + 1)) "$TOPO_DIR/transport.log" | grep -q 'peer=10\.118\.[0-9.]*:[0-9]* orig=203\.0\.113\.10:80'; }
WAIT_FOR_TIMEOUT=600 wait_for landed
ok $? "the page's connection lands on the TransPort, from a sandbox's address"
pid=$(firefox_pid)
host_net=$(in_host stat -L -c %i /proc/self/ns/net)
isnt "$(stat -L -c %i "/proc/$pid/ns/net" 2>&1)" "$host_net" "the Firefox gtk-launch started is in a network namespace of its own"
like "$(in_host pgrep -u "$TG_USER" -o -a -f "^$TORGATE ")" \
    "^[0-9]+ $TORGATE --profile firefox-esr -- /usr/lib/firefox-esr/firefox-esr http://203\.0\.113\.10/wrapped\$" \
    "started as torgate --profile firefox-esr -- ... URL (the field code expanded)"
mkdir -p "${ARTEFACTS:-$TESTS_DIR/../build/artefacts}"
shot=${ARTEFACTS:-$TESTS_DIR/../build/artefacts}/wrapped-firefox.png
shows() { desk_screenshot "$shot" && desk_reads "$shot" "TRANSPORT"; }
WAIT_FOR_TIMEOUT=60 wait_for shows
ok $? "the window shows the TransPort's answer ($shot)"
in_host pkill -u "$TG_USER" -f "^$TORGATE "
WAIT_FOR_TIMEOUT=200 wait_for test -z "$(firefox_pid)"

# With no terminal, what goes wrong reaches the desktop as a notification.
desk_notifications || bail_out "the notification daemon did not start"
as_desk_user dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" \
    >"$TOPO_DIR/monitor.log" 2>&1 &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q "NameAcquired" "$TOPO_DIR/monitor.log"
notified() { grep -qF "$1" "$TOPO_DIR/monitor.log"; }
printf '[Desktop Entry]\nType=Application\nName=Broken\nExec=%s --profile no-such-%s -- true\n' "$TORGATE" "$$" \
    >"$apps/tg-broken.desktop"
user gtk-launch tg-broken.desktop </dev/null >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for notified "unknown profile 'no-such-$$'"
ok $? "a refusal started from a menu entry (no terminal) is a notification on the session bus"
like "$(grep -A1 -F 'string "torgate: true did not start"' "$TOPO_DIR/monitor.log")" "no-such-$$" \
    "... titled 'torgate: true did not start', the error as its body"
n=$(grep -c 'member=Notify' "$TOPO_DIR/monitor.log")
out=$(as_desk_user script -qec "$TORGATE --profile no-such-$$ -- true" /dev/null 2>&1)
like "$out" "unknown profile 'no-such-$$'" "control: from a terminal the same refusal is printed"
WAIT_FOR_TIMEOUT=20 wait_for test "$(grep -c 'member=Notify' "$TOPO_DIR/monitor.log")" -gt "$n"
is "$(grep -c 'member=Notify' "$TOPO_DIR/monitor.log")" "$n" "... and no notification is sent"

# (kept to be looked at: it stays until closed)
desk_screenshot "${ARTEFACTS:-$TESTS_DIR/../build/artefacts}/notification-refusal.png"
# A fresh daemon, so that the next notification is not stacked out of sight.
in_host pkill -u "$TG_USER" -f notification-daemon
WAIT_FOR_TIMEOUT=200 wait_for sh -c "! pgrep -u $TG_USER -f notification-daemon >/dev/null"
desk_notifications || bail_out "the notification daemon did not start again"

# Tor not running (the TransPort gone): the app starts, and the user is told.
in_host pkill -f -- "--log $TOPO_DIR/transport.log"
WAIT_FOR_TIMEOUT=200 wait_for sh -c "! ip netns exec $HOST_NS ss -Htln 'sport = :9040' | grep -q ."
user gtk-launch io.github.Hexchat.desktop </dev/null >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for notified "nothing listens on Tor's TransPort"
ok $? "a wrapped entry started while Tor is not running: 'torgate: Tor is not running' is a notification"
like "$(grep -A1 -F 'string "torgate: Tor is not running"' "$TOPO_DIR/monitor.log")" "is tor running\? Until it is, hexchat reaches nothing" \
    "... saying what the app will reach"
shot2=${ARTEFACTS:-$TESTS_DIR/../build/artefacts}/notification-tor-not-running.png
shows_notice() { desk_screenshot "$shot2" && desk_notification_reads "$shot2" "Tor is not running"; }
WAIT_FOR_TIMEOUT=40 wait_for shows_notice
ok $? "the notification is on the screen ($shot2)"
in_host pkill -u "$TG_USER" -f "^$TORGATE "
WAIT_FOR_TIMEOUT=200 wait_for sh -c "! pgrep -u $TG_USER -x hexchat >/dev/null"
rm -f "$apps/tg-broken.desktop"

out=$(user "$TORGATE" wrap --undo 2>&1)
like "$out" "(^|"$'\n'")unwrapped chromium\.desktop: your own entry is back" "wrap --undo puts the user's own entry back"
is "$(sums)" "$before" "after the undo every entry is byte for byte what it was"
is "$(user "$TORGATE" wrap --list 2>&1)" "" "and nothing is listed"

# For everyone, as root: /usr/local/share/applications (a tmpfs here).
out=$(unshare -m sh -c "mount -t tmpfs none /usr/local/share/applications 2>/dev/null ||
    { mkdir -p /usr/local/share/applications && mount -t tmpfs none /usr/local/share/applications; } &&
    $TORGATE wrap --system && $TORGATE wrap --system --list && $TORGATE wrap --system --undo &&
    ls -A /usr/local/share/applications" 2>&1)
like "$out" "wrapped firefox-esr\.desktop \(profile firefox-esr\).*"$'\n'"firefox-esr\.desktop"$'\t'"firefox-esr" \
    "wrap --system writes and lists the entries for everyone"
like "$out" "unwrapped firefox-esr\.desktop"'$' "and --undo removes them, leaving nothing"
out=$(user "$TORGATE" wrap --system 2>&1)
is "$out" "torgate: wrap --system is for root: it writes /usr/local/share/applications" "--system is refused to a user, in one line"
out=$(user "$TORGATE" wrap --bogus 2>&1)
like "$out" "^torgate: wrap: unknown argument --bogus" "a bad argument is named"

done_testing
