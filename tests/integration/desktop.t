#!/bin/bash
# The user's session, from inside a sandbox (issue 12): a real X server
# (Xvfb), a real Wayland compositor (weston), a real session bus
# (dbus-daemon) with a real notification daemon, and host daemons' UNIX
# sockets in /run, /tmp and the runtime directory. Each way out is tried
# from inside and counted on the far side (the daemon's log, the internet's
# web server), and the same attempt from outside the sandbox arrives
# (control).
. "$(dirname "$0")/common.sh"
. "$TESTS_DIR/lib/desktop.sh"
UNIXSOCK=$TESTS_DIR/lib/unixsock.py
IM_ENTRY=$TESTS_DIR/lib/im_entry.py
tg_setup
topo_visible UNIXSOCK IM_ENTRY || bail_out "cannot copy the test programs"
sys_profiles_init
home=$TOPO_DIR/home
mkdir -p "$home" && chown "$TG_USER:" "$home" && usermod -d "$home" "$TG_USER" || bail_out "cannot make a home"
cleanup() { desk_down; sys_profiles_cleanup; rm -rf "/run/tgdesk-$$" "/tmp/tgdesk-$$.sock"; topo_down; }
cleanup_with cleanup
desk_init "$TG_USER" || bail_out "cannot make the user's runtime directory"

# ============================================================ host sockets
# Host daemons listening where daemons listen; each logs every connection.
mkdir -p "/run/tgdesk-$$"
sockets=("/run/tgdesk-$$/daemon.sock" "/tmp/tgdesk-$$.sock" "$DESK_RUNTIME/user-daemon.sock")
for i in 0 1 2; do
    in_host python3 "$UNIXSOCK" listen "${sockets[$i]}" "$TOPO_DIR/sock$i.log" &
    topo_add_pid $!
    : >"$TOPO_DIR/sock$i.log"
done
for i in 0 1 2; do wait_for test -S "${sockets[$i]}" || bail_out "no listener at ${sockets[$i]}"; done
chown "$TG_USER" "$DESK_RUNTIME/user-daemon.sock"
for i in 0 1 2; do
    s=${sockets[$i]}
    out=$(tg -- python3 "$UNIXSOCK" connect "$s" 2>&1)
    like "$out" "^FAIL ENOENT" "a host daemon's socket $s is not there in the sandbox ($out)"
    out=$(as_desk_user python3 "$UNIXSOCK" connect "$s" 2>&1)
    is "$out" connected "control: outside, the same user connects to $s"
    is "$(log_lines "sock$i")" 1 "... and the daemon saw that connection only"
done
out=$(tg -- sh -c 'find /run /tmp -type s 2>/dev/null; echo "runtime=$XDG_RUNTIME_DIR"' 2>&1)
is "$out" "runtime=$DESK_RUNTIME" "no socket at all in the sandbox's /run and /tmp; XDG_RUNTIME_DIR is its own"
ok_cmd "the sandbox's /run is read-only, its runtime directory and /tmp writable" \
    tg -- sh -c '! touch /run/x 2>/dev/null && touch "$XDG_RUNTIME_DIR/x" /tmp/x'

# ============================================================ the display
desk_xvfb || bail_out "Xvfb did not start"
desk_weston || bail_out "weston did not start"
sys_profile "tgdesk-x11-$$" "display = x11"
sys_profile "tgdesk-wl-$$" "display = wayland"
sys_profile "tgdesk-none-$$" "mode = tor"
mapfile -t session < <(desk_env)
dtg() { tg_env "${session[@]}" "$@"; }
tg_env() { local vars=(); while [[ ${1:-} == *=* ]]; do vars+=("$1"); shift; done
    in_host env "${vars[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" "$@"; }
# in the background; $! is torgate
dtg_bg() { ip netns exec "$HOST_NS" env "${session[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" "$@" & }

