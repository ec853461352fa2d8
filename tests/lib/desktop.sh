# tests/lib/desktop.sh -- a user's desktop session in the test's host
# namespace, built from Debian's real parts: an X server (Xvfb), a Wayland
# compositor (weston, headless), the session bus (dbus-daemon), a
# notification daemon, PulseAudio with a null sink. Source it after
# topology.sh and common.sh (or tornet's common.sh); every process is
# registered with topo_add_pid, so topo_down ends them all, also when a test
# fails. Each start waits on an event (a socket, a name on the bus), with a
# deadline, never a fixed sleep.
#
# desk_init USER     the user's runtime directory (/run/user/UID, removed at
#                    the end); sets DESK_USER, DESK_UID, DESK_RUNTIME
# desk_xvfb          Xvfb on a free display; sets DESK_DISPLAY (":N")
# desk_weston        weston --backend=headless (pixman, so that it can take
#                    screenshots) on DESK_RUNTIME/wayland-tg; sets DESK_WAYLAND
# desk_bus [DIR]     a session dbus-daemon of the user's, with DIR as a
#                    directory of activatable services; sets DESK_BUS
# desk_notifications notification-daemon on DESK_BUS, on DESK_DISPLAY
# desk_pulse         PulseAudio with a null sink "tgsink"; sets DESK_PULSE
# desk_a11y          the accessibility bus: at-spi-bus-launcher on DESK_BUS
#                    (its own dbus-daemon, the registry started on demand);
#                    sets DESK_A11Y (the bus's address)
# desk_ibus ENGINE   ibus-daemon (on DESK_BUS and DESK_DISPLAY) with ENGINE,
#                    and its portal for sandboxed clients, as a desktop that
#                    has run one has it
# as_desk_user CMD...  CMD as the user, in the host namespace, with the
#                    session's variables (outside every sandbox: a control)
# desk_env           the session's variables, as env(1) arguments
# desk_screenshot FILE  the X display's root window as a PNG
# desk_wayland_screenshot FILE  weston's output as a PNG
# desk_reads FILE TEXT  the screenshot FILE shows TEXT (OCR, tesseract): what
#                    a person looking at it would read
# desk_notification_reads FILE TEXT  the same, of the notifications' corner

desk_init() {
    DESK_USER=$1
    DESK_UID=$(id -u "$DESK_USER")
    DESK_RUNTIME=/run/user/$DESK_UID
    if [ ! -d "$DESK_RUNTIME" ]; then
        mkdir -p /run/user && install -d -m 0700 -o "$DESK_USER" -g "$(id -g "$DESK_USER")" "$DESK_RUNTIME" ||
            return 1
        _DESK_MADE_RUNTIME=1
    fi
    DESK_DISPLAY= DESK_WAYLAND= DESK_BUS= DESK_PULSE=
}

desk_env() {
    printf '%s\n' "HOME=$(getent passwd "$DESK_USER" | cut -d: -f6)" "USER=$DESK_USER" "XDG_RUNTIME_DIR=$DESK_RUNTIME"
    [ -z "$DESK_DISPLAY" ] || printf '%s\n' "DISPLAY=$DESK_DISPLAY"
    [ -z "$DESK_WAYLAND" ] || printf '%s\n' "WAYLAND_DISPLAY=$DESK_WAYLAND"
    [ -z "$DESK_BUS" ] || printf '%s\n' "DBUS_SESSION_BUS_ADDRESS=$DESK_BUS"
}

as_desk_user() {
    local vars
    mapfile -t vars < <(desk_env)
    in_host setpriv --reuid="$DESK_USER" --regid="$DESK_USER" --init-groups env -i PATH=/usr/bin:/bin "${vars[@]}" "$@"
}

# In the background, as the user; the pid goes to topo_down.
_desk_start() { # LOG CMD...
    local log=$1
    shift
    as_desk_user "$@" >"$log" 2>&1 &
    topo_add_pid $!
}

desk_xvfb() {
    local n=90
    while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
    DESK_DISPLAY=:$n
    in_host Xvfb "$DESK_DISPLAY" -screen 0 1280x800x24 -nolisten tcp >"$TOPO_DIR/xvfb.log" 2>&1 &
    topo_add_pid $!
    WAIT_FOR_TIMEOUT=400 wait_for as_desk_user xdpyinfo
}

