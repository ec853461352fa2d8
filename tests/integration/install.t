#!/bin/bash
# make install into a staging root, as a packager would (DESTDIR), then
# make uninstall: what was installed, with the binary's file capabilities
# and no setuid bit, and afterwards nothing left but what was there before.
set -u
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
. "$TESTS_DIR/lib/tap.sh"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
top=$(cd "$TESTS_DIR/.." && pwd)
# Users that exist on any Debian machine, so that nft -c can resolve them.
mk() { make -s -C "$top" BUILDDIR=build/install-test PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$root" TOR_USER=nobody DESKTOP_GROUP=users "$@"; }

mkdir -p "$root/etc/torgate"
printf '[tor]\nsocks-port = 127.0.0.1:9150\n' >"$root/etc/torgate/torgate.conf"
ok_cmd "make install DESTDIR=... succeeds" mk install
for f in usr/bin/torgate usr/share/torgate/profiles/default.profile usr/share/torgate/profiles/unsafe-browser.profile \
    etc/tor/torrc.d/torgate.conf etc/torgate/host-hardening.nft usr/lib/systemd/system/torgate-hardening.service \
    usr/lib/systemd/system/nftables.service.d/torgate.conf usr/lib/systemd/system/nftables.service.d/torgate-hardening.conf \
    usr/share/torgate/host-fallback.nft usr/share/torgate/host-fallback-no-tor-user.nft \
    etc/sysctl.d/60-torgate.conf etc/modprobe.d/torgate-no-conntrack-helper.conf usr/share/man/man1/torgate.1 \
    usr/share/man/man5/torgate.conf.5 usr/share/man/man5/torgate.profile.5; do
    ok_cmd "installed $f" test -f "$root/$f"
done
is "$(ls "$root/usr/share/torgate/profiles" | wc -l)" "$(ls "$top/profiles" | wc -l)" "every shipped profile is installed"
like "$(getcap "$root/usr/bin/torgate")" 'cap_setpcap,cap_net_admin,cap_sys_admin=p' "the binary carries exactly its three file capabilities, permitted only"
is "$(stat -c %a "$root/usr/bin/torgate")" 755 "and no setuid or setgid bit"
is "$(cat "$root/etc/torgate/torgate.conf")" $'[tor]\nsocks-port = 127.0.0.1:9150' "an existing torgate.conf is kept"
unlike "$(cat "$root/etc/torgate/host-hardening.nft")" '@[A-Z_]+@' "the hardening ruleset has every placeholder filled in"
ok_cmd "the installed hardening ruleset parses (nft -c)" nft -c -f "$root/etc/torgate/host-hardening.nft"
like "$(cat "$root/usr/lib/systemd/system/torgate-hardening.service")" 'nft -f /etc/torgate/host-hardening.nft' "the unit loads the installed ruleset"
like "$(cat "$root/usr/lib/systemd/system/torgate-hardening.service")" 'nft -f /usr/share/torgate/host-fallback.nft' "... after the installed fallback"
for f in host-fallback.nft host-fallback-no-tor-user.nft; do
    unlike "$(cat "$root/usr/share/torgate/$f")" '@[A-Z_]+@' "$f has every placeholder filled in"
    ok_cmd "$f parses (nft -c)" nft -c -f "$root/usr/share/torgate/$f"
done
unlike "$(cat "$root/usr/share/torgate/host-fallback-no-tor-user.nft")" 'skuid' "the fallback without the Tor user names no user"
like "$(cat "$root/usr/lib/systemd/system/nftables.service.d/torgate.conf")" '/usr/bin/torgate restore-firewall' "nftables.service's drop-in restores torgate's table with the installed binary"

ok_cmd "make uninstall succeeds" mk uninstall
left=$(cd "$root" && find . -type f | sort)
is "$left" "./etc/torgate/torgate.conf" "uninstall removes exactly what install wrote (the administrator's torgate.conf stays)"
rm -f "$root/etc/torgate/torgate.conf"
ok_cmd "make install into an empty root" mk install
ok_cmd "installs torgate.conf when there is none" test -f "$root/etc/torgate/torgate.conf"
ok_cmd "make uninstall" mk uninstall
is "$(cd "$root" && find . -type f | wc -l)" 0 "and then removes it too: nothing left"
done_testing