out=$(dtg --profile "tgdesk-x11-$$" -- xdpyinfo 2>&1 | grep -c "^name of display")
is "$out" 1 "display = x11: an X client in the sandbox opens the X server"
out=$(dtg --profile "tgdesk-wl-$$" -- sh -c 'echo "DISPLAY=${DISPLAY:-}"; DISPLAY='"$DESK_DISPLAY"' xdpyinfo' 2>&1)
like "$out" $'^DISPLAY=\n' "display = wayland: DISPLAY is unset in the sandbox"
like "$out" "unable to open display" "... and the X server cannot be opened, even by its name (no socket, no abstract socket)"
out=$(dtg --profile "tgdesk-wl-$$" -- wayland-info 2>&1 | grep -c "wl_compositor")
is "$out" 1 "display = wayland: a Wayland client in the sandbox talks to the compositor"
out=$(dtg --profile "tgdesk-x11-$$" -- sh -c 'echo "WAYLAND_DISPLAY=${WAYLAND_DISPLAY:-}"; WAYLAND_DISPLAY='"$DESK_WAYLAND"' wayland-info' 2>&1)
like "$out" $'^WAYLAND_DISPLAY=\n' "display = x11: WAYLAND_DISPLAY is unset in the sandbox"
unlike "$out" "wl_compositor" "... and the compositor cannot be reached by its name"
out=$(dtg --profile "tgdesk-none-$$" -- sh -c 'DISPLAY='"$DESK_DISPLAY"' xdpyinfo; WAYLAND_DISPLAY='"$DESK_WAYLAND"' wayland-info' 2>&1)
unlike "$out" "name of display|wl_compositor" "no display key: neither server is reachable"
is "$(as_desk_user wayland-info 2>&1 | grep -c wl_compositor)" 1 "control: outside, the compositor answers"

# ============================================================ the session bus
# An activatable service that, started, fetches from the internet: started
# by the bus, outside every sandbox, it would carry the request there.
services=$TOPO_DIR/services
mkdir -p "$services"
printf '[D-BUS Service]\nName=org.torgate.Test.Escape\nExec=/usr/bin/curl -s -m 5 -o /dev/null http://203.0.113.10/activated\n' \
    >"$services/org.torgate.Test.Escape.service"
chmod -R a+rX "$services"
desk_bus "$services" || bail_out "the session bus did not start"
desk_notifications || bail_out "the notification daemon did not start"
mapfile -t session < <(desk_env)
sys_profile "tgdesk-bus-$$" "display = x11" "session-bus = filtered" "[session-bus]" "talk = org.freedesktop.Notifications"
sys_profile "tgdesk-nobus-$$" "display = x11"
: >"$TOPO_DIR/web.log"
call_escape='dbus-send --session --print-reply --dest=org.torgate.Test.Escape /org/torgate/Test org.torgate.Test.Run'
out=$(dtg --profile "tgdesk-bus-$$" -- sh -c "$call_escape" 2>&1)
like "$out" "org.freedesktop.DBus.Error.ServiceUnknown|AccessDenied" "a call to an activatable service no rule names is refused ($out)"
out=$(dtg --profile "tgdesk-bus-$$" -- dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.StartServiceByName string:org.torgate.Test.Escape uint32:0 2>&1)
like "$out" "Error" "... and so is asking the bus to start it ($out)"
out=$(dtg --profile "tgdesk-bus-$$" -- dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.ListActivatableNames 2>&1)
unlike "$out" "org.torgate.Test.Escape" "... nor does the sandbox see it among the activatable names"
out=$(dtg --profile "tgdesk-nobus-$$" -- sh -c 'echo "bus=${DBUS_SESSION_BUS_ADDRESS:-}"; DBUS_SESSION_BUS_ADDRESS='"$DESK_BUS"' '"$call_escape" 2>&1)
like "$out" $'^bus=\n' "no session-bus key: DBUS_SESSION_BUS_ADDRESS is unset in the sandbox"
unlike "$out" "method return" "... and the real bus cannot be reached by its address"
as_desk_user sh -c "$call_escape" >/dev/null 2>&1
WAIT_FOR_TIMEOUT=200 wait_for grep -q "client=" "$TOPO_DIR/web.log"
is "$(log_lines web)" 1 "control: outside, the call starts the service, whose fetch arrives: the only one, none came from the sandbox"
like "$(cat "$TOPO_DIR/web.log")" "client=192\\.0\\.2\\.2" "... from the host's own address"