desk_weston() {
    DESK_WAYLAND=wayland-tg
    _desk_start "$TOPO_DIR/weston.log" weston --backend=headless-backend.so --use-pixman --socket="$DESK_WAYLAND" \
        --width=1024 --height=768 --debug --idle-time=0
    WAIT_FOR_TIMEOUT=400 wait_for test -S "$DESK_RUNTIME/$DESK_WAYLAND"
}

desk_bus() { # [SERVICE_DIR]
    local conf=$TOPO_DIR/session-bus.conf services=${1:-}
    {
        echo '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"'
        echo ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">'
        echo "<busconfig><type>session</type><listen>unix:path=$DESK_RUNTIME/bus</listen>"
        [ -z "$services" ] || echo "<servicedir>$services</servicedir>"
        echo '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
        echo '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>'
    } >"$conf"
    chmod 0644 "$conf"
    _desk_start "$TOPO_DIR/session-bus.log" dbus-daemon --nofork --config-file="$conf"
    DESK_BUS=unix:path=$DESK_RUNTIME/bus
    WAIT_FOR_TIMEOUT=400 wait_for as_desk_user dbus-send --session --dest=org.freedesktop.DBus \
        /org/freedesktop/DBus org.freedesktop.DBus.GetId
}

desk_notifications() {
    _desk_start "$TOPO_DIR/notifications.log" env GDK_BACKEND=x11 NO_AT_BRIDGE=1 \
        /usr/lib/notification-daemon/notification-daemon -r
    WAIT_FOR_TIMEOUT=400 wait_for _desk_has_name org.freedesktop.Notifications
}

_desk_has_name() {
    as_desk_user dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.ListNames | grep -q "\"$1\""
}

desk_pulse() {
    _desk_start "$TOPO_DIR/pulse.log" pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit \
        --log-target=stderr -L module-native-protocol-unix -L "module-null-sink sink_name=tgsink" \
        -L "module-always-sink"
    DESK_PULSE=$DESK_RUNTIME/pulse/native
    WAIT_FOR_TIMEOUT=400 wait_for as_desk_user pactl info
}

desk_a11y() {
    _desk_start "$TOPO_DIR/a11y-bus.log" /usr/libexec/at-spi-bus-launcher --launch-immediately
    WAIT_FOR_TIMEOUT=400 wait_for _desk_has_name org.a11y.Bus || return 1
    DESK_A11Y=$(as_desk_user dbus-send --session --print-reply=literal --dest=org.a11y.Bus /org/a11y/bus \
        org.a11y.Bus.GetAddress | tr -d ' ')
    [ -n "$DESK_A11Y" ]
}

desk_ibus() { # ENGINE
    as_desk_user ibus-daemon --daemonize --replace --panel=disable --xim >"$TOPO_DIR/ibus.log" 2>&1 || return 1
    WAIT_FOR_TIMEOUT=400 wait_for _desk_has_name org.freedesktop.IBus || return 1
    _desk_start "$TOPO_DIR/ibus-portal.log" /usr/libexec/ibus-portal
    WAIT_FOR_TIMEOUT=400 wait_for _desk_has_name org.freedesktop.portal.IBus || return 1
    as_desk_user ibus engine "$1" >/dev/null 2>&1
    [ "$(as_desk_user ibus engine 2>/dev/null)" = "$1" ]
}

desk_screenshot() { # FILE
    in_host import -display "$DESK_DISPLAY" -window root "$1"
}

desk_wayland_screenshot() { # FILE
    local dir=$TOPO_DIR/wayland-shots
    mkdir -p "$dir" && chown "$DESK_USER" "$dir" && rm -f "$dir"/*.png
    (cd "$dir" && as_desk_user timeout 10 weston-screenshooter) >/dev/null 2>&1 &&
        cp "$(ls "$dir"/wayland-screenshot-*.png | head -n1)" "$1"
}

desk_reads() { # FILE TEXT
    tesseract "$1" - 2>/dev/null | grep -qF "$2"
}

# Notifications (notification-daemon puts them in the top right corner):
# that corner alone, enlarged, which tesseract reads where it misreads the
# small text of a whole screen.
desk_notification_reads() { # FILE TEXT
    convert "$1" -gravity NorthEast -crop 50%x25%+0+0 +repage -resize 300% -colorspace Gray "$1.corner.png" &&
        desk_reads "$1.corner.png" "$2"
}

desk_down() {
    [ -z "${_DESK_MADE_RUNTIME:-}" ] || rm -rf "$DESK_RUNTIME"
}
