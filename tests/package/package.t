#!/bin/bash
# The Debian packages, as an administrator and users get them: lintian's
# verdict; apt installs an earlier build, the administrator changes
# torgate.conf, apt upgrades and keeps it; the postinst's file capabilities
# (and its refusal where a file system cannot hold them); ordinary users'
# sandboxes forced through the stand-ins' Tor and through a private Tor
# network, clearnet for the administrator's group only; then apt purges,
# and nothing of torgate is left: no file, no firewall table.
#
# It installs system-wide: it refuses to run where torgate's packages are
# installed already. PKG_DIR holds the packages (make package). apt runs in
# the topology's host namespace.
. "$(dirname "$0")/../tornet/common.sh"
: "${PKG_DIR:?set PKG_DIR to the built packages (make package-check does)}"
: "${TORGATE_VERSION:?set TORGATE_VERSION to the version of the Makefile}"
for p in torgate torgate-hardening; do
    if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -qv 'not-installed'; then
        bail_out "package $p is on this machine already: this test installs and purges it"
    fi
done
deb=$PKG_DIR/torgate_${TORGATE_VERSION}_amd64.deb
hardening_deb=$PKG_DIR/torgate-hardening_${TORGATE_VERSION}_all.deb
[ -f "$deb" ] && [ -f "$hardening_deb" ] || bail_out "no packages of version $TORGATE_VERSION in $PKG_DIR"
mkdir -p "$ARTEFACTS"