# What no shipped profile may name: each is a way out (systemd --user starts
# programs outside; the accessibility bus drives other apps; a browser's
# remote name hands URLs over; the desktop portal opens URIs outside).
shipped=$STAGE/share/torgate/profiles
is "$(grep -lE 'systemd1|org\.a11y|org\.mozilla|portal\.Desktop|OpenURI' "$shipped"/*.profile)" "" \
    "no shipped profile names systemd1, the accessibility bus, a browser's remote name or the desktop portal"
like "$(grep -l 'talk = org.freedesktop.Notifications' "$shipped"/*.profile)" "firefox-esr\.profile" \
    "control: the same search finds the names shipped profiles do grant"

# A named service works: a notification reaches the real daemon.
as_desk_user dbus-monitor --session "interface='org.freedesktop.Notifications',member='Notify'" \
    >"$TOPO_DIR/monitor.log" 2>&1 &
topo_add_pid $!
WAIT_FOR_TIMEOUT=200 wait_for grep -q "NameAcquired" "$TOPO_DIR/monitor.log"
ok_cmd "talk = org.freedesktop.Notifications: notify-send in the sandbox succeeds" \
    dtg --profile "tgdesk-bus-$$" -- notify-send "torgate test" "hello from the sandbox $$"
WAIT_FOR_TIMEOUT=200 wait_for grep -q "hello from the sandbox $$" "$TOPO_DIR/monitor.log"
ok $? "... and the notification daemon on the real session bus got it"
mkdir -p "${ARTEFACTS:-$TESTS_DIR/../build/artefacts}"
shot=${ARTEFACTS:-$TESTS_DIR/../build/artefacts}/notification-from-sandbox.png
desk_screenshot "$shot"
ok $? "a screenshot of the X display with the notification: $shot"
out=$(dtg --profile "tgdesk-bus-$$" -- dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
    org.a11y.Bus.GetAddress 2>&1)
unlike "$out" "method return" "the accessibility bus's address is not to be had (it drives other apps)"

# The proxy: one per sandbox, the user's, with no capability, gone with torgate.
ip netns exec "$HOST_NS" env "${session[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" --profile "tgdesk-bus-$$" -- sleep 60 &
tgpid=$!
proxy_of() { pgrep -P "$tgpid" -x xdg-dbus-proxy; }
WAIT_FOR_TIMEOUT=200 wait_for proxy_of
proxy=$(proxy_of)
ok "$([ -n "$proxy" ] && echo 0 || echo 1)" "torgate runs xdg-dbus-proxy for the sandbox (pid ${proxy:-none})"
is "$(awk '/^CapPrm|^CapEff|^CapBnd/{print $2}' "/proc/$proxy/status" 2>/dev/null | sort -u)" 0000000000000000 \
    "... with no capability in any set"
is "$(stat -c %U "/proc/$proxy")" "$TG_USER" "... as the user"
kill -KILL "$tgpid"
WAIT_FOR_TIMEOUT=200 wait_for sh -c "! kill -0 $proxy 2>/dev/null"
ok $? "SIGKILL of torgate: the proxy is gone too"
wait "$tgpid" 2>/dev/null

# Fail closed: a helper that cannot start (here, /bin/false in its place, in
# a mount namespace of the test's own), and COMMAND does not run.
marker=$TOPO_DIR/ran-without-helper
broken_helper() { # HELPER-BINARY PROFILE WHAT EXPECTED-LINE
    out=$(unshare -m sh -c 'mount --bind /bin/false "$0" && exec "$@"' "$1" \
        ip netns exec "$HOST_NS" env "${session[@]}" "$TORGATE" --config "$CONF" --user "$TG_USER" \
        --profile "$2" -- touch "$marker" 2>&1); st=$?
    is "$st" 125 "$3 fails to start: torgate fails"
    like "$out" "$4" "... saying so ($out)"
    ok "$([ ! -e "$marker" ] && echo 0 || echo 1)" "... and the command did not run"
}
broken_helper /usr/bin/xdg-dbus-proxy "tgdesk-bus-$$" "the D-Bus proxy" "D-Bus proxy .* did not start"
out=$(tg_env DBUS_SESSION_BUS_ADDRESS=tcp:host=203.0.113.10,port=80 --profile "tgdesk-bus-$$" -- touch "$marker" 2>&1); st=$?
is "$st" 125 "a session bus over TCP is refused"
like "$out" "not one local address" "... in one line ($out)"

