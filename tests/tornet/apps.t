#!/bin/bash
# Real programs as people use them, each under its own shipped profile, with
# a real tor as the host's Tor: curl, wget, git clone over http, ssh, and
# Debian's chromium (headless), whose screenshot is kept in $ARTEFACTS. Each
# server in the internet says who connected: the exit, never the host.
. "$(dirname "$0")/common.sh"
mkdir -p "$ARTEFACTS" || bail_out "cannot create $ARTEFACTS"
tornet_setup

SRV=$TOPO_DIR/servers
mkdir -m 0755 "$SRV" || bail_out "cannot create $SRV"
ip -n "$INET_NS" addr add 203.0.113.11/32 dev lo || bail_out "cannot add the git server's address"
ip -n "$INET_NS" addr add 203.0.113.22/32 dev lo || bail_out "cannot add the ssh server's address"
ip -n "$INET_NS" addr add 203.0.113.23/32 dev lo || bail_out "cannot add the IRC server's address"

# An IRC server that logs every line its clients send (NICK, USER with the
# client's hostname and real name), and an IRC client that fills them in as
# IRC clients do by default (hexchat: the account's full name, the machine's
# name).
cat >"$SRV/ircd.py" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 6667))
s.listen(8)
log = open(sys.argv[2], "a", buffering=1)
while True:
    c, peer = s.accept()
    log.write("connect from %s\n" % peer[0])
    for raw in c.makefile("rb"):
        line = raw.decode(errors="replace").rstrip("\r\n")
        log.write(line + "\n")
        if line.startswith("USER "):
            c.sendall(b":irc.example.test 001 you :Welcome\r\n")
        if line.startswith("QUIT"):
            break
    c.close()
PY
cat >"$SRV/irc-client.py" <<'PY'
import os, pwd, socket, sys
me = pwd.getpwuid(os.getuid())
real_name = me.pw_gecos.split(",")[0] or me.pw_name
s = socket.create_connection((sys.argv[1], 6667), timeout=60)
s.sendall(("NICK %s\r\nUSER %s %s irc.example.test :%s\r\n" % (me.pw_name, me.pw_name, socket.gethostname(), real_name)).encode())
print(s.recv(4096).decode().split("\r\n")[0])
s.sendall(b"QUIT :bye\r\n")
s.close()
PY
: >"$SRV/irc.log"
ip netns exec "$INET_NS" python3 "$SRV/ircd.py" 203.0.113.23 "$SRV/irc.log" </dev/null >/dev/null 2>&1 &
topo_add_pid $!

# git.example.test: a bare repository served over plain ("dumb") http.
git_repo() {
    local work=$SRV/work
    git init -q -b main "$work" &&
        echo "cloned through Tor" >"$work/README" &&
        git -C "$work" add README &&
        git -C "$work" -c user.name=torgate -c user.email=torgate@example.test commit -q -m first &&
        git clone -q --bare "$work" "$SRV/git/repo.git" &&
        git -C "$SRV/git/repo.git" update-server-info
}
mkdir -p "$SRV/git" && git_repo >/dev/null 2>&1 || bail_out "cannot make the git repository"
ip netns exec "$INET_NS" python3 -m http.server 80 --bind 203.0.113.11 --directory "$SRV/git" \
    </dev/null >/dev/null 2>"$SRV/git.log" &
topo_add_pid $!

# ssh.example.test: dropbear, with root's home swapped for one of the test's
# own in a mount namespace of its own (the real /root is never touched).
mkdir -p -m 0700 "$SRV/home/.ssh" || bail_out "cannot make the ssh home"
ssh-keygen -q -t ed25519 -N '' -C torgate-test -f "$SRV/id" || bail_out "cannot make an ssh key"
chown "$TG_USER" "$SRV/id" # the key of the user who runs ssh
cp "$SRV/id.pub" "$SRV/home/.ssh/authorized_keys"
dropbearkey -t ed25519 -f "$SRV/hostkey" >/dev/null 2>&1 || bail_out "cannot make dropbear's host key"
echo "ssh.example.test $(dropbearkey -y -f "$SRV/hostkey" | grep '^ssh-ed25519' | cut -d' ' -f1,2)" >"$SRV/known_hosts"
ip netns exec "$INET_NS" unshare -m --propagation private sh -c \
    'mount --bind "$1" /root && exec dropbear -F -E -s -p 203.0.113.22:22 -r "$2" -P "$3"' \
    sh "$SRV/home" "$SRV/hostkey" "$SRV/dropbear.pid" </dev/null >/dev/null 2>"$SRV/ssh.log" &