work=$(mktemp -d /var/tmp/torgate-package.XXXXXX)
chmod 755 "$work"
user=tgpkgu$$ netuser=tgpkgc$$ netgroup=tgpkgnet$$
cleanup() {
    topo_down
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq torgate torgate-hardening >/dev/null 2>&1
    rm -f /etc/torgate/clearnet-resolv.conf
    rmdir /etc/torgate 2>/dev/null
    userdel "$user" 2>/dev/null
    userdel "$netuser" 2>/dev/null
    groupdel "$netgroup" 2>/dev/null
    rm -rf "$work"
}
cleanup_with cleanup
# apt in the host namespace, whose routes lead only into the topology: it
# cannot reach a mirror (nor needs to: make deps installed what they need).
apt_in_host() { in_host env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@"; }

# --- lintian, on what was built: clean, or overridden with a reason.
# (Two runs: with --show-overrides, lintian counts an overridden warning
# towards --fail-on.)
ok_cmd "lintian finds no error and no warning in the packages" \
    runuser -u nobody -- lintian --pedantic -I --fail-on error,warning "$deb" "$hardening_deb"
out=$(runuser -u nobody -- lintian --pedantic -I --show-overrides "$deb" "$hardening_deb" 2>&1)
printf '%s\n' "$out" >"$ARTEFACTS/lintian.txt"
unlike "$out" '(^|'$'\n'')[EW]: ' "... no E: or W: line in its report (build/artefacts/lintian.txt)"
like "$out" '(^|'$'\n'')O: torgate: command-with-path-in-maintainer-script' "... which shows what is overridden, each with its reason"
# Control: without the package's overrides, lintian reports what they
# silence (so the run above really looked).
dpkg-deb -R "$deb" "$work/nooverrides"
rm -r "$work/nooverrides/usr/share/lintian"
sed -i '\|usr/share/lintian/|d' "$work/nooverrides/DEBIAN/md5sums"
dpkg-deb -b -Zgzip "$work/nooverrides" "$work/nooverrides.deb" >/dev/null
chmod -R a+rX "$work"
out=$(runuser -u nobody -- lintian --pedantic "$work/nooverrides.deb" 2>&1)
like "$out" 'W: torgate: command-with-path-in-maintainer-script' "control: without its overrides, lintian warns"

# --- what the packages hold.
is "$(dpkg-deb -f "$deb" Version)" "$TORGATE_VERSION" "the package's version is the Makefile's"
like "$(dpkg-deb -c "$deb" | grep ' ./usr/bin/torgate$')" '^-rwxr-xr-x root/root ' "the binary is 0755: no setuid or setgid bit"
like "$(dpkg-deb -c "$hardening_deb")" './lib/systemd/system/torgate-hardening.service' "the hardening unit is in torgate-hardening"
unlike "$(dpkg-deb -c "$deb")" 'hardening|sysctl|modprobe' "... and nothing of the host's hardening is in torgate"
like "$(dpkg-deb -f "$deb" Recommends)" '^tor, libnotify-bin, zenity$' \
    "tor is recommended, not required (and notify-send and zenity, for notifications and the Unsafe Browser's dialogs)"
unlike "$(dpkg-deb -f "$deb" Depends)" '(^|[ ,])tor([ ,]|$)' "... and not in Depends"

# --- the earlier build: the same packages, a lower version.
for d in "$deb" "$hardening_deb"; do
    name=$(dpkg-deb -f "$d" Package)
    dpkg-deb -R "$d" "$work/$name-prev"
    sed -i "s/^Version: .*/Version: $TORGATE_VERSION~prev1/" "$work/$name-prev/DEBIAN/control"
    dpkg-deb -b -Zgzip "$work/$name-prev" "$work/$name-prev.deb" >/dev/null
done

topo_up || bail_out "cannot build the test topology"
cleanup_with cleanup
useradd --system --no-create-home --home-dir "$work/home-u" --shell /bin/sh "$user"
groupadd --system "$netgroup"
useradd --system --no-create-home --home-dir "$work/home-c" --shell /bin/sh -G "$netgroup" "$netuser"
install -d -o "$user" -m 0700 "$work/home-u"
install -d -o "$netuser" -m 0700 "$work/home-c"
as() { # USER COMMAND...: as that user logs in (uid, primary and supplementary groups), in the host namespace
    local who=$1
    shift
    in_host setpriv --reuid="$who" --regid="$who" --init-groups env -i HOME="$(getent passwd "$who" | cut -d: -f6)" \
        PATH=/usr/bin:/bin "$@"
}
# What exists before: the package's files, and anything else left behind,
# must be gone after the purge.
snapshot() {
    find /etc /usr /lib /opt /var/lib -xdev \( -path /var/lib/dpkg -o -path /var/lib/apt -o -name __pycache__ \) -prune \
        -o -print 2>/dev/null | sort
}
snapshot >"$work/before"
hardening_tables_before=$(nft list tables | grep -c 'inet torgate_host$')

ok_cmd "apt installs the earlier build" apt_in_host install "$work/torgate-prev.deb" "$work/torgate-hardening-prev.deb"
is "$(dpkg-query -W -f='${Version} ${Status}' torgate)" "$TORGATE_VERSION~prev1 install ok installed" "torgate $TORGATE_VERSION~prev1 is installed"
is "$(getcap /usr/bin/torgate)" "/usr/bin/torgate cap_setpcap,cap_net_admin,cap_sys_admin=p" \
    "the postinst gave the binary its three file capabilities, permitted only"
is "$(stat -c %a /usr/bin/torgate)" 755 "... and no setuid bit"
like "$(dpkg-query -W -f='${Conffiles}' torgate)" '/etc/torgate/torgate\.conf [0-9a-f]{32}' "torgate.conf is a conffile"
like "$(dpkg-query -W -f='${Conffiles}' torgate)" '/etc/tor/torrc\.d/torgate\.conf ' "so is the torrc snippet"
like "$(dpkg-query -W -f='${Conffiles}' torgate-hardening)" '/etc/torgate/host-hardening\.nft ' "so is the host hardening ruleset"
ok_cmd "the packaged hardening ruleset parses (nft -c)" in_host nft -c -f /etc/torgate/host-hardening.nft
is "$(nft list tables | grep -c 'inet torgate_host$')" "$hardening_tables_before" \
    "installing the hardening package loads nothing (the unit is not started)"

# The administrator opens clearnet to a group.
sed -i "s/^#group = torgate-clearnet\$/group = $netgroup/" /etc/torgate/torgate.conf
printf 'nameserver 203.0.113.53\n' >/etc/torgate/clearnet-resolv.conf
cp /etc/torgate/torgate.conf "$work/torgate.conf.changed"
like "$(cat /etc/torgate/torgate.conf)" "(^|"$'\n'")group = $netgroup" "the administrator named the clearnet group in torgate.conf"

ok_cmd "apt upgrades to this build" apt_in_host install "$deb" "$hardening_deb"
is "$(dpkg-query -W -f='${Version} ${Status}' torgate)" "$TORGATE_VERSION install ok installed" "torgate $TORGATE_VERSION is installed"
ok_cmd "the upgrade kept the administrator's torgate.conf" cmp /etc/torgate/torgate.conf "$work/torgate.conf.changed"
is "$(getcap /usr/bin/torgate)" "/usr/bin/torgate cap_setpcap,cap_net_admin,cap_sys_admin=p" \
    "the upgraded binary (a new file, which carries no capability of its own) got them from the postinst"

# The postinst where /usr/bin cannot hold extended attributes (a ramfs, in a
# mount namespace of its own): it fails, saying why; the same script on
# the real file system succeeds.
out=$(unshare -m sh -c 'mount --make-rprivate / && mkdir -p /run/tgpkg-ramfs && mount -t ramfs none /run/tgpkg-ramfs &&
    cp /usr/bin/torgate /run/tgpkg-ramfs/torgate && mount --bind /run/tgpkg-ramfs/torgate /usr/bin/torgate &&
    /var/lib/dpkg/info/torgate.postinst configure' 2>&1); st=$?
rmdir /run/tgpkg-ramfs 2>/dev/null
is "$st" 1 "the postinst fails where the file system cannot hold file capabilities"
like "$out" "torgate: cannot set the file capabilities of /usr/bin/torgate .*extended attributes.*dpkg-reconfigure torgate" \
    "... and says why, and how to repair it"
ok_cmd "control: the same postinst succeeds on the real file system" /var/lib/dpkg/info/torgate.postinst configure

# --- ordinary users, against the stand-ins of Tor in the topology.
out=$(as "$user" torgate check 2>&1)
like "$out" "(^|"$'\n'")ok +the torgate binary carries cap_net_admin,cap_sys_admin,cap_setpcap\\+p" \
    "torgate check, as a user: the packaged binary carries its capabilities"
like "$out" "(^|"$'\n'")ok +Tor's TransPort listens on 127\\.0\\.0\\.1:9040" "... and it reads the packaged torgate.conf (Tor's ports)"
out=$(as "$user" torgate -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
is "$out" "SOCKS target=203.0.113.10:80" "a user's curl, with its shipped profile (proxy-env), reaches the SocksPort"
out=$(as "$user" torgate --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 peer=10\.118\.[0-9]+\.[0-9]+$' "with the default profile, it lands on the TransPort"
out=$(as "$user" torgate -- getent hosts www.example.test 2>&1)
like "$out" '^203\.0\.113\.10 +www\.example\.test' "a user's name lookup goes through the DNSPort"
like "$(topo_log dnsport)" 'peer=10\.118\.[0-9]+\.[0-9]+ qname=www\.example\.test' "the DNSPort saw it from the sandbox"
out=$(as "$user" torgate --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1); st=$?
like "$st:$out" "^125:torgate: profile 'unsafe-browser' .* is for members of group '$netgroup' only" \
    "the Unsafe Browser is refused to a user outside the administrator's group"
is "$(log_lines web)" 0 "the internet's web server has seen nothing so far"
out=$(as "$netuser" torgate --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "control: a member of the group reaches the internet directly"
# Without its capabilities (setcap -r), the binary refuses and names the
# package's repair; dpkg-reconfigure repairs it.
setcap -r /usr/bin/torgate
out=$(as "$user" torgate -- true 2>&1); st=$?
like "$st:$out" "^125:torgate: torgate lacks [a-z_]+: run 'dpkg-reconfigure torgate' as root" \
    "without its capabilities, a launch is refused and names the package's repair"
like "$(as "$user" torgate check 2>&1)" "FAIL +the torgate binary lacks its file capabilities: run 'dpkg-reconfigure torgate'" \
    "... and so does torgate check"
ok_cmd "dpkg-reconfigure torgate" env DEBIAN_FRONTEND=noninteractive dpkg-reconfigure torgate
out=$(as "$user" torgate --profile default -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" '^TRANSPORT orig=203\.0\.113\.10:80 ' "... after which the user's sandbox runs again"
topo_down

# --- ordinary users, through a private Tor network whose host tor reads
# the packaged torrc snippet.
TORNET_SNIPPET=/etc/tor/torrc.d/torgate.conf tornet_up || bail_out "cannot build the private Tor network"
cleanup_with cleanup
out=$(as "$user" torgate --profile default -- curl -sS --max-time 60 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "through real Tor: a user's curl is answered, and the server saw the exit"
out=$(as "$user" torgate --profile default -- curl -sS --max-time 60 http://www.example.test/ 2>&1)
is "$out" "INTERNET client=$EXIT_ADDR" "a name, through the DNSPort and the exit"
is "$(sort -u "$TOPO_DIR/web.log")" "client=$EXIT_ADDR" "the web server saw the exit only, never the host"
out=$(as "$netuser" torgate --profile unsafe-browser -- curl -sS --max-time 10 http://203.0.113.10/ 2>&1)
is "$out" "INTERNET client=192.0.2.2" "control: the clearnet group's Unsafe Browser goes direct beside it"

# --- purge: nothing of torgate left, its firewall table included (in the
# namespace where the sandboxes ran, where apt runs too).
ok_cmd "control: the sandboxes left torgate's table in place" in_host nft list table inet torgate
rm -f /etc/torgate/clearnet-resolv.conf # the administrator's own file
ok_cmd "apt purges both packages" apt_in_host purge torgate torgate-hardening
is "$(dpkg-query -W -f='${Status}' torgate torgate-hardening 2>&1 | grep -c 'install')" 0 "neither package is known to dpkg any more"
is "$(in_host nft list tables | grep -c 'inet torgate$')" 0 "torgate's table is gone from the host"
is "$(snapshot | diff "$work/before" - | grep '^[<>]')" "" "no file or directory of torgate's is left (or missing) under /etc, /usr, /lib, /opt, /var/lib"
is "$(ls /var/lib/dpkg/info/torgate* 2>/dev/null)" "" "... nor in dpkg's own records"
done_testing