# ============================================================ input method
# IBus with a latin postfix engine (a then ' makes á), and its portal: the
# way in that is no way out (IBus's own bus is an abstract socket of the
# host's network namespace; the portal serves input contexts of the
# client's own). A GTK entry in the sandbox, typed into from outside.
desk_ibus m17n:t:latn-post || bail_out "IBus did not start"
mapfile -t session < <(desk_env)
sys_profile "tgdesk-im-$$" "display = x11" "session-bus = filtered" "[session-bus]" "talk = org.freedesktop.portal.IBus"
# The input contexts' focus, as the session bus sees it: an app's context
# is ready for keys once it has been focused.
as_desk_user dbus-monitor --session "interface='org.freedesktop.IBus.InputContext'" \
    >"$TOPO_DIR/im-focus.log" 2>&1 &
WAIT_FOR_TIMEOUT=200 wait_for grep -q NameAcquired "$TOPO_DIR/im-focus.log"
focused_more_than() { [ "$(grep -c 'member=FocusIn' "$TOPO_DIR/im-focus.log")" -gt "$1" ]; }
type_into() { # PROFILE TITLE [im]: the entry's text after typing "a' " into it
    local out=$TOPO_DIR/typed-$2 focused
    rm -f "$out"
    focused=$(grep -c 'member=FocusIn' "$TOPO_DIR/im-focus.log")
    dtg_bg --profile "$1" -- env GTK_IM_MODULE=ibus python3 "$IM_ENTRY" "$2" "$out" 2>"$TOPO_DIR/im-$2.log"
    local pid=$!
    WAIT_FOR_TIMEOUT=400 wait_for as_desk_user xdotool search --name "^$2\$"
    as_desk_user xdotool search --name "^$2\$" windowfocus --sync >/dev/null 2>&1
    if [ -n "${3:-}" ]; then
        # focused, the context gets the engine (ibus engine sets the focused one's)
        WAIT_FOR_TIMEOUT=400 wait_for focused_more_than "$focused"
        as_desk_user ibus engine m17n:t:latn-post
    fi
    # the space commits what the engine composed (postfix: a, then ')
    as_desk_user xdotool type --delay 50 "a' " >/dev/null 2>&1
    WAIT_FOR_TIMEOUT=200 wait_for grep -q ' $' "$out"
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    cat "$out"
}
is "$(type_into "tgdesk-im-$$" im-portal im)" "á " "talk = org.freedesktop.portal.IBus: typing a' in the sandbox makes á, through the input method"
[ "$TAP_FAILED" = 0 ] || diag "$(cat "$TOPO_DIR/im-im-portal.log" "$TOPO_DIR/ibus-portal.log")"
is "$(type_into "tgdesk-x11-$$" im-none)" "a' " "control: without the portal, the same typing reaches the app as typed (no input method)"

