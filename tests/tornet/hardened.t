#!/bin/bash
# A host as installed: the host hardening ruleset that `make install` renders
# (etc/host-hardening.nft.in, for the tor user debian-tor and the desktop
# group users) is loaded before the host's tor starts, as at boot. Sandboxes
# of a desktop user still reach the internet through the real tor, names and
# the onion service included; on the host itself only Tor reaches the
# internet, and Tor's ports only the desktop group; `torgate check` says why
# it cannot read the bootstrap.
. "$(dirname "$0")/common.sh"
HARDENING=$STAGE/etc/torgate/host-hardening.nft
[ -r "$HARDENING" ] || bail_out "no staged $HARDENING (make stage)"
grep -q 'skuid "debian-tor"' "$HARDENING" && grep -q 'skgid "users"' "$HARDENING" ||
    bail_out "$HARDENING is not rendered for debian-tor and the group users"
TORNET_HARDENING=$HARDENING tornet_setup

desk=tgdesk$$ other=tgother$$
useradd -m -d "$TOPO_DIR/desk" -g users -s /bin/sh "$desk" || bail_out "cannot add user $desk"
useradd -M -g nogroup -s /bin/sh "$other" || bail_out "cannot add user $other"
cleanup_with "userdel $desk 2>/dev/null; userdel $other 2>/dev/null; topo_down"
as() { # as USER cmd... : in the host namespace, as USER with USER's groups
    local u=$1
    shift
    in_host setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --init-groups \
        env HOME="$(getent passwd "$u" | cut -d: -f6)" "$@"
}

# The desktop user's sandboxes.
web_mark
out=$(as "$desk" "$TORGATE" curl -sS --max-time 60 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "the desktop user's torgate curl reaches the web server through the exit"
out=$(as "$desk" "$TORGATE" --profile default -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test$' "names resolve through the DNSPort"
out=$(as "$desk" "$TORGATE" --profile default -- curl -sS --max-time 60 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "TCP through the TransPort"
tornet_wait_onion || bail_out "the onion service published no descriptor"
out=$(tornet_onion_fetch as "$desk" "$TORGATE" --profile default -- curl -sS --max-time 45 "http://$ONION/")
like "$out" '^INTERNET client=' "the onion service by its name"
is "$(web_since | sort -u | grep -c 'client=192\.0\.2\.2')" 0 "the web server never saw the host's address"

# The host itself: only Tor reaches the internet; Tor's ports only for the
# desktop group.
web_mark
as "$desk" curl -sS --max-time 20 http://203.0.113.10/ >/dev/null 2>&1
is "$?" 7 "the desktop user's own curl, outside any sandbox, is refused at once"
in_host curl -sS --max-time 20 http://203.0.113.10/ >/dev/null 2>&1
is "$?" 7 "root's too"
is "$(web_since)" "" "the web server saw neither"
out=$(as "$desk" curl -sS --max-time 60 --socks5-hostname 127.0.0.1:9050 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "the desktop group may use the SocksPort on the host"
as "$other" curl -sS --max-time 20 --socks5-hostname 127.0.0.1:9050 http://www.example.test/ >/dev/null 2>&1
is "$?" 7 "a user outside the desktop group may not"

# torgate check, with the tor group's cookie but not the ControlPort filter's
# uid: the ruleset is there, and the bootstrap cannot be read, and says why.
out=$(in_host setpriv --groups="$(getent group "$TORNET_USER" | cut -d: -f3)" "$TORGATE" --config "$CONF" check 2>&1)
like "$out" '(^|'$'\n'')ok +the host hardening ruleset \(table inet torgate_host\) is loaded' "torgate check: the ruleset is loaded"
like "$out" '(^|'$'\n'')skip +Tor.s bootstrap: the ControlPort on port 9051 refuses you \([^)]*\): the host hardening ruleset keeps it for its filter' \
    "and the ControlPort is kept for its filter (a skip, not a failure)"

is "$(far_count "$INET_NS" udp4) $(far_count "$INET_NS" ip6)" "0 0" "no UDP and no IPv6 reached the internet (the host's tor speaks TCP to relays only)"
is "$(far_count "$LAN_NS" all4) $(far_count "$LAN_NS" ip6)" "0 0" "nothing reached the LAN"


# Clearnet beside it: forwarded through the uplink, as before.
web_mark
out=$(tg --profile unsafe-browser -- curl -sS --max-time 20 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "the clearnet profile still reaches the web server directly"

done_testing