topo_add_pid $!
listening() { [ -n "$(ip netns exec "$INET_NS" ss -Hnlt "src $1 and sport = :$2")" ]; }
wait_for listening 203.0.113.11 80 || bail_out "the git server does not listen"
wait_for listening 203.0.113.22 22 || bail_out "the ssh server does not listen"
wait_for listening 203.0.113.23 6667 || bail_out "the IRC server does not listen"

# curl
web_mark
out=$(tg curl -sS --max-time 60 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "torgate curl URL: the page, fetched from the exit"
is "$(web_since)" "client=$EXIT_ADDR" "the web server saw the exit only"

# wget
web_mark
out=$(tg wget -q -O - --timeout=60 --tries=1 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "torgate wget URL: the page, fetched from the exit"
is "$(web_since)" "client=$EXIT_ADDR" "the web server saw the exit only"

# git clone over http
rm -rf "$TOPO_DIR/clone"
out=$(tg git clone -q http://git.example.test/repo.git "$TOPO_DIR/clone" 2>&1)
ok $? "torgate git clone http://git.example.test/repo.git succeeds ($out)"
is "$(cat "$TOPO_DIR/clone/README" 2>&1)" "cloned through Tor" "the clone has the repository's file"
like "$(cat "$SRV/git.log")" "^$EXIT_ADDR - - .*\"GET /repo\\.git/info/refs" "the git server saw the exit fetch info/refs"
unlike "$(cat "$SRV/git.log")" "^192\\.0\\.2\\.2 " "and never the host"

# ssh
out=$(tg ssh -F /dev/null -i "$SRV/id" -o IdentitiesOnly=yes -o BatchMode=yes -o ConnectTimeout=60 \
    -o UserKnownHostsFile="$SRV/known_hosts" -o StrictHostKeyChecking=yes \
    root@ssh.example.test 'echo "$SSH_CLIENT"' 2>&1)
like "$out" "^$EXIT_ADDR [0-9]+ 22\$" "torgate ssh: logged in with a key, and the server saw the exit (SSH_CLIENT=$out)"
like "$(cat "$SRV/ssh.log")" "Pubkey auth succeeded for 'root' .* from $EXIT_ADDR:" "dropbear logged the login from the exit"
unlike "$(cat "$SRV/ssh.log")" "192\\.0\\.2\\.2" "and never the host"

# IRC: the client says who it is as IRC clients do; through torgate, neither
# the machine's name nor the user's full name reaches the server. Control:
# the same client from the host itself, which the server logs as it is.
usermod -c "Alice Q. Example,Room 4,555-0100" "$TG_USER"
out=$(in_host setpriv --reuid="$TG_USER" --regid="$TG_USER" --clear-groups /usr/bin/python3 "$SRV/irc-client.py" 203.0.113.23 2>&1)
like "$out" ' 001 ' "control: the IRC client, on the host, is welcomed"
like "$(cat "$SRV/irc.log")" "USER $TG_USER $(hostname) irc\.example\.test :Alice Q\. Example" \
    "control: ... and the server logged the machine's name and the user's full name"
: >"$SRV/irc.log"
out=$(tg --profile hexchat -- python3 "$SRV/irc-client.py" 203.0.113.23 2>&1)
like "$out" ' 001 ' "torgate, the hexchat profile: the IRC client is welcomed, through Tor"
irc=$(cat "$SRV/irc.log")
like "$irc" "^connect from ${EXIT_ADDR//./\.}" "the IRC server saw the exit"
like "$irc" "USER $TG_USER host irc\.example\.test :$TG_USER" "it heard a generic machine and no full name"
unlike "$irc" "Alice|Example| $(hostname) " "... nothing of the user's full name or the machine's name"

# chromium, headless, as a desktop user runs it: an ordinary user, chromium's
# own sandbox on (the chromium profile allows it user namespaces). First the
# page's text, then a screenshot, kept as an artefact.
user=tgapps$$
useradd -m -d "$TOPO_DIR/home" -s /bin/sh "$user" || bail_out "cannot add user $user"
cleanup_with "userdel $user 2>/dev/null; topo_down"
as_user() {
    in_host setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
        env HOME="$TOPO_DIR/home" USER="$user" LOGNAME="$user" "$@"
}
chromium_opts=(--headless --disable-gpu --no-first-run --timeout=60000)
web_mark
out=$(as_user "$TORGATE" chromium "${chromium_opts[@]}" --dump-dom http://www.example.test/ 2>"$TOPO_DIR/chromium.log")
like "$out" "INTERNET client=${EXIT_ADDR//./\\.}" "chromium, with its sandbox, loads the page through Tor: it shows the exit's address"
shot=$TOPO_DIR/home/chromium-through-tor.png
as_user "$TORGATE" chromium "${chromium_opts[@]}" --window-size=800,300 --screenshot="$shot" \
    http://www.example.test/ >>"$TOPO_DIR/chromium.log" 2>&1
is "$(head -c 8 "$shot" 2>/dev/null | od -An -tx1 | tr -d ' \n')" 89504e470d0a1a0a "chromium took a screenshot"
cp "$shot" "$ARTEFACTS/chromium-through-tor.png" 2>/dev/null && diag "screenshot: $ARTEFACTS/chromium-through-tor.png"
is "$(web_since | sort -u)" "client=$EXIT_ADDR" "the web server saw chromium only from the exit"
# The time zone a page's JavaScript reads: UTC in the sandbox, whatever the
# user's. Control: the same page in chromium outside torgate (in a network
# namespace of its own: the page is a file, and chromium's own lookups must
# not count as the host's traffic below).
printf '%s\n' '<html><body><script>document.body.textContent = "tz " + new Date().getTimezoneOffset() + " " +' \
    'Intl.DateTimeFormat().resolvedOptions().timeZone;</script></body></html>' >"$TOPO_DIR/home/tz.html"
chmod 644 "$TOPO_DIR/home/tz.html"
out=$(unshare -n setpriv --reuid="$(id -u "$user")" --regid="$(id -g "$user")" --init-groups \
    env HOME="$TOPO_DIR/home" USER="$user" TZ=America/New_York \
    chromium "${chromium_opts[@]}" --dump-dom "file://$TOPO_DIR/home/tz.html" 2>/dev/null)
like "$out" 'tz (240|300) America/New_York' "control: outside torgate, a page reads the user's time zone ($(grep -o 'tz [^<]*' <<<"$out"))"
out=$(as_user env TZ=America/New_York "$TORGATE" chromium "${chromium_opts[@]}" --dump-dom "file://$TOPO_DIR/home/tz.html" \
    2>>"$TOPO_DIR/chromium.log")
like "$out" 'tz 0 (UTC|Etc/UTC)' "in torgate's chromium, a page reads UTC ($(grep -o 'tz [^<]*' <<<"$out"))"
[ "$TAP_FAILED" = 0 ] || diag "chromium's output: $(grep -v dbus "$TOPO_DIR/chromium.log" | tail -n 20)"

is "$(far_count "$INET_NS" udp4) $(far_count "$INET_NS" ip6)" "0 0" \
    "no UDP and no IPv6 reached the internet from the host (the host's tor speaks TCP to relays only)"
is "$(far_count "$LAN_NS" all4) $(far_count "$LAN_NS" ip6)" "0 0" "nothing reached the LAN"

done_testing
