#!/bin/bash
# Profile selection and files: --profile, COMMAND's basename, the
# administrator's profiles over the shipped ones, untrusted system profiles,
# --list-profiles and --explain; and who may widen what: an ordinary user's
# own profiles may only narrow, clearnet is for a group, and no sandbox can
# change the user's profiles.
. "$(dirname "$0")/common.sh"
: "${STAGE:?set STAGE to the staged install (make integration does)}"
tg_setup

ETC=$STAGE/etc/torgate
SHIPPED=$STAGE/share/torgate/profiles
SYS_CONF=$ETC/torgate.conf
[ -d "$SHIPPED" ] || bail_out "no shipped profiles in $SHIPPED"

# Everything we change in $STAGE and on the system is put back.
CONF_SAVED=
user=tgprof$$
group=tgcn$$
UHOME_PARENT=
cleanup() {
    sys_profiles_cleanup
    if [ -n "$CONF_SAVED" ]; then
        if [ "$CONF_SAVED" = none ]; then rm -f "$SYS_CONF"; else cp -p "$CONF_SAVED" "$SYS_CONF"; rm -f "$CONF_SAVED"; fi
    fi
    userdel -r "$user" >/dev/null 2>&1
    groupdel "$group" >/dev/null 2>&1
    [ -z "$UHOME_PARENT" ] || rm -rf "$UHOME_PARENT"
    topo_down
}
cleanup_with cleanup