# ============================================================ sound
# The session's PulseAudio, with a null sink standing in for the speakers.
desk_pulse || bail_out "PulseAudio did not start"
sys_profile "tgdesk-sound-$$" "sound = allow"
sox -n -r 44100 -c 2 "$TOPO_DIR/tone.wav" synth 1 sine 440 && chmod 644 "$TOPO_DIR/tone.wav"
as_desk_user parecord --device=tgsink.monitor --file-format=wav "$TOPO_DIR/heard.wav" &
recording() { as_desk_user pactl list short source-outputs | grep -q .; }
WAIT_FOR_TIMEOUT=200 wait_for recording
out=$(dtg --profile "tgdesk-sound-$$" -- sh -c 'pactl info | grep -E "^(Server String|Default Sink)"; paplay "$0" && echo played' "$TOPO_DIR/tone.wav" 2>&1)
like "$out" "Server String: unix:/run/torgate/pulse" "sound = allow: the sandbox's sound server is its own"
like "$out" "Default Sink: session" "... whose sink is the tunnel to the session's"
like "$out" "played" "a player in the sandbox plays a tone"
pkill -INT -u "$TG_USER" -x parecord; wait_for sh -c "! pgrep -u $TG_USER -x parecord"
rms=$(sox "$TOPO_DIR/heard.wav" -n stat 2>&1 | awk '/RMS +amplitude/{print $3}')
ok "$(awk -v r="${rms:-0}" 'BEGIN{exit !(r > 0.1)}' && echo 0 || echo 1)" "... and the session's sink heard it (RMS amplitude ${rms:-none})"
before=$(far_count "$INET_NS" all4)
out=$(dtg --profile "tgdesk-sound-$$" -- sh -c 'pactl load-module module-tunnel-sink server=tcp:203.0.113.10:80;
    pactl load-module module-rtp-send destination_ip=203.0.113.10 port=5004 2>&1' 2>&1)
like "$out" "Failure|refused|denied" "loading a network module from the sandbox is refused ($(tr '\n' ' ' <<<"$out"))"
is "$(far_count "$INET_NS" all4)" "$before" "... and nothing arrived on the internet side"
out=$(dtg --profile "tgdesk-sound-$$" -- sh -c 'PULSE_SERVER=unix:'"$DESK_PULSE"' pactl info' 2>&1)
like "$out" "Default Sink: session" "... and the session's server's path leads to the sandbox's own"
unlike "$out" "tgsink" "... never to the session's (whose sink is tgsink)"
as_desk_user pactl load-module module-tunnel-sink server=tcp:203.0.113.10:80 sink_name=control >/dev/null 2>&1
inet_heard_more_than() { [ "$(far_count "$INET_NS" all4)" -gt "$1" ]; }
WAIT_FOR_TIMEOUT=200 wait_for inet_heard_more_than "$before"
ok $? "control: outside, the same load-module makes the session's server connect to the internet"

sys_profile "tgdesk-nosound-$$" "mode = tor"
out=$(dtg --profile "tgdesk-nosound-$$" -- sh -c 'echo "pulse=${PULSE_SERVER:-}"; pactl info' 2>&1)
like "$out" $'^pulse=\n' "no sound key: no sound server in the sandbox"
unlike "$out" "Server String" "... and the session's is not reached"
broken_helper /usr/bin/pulseaudio "tgdesk-sound-$$" "the sandbox's sound server" "sound server .* exited"

# ============================================================ own directories
sys_profile "tgdesk-own-a-$$" "own-dirs = .mozilla"
sys_profile "tgdesk-own-b-$$" "own-dirs = .mozilla"
mkdir -p "$home/.mozilla" && echo users >"$home/.mozilla/cookies" && chown -R "$TG_USER:" "$home/.mozilla"
out=$(tg --profile "tgdesk-own-a-$$" -- sh -c 'cat ~/.mozilla/cookies 2>&1; echo tor-a >~/.mozilla/cookies; cat ~/.mozilla/cookies')
like "$out" "No such file" "own-dirs: the sandbox does not see the user's ~/.mozilla"
is "$(tg --profile "tgdesk-own-a-$$" -- sh -c 'cat ~/.mozilla/cookies' 2>&1)" "tor-a" "... but its own, kept from one run to the next"
is "$(tg --profile "tgdesk-own-b-$$" -- sh -c 'cat ~/.mozilla/cookies 2>&1' | grep -c tor-a)" 0 \
    "another profile's sandbox sees none of it"
is "$(cat "$home/.mozilla/cookies")" "users" "control: outside, the user's own ~/.mozilla is untouched"
out=$(tg --profile "tgdesk-own-b-$$" -- sh -c 'ls -A ~/.local/share/torgate; mv ~/.local ~/.local2 2>&1; mv ~/.local/share ~/.local/share2 2>&1' 2>&1)
is "$(head -n1 <<<"$out")" "mv: cannot move '$home/.local' to '$home/.local2': Device or resource busy" \
    "the store of own directories is out of sight, and what leads to it cannot be renamed away"
ok_cmd "control: outside, the store holds each profile's own" test -f "$home/.local/share/torgate/tgdesk-own-a-$$/.mozilla/cookies"

done_testing