# ============================================================ --list-profiles
# (before anything of ours is in the administrator's directory)
out=$(in_host "$TORGATE" --list-profiles 2>&1); st=$?
is "$st" 0 "--list-profiles exits 0"
shipped=$(grep -c " ${SHIPPED//./\\.}/" <<<"$out")
is "$shipped" 17 "--list-profiles lists the 17 shipped profiles"
for pair in default:tor unsafe-browser:clearnet tor-browser:tor firefox-esr:tor chromium:tor thunderbird:tor \
    curl:tor wget:tor git:tor ssh:tor hexchat:tor pidgin:tor onionshare:tor electrum:tor \
    i2p-browser:i2p dns-tools:tor offline:offline; do
    like "$out" $'(^|\n)'"${pair%%:*} +${pair#*:} +${SHIPPED//./\\.}/${pair%%:*}\\.profile"$'(\n|$)' \
        "--list-profiles: ${pair%%:*} ($(printf %s "${pair#*:}"))"
done

# ================================================================== --explain
out=$(in_host "$TORGATE" --explain default 2>&1); st=$?
is "$st" 0 "--explain default exits 0"
like "$out" $'(^|\n)mode +tor\n' "--explain default: mode tor"
like "$out" 'dnat ip to 127\.0\.0\.1:9040' "--explain default prints the rules (DNAT to the TransPort)"
is "$(host_sandbox_links)" "" "--explain made no sandbox link"
# Every DNS type is the dns-tools profile's alone, and needs the administrator's resolver.
like "$(in_host "$TORGATE" --explain dns-tools 2>&1)" $'\n''dns types +every type asked for, but torgate.conf names no \[dns\] resolver: refused' \
    "--explain dns-tools: every DNS type asked for, refused without a resolver"
unlike "$(in_host "$TORGATE" --explain default 2>&1)" 'dns-types all|dns types' "--explain default: Tor's DNSPort alone (control)"
in_host nft list table inet torgate >/dev/null 2>&1
isnt "$?" 0 "--explain installed no firewall table"

# =========================================================== choosing a profile
sys_profiles_init

out=$(tg --profile offline -- ip -o link show 2>&1)
unlike "$out" 'eth0' "--profile offline: the sandbox has no eth0"
out=$(tg -- ip -o link show 2>&1)
like "$out" 'eth0' "control: without --profile, ip (no profile of its own) gets default: eth0"
out=$(tg -v -- curl -sS --max-time 5 http://www.example.test/ 2>&1)
like "$out" "profile curl \\(${SHIPPED//./\\.}/curl\\.profile\\)" "'torgate curl' picks curl.profile by COMMAND's name"
like "$out" $'(^|\n)SOCKS target=www\\.example\\.test:80(\n|$)' "... whose proxy-env takes curl to the SocksPort"
out=$(tg -v -- /usr/bin/curl -sS --max-time 5 http://203.0.113.10/ 2>&1)
like "$out" "profile curl " "'/usr/bin/curl': picked by the basename"
cp /usr/bin/env "$TOPO_DIR/tgnoprofile$$"
out=$(tg -v -- "$TOPO_DIR/tgnoprofile$$" 2>&1); st=$?
is "$st" 0 "a COMMAND whose basename has no profile runs"
like "$out" "profile default \\(${SHIPPED//./\\.}/default\\.profile\\)" "... with default"
unlike "$out" '(PROXY|proxy)=' "... (no proxy variables: not curl's)"
out=$(tg --profile "tgnoprofile$$" -- true 2>&1); st=$?
is "$st" 125 "--profile with an unknown name is refused (125)"
like "$out" "^torgate: unknown profile 'tgnoprofile$$'" "... with a line naming it"
is "$(wc -l <<<"$out")" 1 "... one line"
out=$(tg --profile '../default' -- true 2>&1); st=$?
is "$st" 125 "--profile with a path is refused (125): $out"

# The administrator's profile wins over the shipped one.
sys_profile curl 'mode = offline'
out=$(in_host "$TORGATE" --explain curl 2>&1)
like "$out" "profile +curl \\(${ETC_PROFILES//./\\.}/curl\\.profile\\)" "--explain curl: $ETC_PROFILES/curl.profile wins"
like "$out" $'\nmode +offline\n' "--explain curl: mode offline"
out=$(tg -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1); st=$?
isnt "$st" 0 "'torgate curl' with the administrator's offline curl.profile fails to connect ($out)"
like "$out" "Could not connect|Couldn't connect|unreachable" "... the network is unreachable"
rm -f "$ETC_PROFILES/curl.profile"
out=$(in_host "$TORGATE" --explain curl 2>&1)
like "$out" "profile +curl \\(${SHIPPED//./\\.}/curl\\.profile\\)" "control: without it, the shipped curl.profile is used"

# Untrusted system profiles are refused.
untrusted() { # DESC : run --profile tgtrust-$$, expect a refusal
    local out st
    out=$(tg --profile "tgtrust-$$" -- true 2>&1); st=$?
    is "$st" 125 "$1: refused (125)"
    like "$out" "^torgate: refusing system profile ${ETC_PROFILES//./\\.}/tgtrust-$$\\.profile" "$1: a line saying so ($out)"
    is "$(wc -l <<<"$out")" 1 "$1: one line"
}
sys_profile "tgtrust-$$" 'mode = tor'
out=$(tg --profile "tgtrust-$$" -- true 2>&1); st=$?
is "$st" 0 "control: a root-owned 0644 profile in a 0755 directory is used ($out)"
chmod 0664 "$ETC_PROFILES/tgtrust-$$.profile"
untrusted "a group-writable system profile"
chmod 0646 "$ETC_PROFILES/tgtrust-$$.profile"
untrusted "a world-writable system profile"
chmod 0644 "$ETC_PROFILES/tgtrust-$$.profile"
chown nobody "$ETC_PROFILES/tgtrust-$$.profile"
untrusted "a system profile owned by a non-root user"
chown root "$ETC_PROFILES/tgtrust-$$.profile"
chmod 0777 "$ETC_PROFILES"
untrusted "a system profile in a world-writable directory"
chmod 0775 "$ETC_PROFILES"
untrusted "a system profile in a group-writable directory"
chmod 0755 "$ETC_PROFILES"
out=$(tg --profile "tgtrust-$$" -- true 2>&1); st=$?
is "$st" 0 "control: fixed again, it is used ($out)"

# ============================================== an ordinary user's own profiles
UHOME_PARENT=$(mktemp -d /var/tmp/torgate-home.XXXXXX) || bail_out "mktemp"
chmod 0755 "$UHOME_PARENT"
useradd -m -d "$UHOME_PARENT/$user" -s /bin/sh "$user" || bail_out "cannot add user $user"
uid=$(id -u "$user")
UHOME=$UHOME_PARENT/$user
UPROF=$UHOME/.config/torgate/profiles
as_user() { in_host setpriv --reuid="$uid" --regid="$(id -g "$user")" --init-groups "$@"; }
mkdir -p "$UPROF" && chown -R "$user:" "$UHOME/.config"

# user_profile NAME LINES... : the user's own NAME.profile (a comment line,
# [profile], then LINES: the first key is on line 3)
user_profile() {
    local name=$1
    shift
    rm -f "$UPROF"/*.profile
    printf '%s\n' '# mine' '[profile]' "$@" >"$UPROF/$name.profile"
    chown "$user:" "$UPROF/$name.profile"
}

out=$(as_user "$TORGATE" -- curl -sS --max-time 5 http://www.example.test/ 2>&1)
is "$out" "SOCKS target=www.example.test:80" "control: the user's 'torgate curl' reaches the SocksPort"

# Narrowing is applied.
user_profile curl 'mode = offline'
out=$(as_user "$TORGATE" --explain curl 2>&1)
like "$out" "profile +curl \\(${UPROF//./\\.}/curl\\.profile\\)" "--explain curl shows the user's narrowing curl.profile"
like "$out" $'\nmode +offline\n' "... mode offline"
n_socks=$(log_lines socks)
n_transport=$(log_lines transport)
out=$(as_user "$TORGATE" -- curl -sS --max-time 5 http://www.example.test/ 2>&1); st=$?
isnt "$st" 0 "with the user's curl.profile (mode = offline), 'torgate curl' fails to connect ($out)"
is "$(log_lines socks) $(log_lines transport)" "$n_socks $n_transport" "... and nothing reached Tor"
user_profile default 'mode = tor' 'dns = none'
out=$(as_user "$TORGATE" -- cat /etc/resolv.conf 2>&1)
unlike "$out" 'nameserver' "a user's default.profile with dns = none applies (no nameserver)"

# Widening is refused, naming the user's file and line.
widen() { # DESC PROFILE LINES...
    local desc=$1 name=$2 out st
    shift 2
    user_profile "$name" "$@"
    out=$(as_user "$TORGATE" --profile "$name" -- true 2>&1); st=$?
    is "$st" 125 "user profile widening ($desc): refused (125)"
    like "$out" "^torgate: ${UPROF//./\\.}/$name\\.profile:[0-9]+: " "user profile widening ($desc): the line names the file and line ($out)"
    is "$(wc -l <<<"$out")" 1 "user profile widening ($desc): one line"
    LAST=$out
}
widen "mode = clearnet" default 'mode = clearnet'
like "$LAST" "\\.profile:3: mode = clearnet" "... line 3, the mode line"
widen "mode = i2p" default 'mode = i2p'
like "$LAST" "\\.profile:3: mode = i2p" "... line 3, the mode line"
widen "lan = allow" default 'mode = tor' 'lan = allow'
like "$LAST" "\\.profile:4: lan = allow" "... line 4, the lan line"
widen "host-services = tcp/631" default 'host-services = tcp/631'
like "$LAST" "\\.profile:3: host service tcp/631" "... line 3, the host-services line"
widen "user-namespaces = allow" default 'user-namespaces = allow'
like "$LAST" "\\.profile:3: user-namespaces = allow" "... line 3"
widen "dns = tor where tor-browser has dns = none" tor-browser 'mode = tor' 'dns = tor'
like "$LAST" "\\.profile:4: dns = tor" "... line 4, the dns line"
widen "a user-only profile wider than default" "tgmine$$" 'mode = tor' 'lan = allow'
rm -f "$UPROF"/*.profile

out=$(as_user "$TORGATE" --config "$CONF" -- true 2>&1); st=$?
is "$st" 125 "--config is refused for the user"
like "$out" 'root only' "... with a line that says why"

# The sandbox cannot change the user's profiles.
user_profile curl 'mode = tor'
rm -f "$UHOME/.config/torgate/probe-outside"
as_user touch "$UHOME/.config/torgate/probe-outside"
ok $? "control: outside torgate, the user can write ~/.config/torgate"
rm -f "$UHOME/.config/torgate/probe-outside"
out=$(as_user "$TORGATE" -- touch "$UPROF/new.profile" 2>&1); st=$?
isnt "$st" 0 "in a sandbox, touch ~/.config/torgate/profiles/new.profile fails"
like "$out" 'Read-only file system' "... read-only ($out)"
out=$(as_user "$TORGATE" -- sh -c "echo 'mode = clearnet' >>$UPROF/curl.profile" 2>&1); st=$?
isnt "$st" 0 "in a sandbox, the user cannot append to a profile"
out=$(as_user "$TORGATE" -- mv "$UHOME/.config/torgate" "$UHOME/.config/torgate.old" 2>&1); st=$?
isnt "$st" 0 "in a sandbox, the user cannot rename ~/.config/torgate ($out)"
out=$(as_user "$TORGATE" -- rm -rf "$UHOME/.config/torgate" 2>&1); st=$?
isnt "$st" 0 "in a sandbox, the user cannot remove ~/.config/torgate ($out)"
out=$(as_user "$TORGATE" -- sh -c "mkdir $UHOME/.config/x && mv $UHOME/.config/torgate $UHOME/.config/x/" 2>&1); st=$?
isnt "$st" 0 "in a sandbox, the user cannot move ~/.config/torgate away ($out)"
rmdir "$UHOME/.config/x" 2>/dev/null
[ -f "$UPROF/curl.profile" ] && ! [ -e "$UPROF/new.profile" ] && ! [ -e "$UHOME/.config/torgate.old" ]
ok $? "afterwards, ~/.config/torgate and the user's profile are intact"
is "$(cat "$UPROF/curl.profile")" $'# mine\n[profile]\nmode = tor' "... unchanged"
rm -f "$UPROF"/*.profile

# user-namespaces = allow, as an ordinary user: unshare -Ur maps root
out=$(as_user "$TORGATE" --profile chromium -- unshare -Ur id -u 2>&1); st=$?
is "$out" 0 "the user, with chromium's user-namespaces = allow: unshare -Ur works (root inside)"
out=$(as_user "$TORGATE" --profile default -- unshare -Ur id -u 2>&1); st=$?
isnt "$st" 0 "the user, with default's user-namespaces = deny: unshare -Ur fails ($out)"

# ================================================================= clearnet
# The stage's system torgate.conf, backed up and restored by cleanup.
if [ -e "$SYS_CONF" ]; then
    CONF_SAVED=$(mktemp "${TMPDIR:-/tmp}/torgate-conf.XXXXXX") && cp -p "$SYS_CONF" "$CONF_SAVED" || bail_out "cannot back up $SYS_CONF"
else
    CONF_SAVED=none
fi
printf '[clearnet]\nresolv-conf = %s\n' "$TOPO_DIR/clearnet-resolv.conf" >"$SYS_CONF"
chmod 0644 "$SYS_CONF"
out=$(as_user "$TORGATE" --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1); st=$?
is "$st" 125 "clearnet, no [clearnet] group: the user is refused (125)"
like "$out" "^torgate: profile 'unsafe-browser' reaches the network without Tor" "... with a line saying why ($out)"
is "$(wc -l <<<"$out")" 1 "... one line"
# What a clearnet profile grants stays gated, however narrowed: a user's own
# unsafe-browser in tor mode keeps the system profile's lan = allow.
user_profile unsafe-browser 'mode = tor' 'dns = tor' 'lan = allow'
rm -f "$TOPO_DIR/gated-ran"
out=$(as_user "$TORGATE" --profile unsafe-browser -- touch "$TOPO_DIR/gated-ran" 2>&1); st=$?
is "$st" 125 "a user's unsafe-browser narrowed to tor with lan = allow, no [clearnet] group: refused (125)"
like "$out" "^torgate: profile 'unsafe-browser' stands in for a profile that reaches the network without Tor" \
    "... saying why ($out)"
ok_cmd "... and COMMAND did not run" test ! -e "$TOPO_DIR/gated-ran"
rm -f "$UPROF"/*.profile

groupadd "$group" || bail_out "cannot add group $group"
printf '[clearnet]\ngroup = %s\nresolv-conf = %s\n' "$group" "$TOPO_DIR/clearnet-resolv.conf" >"$SYS_CONF"
out=$(as_user "$TORGATE" --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1); st=$?
is "$st" 125 "clearnet, the user not in group $group: refused (125)"
like "$out" "members of group '$group'" "... with a line naming the group ($out)"
n_web=$(log_lines web)
is "$n_web" 0 "nothing reached the internet web server"

usermod -aG "$group" "$user"
user_profile unsafe-browser 'mode = tor' 'dns = tor' 'lan = allow'
out=$(as_user "$TORGATE" --profile unsafe-browser -- sh -c 'cat /etc/resolv.conf' 2>&1); st=$?
is "$st" 0 "control: for a member of group $group, the same narrowed profile runs"
like "$out" 'DNS through Tor' "... in tor mode, as it says ($out)"
rm -f "$UPROF"/*.profile
out=$(as_user "$TORGATE" --profile unsafe-browser -- curl -sS --max-time 5 http://203.0.113.10/ 2>&1); st=$?
is "$out" "INTERNET client=192.0.2.2" "clearnet, the user in group $group: reaches the internet web server directly"
is "$(log_lines web)" 1 "... which logged it"
out=$(as_user "$TORGATE" --profile unsafe-browser -- cat /etc/resolv.conf 2>&1)
like "$out" $'(^|\n)nameserver 203\\.0\\.113\\.53\n' "... with the configured clearnet resolver"
out=$(as_user "$TORGATE" --profile unsafe-browser -- touch "$UPROF/x.profile" 2>&1); st=$?
isnt "$st" 0 "in a clearnet sandbox too, ~/.config/torgate/profiles is read-only ($out)"

done_testing
