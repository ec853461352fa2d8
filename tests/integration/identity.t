#!/bin/bash
# Identity: from inside a sandbox, real tools read nothing that names the
# machine or its user: not the host's interfaces and their hardware
# addresses, its hostname, its machine-id, the user's full name (GECOS) or
# the host's time zone, nor the firmware's tables. Each is first read on the
# host, as a control, where it is there to find. Clearnet sandboxes (hiding
# buys nothing there) keep the host's, as does a profile that asks for them.
. "$(dirname "$0")/common.sh"
tg_setup

FULL_NAME="Alice Q. Example,Room 4,555-0100"
usermod -c "$FULL_NAME" "$TG_USER" || bail_out "cannot set the test user's full name"
HOSTNAME_REAL=$(hostname)
MACHINE_ID=$(cat /etc/machine-id 2>/dev/null)
UPLINK_MAC=$(in_host cat /sys/class/net/up0/address)
LAN_MAC=$(in_host cat /sys/class/net/lan0/address)
export TZ=America/New_York # the caller's

# --- controls: on the host, each identifier is there
like "$(in_host ip -o link)" 'up0.*lan0|lan0.*up0' "control: the host's ip link lists its uplink and LAN links"
like "$UPLINK_MAC" '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$' "control: the uplink's hardware address is readable ($UPLINK_MAC)"
like "$(getent passwd "$TG_USER" | cut -d: -f5)" "^$FULL_NAME\$" "control: the user's full name is in the account entry"
isnt "$HOSTNAME_REAL" "host" "control: the machine has a name of its own ($HOSTNAME_REAL)"
like "$MACHINE_ID" '^[0-9a-f]{32}$' "control: the host has a machine-id"
like "$(date +%z)" '^-0[45]00$' "control: with the caller's TZ, date shows New York's offset"
isnt "$(ls -A /sys/firmware)" "" "control: the host's /sys/firmware has tables ($(ls -A /sys/firmware | tr '\n' ' '))"

# --- a tor sandbox
out=$(tg -- sh -c 'ip -o link | cut -d: -f2 | tr -d " " | cut -d@ -f1 | tr "\n" " "')
is "$out" "lo eth0 " "tor: ip link lists the sandbox's own links only"
out=$(tg -- sh -c 'ls /sys/class/net | tr "\n" " "; cat /sys/class/net/*/address; cat /proc/net/dev')
unlike "$out" "up0|lan0|$UPLINK_MAC|$LAN_MAC" "tor: neither /sys/class/net nor /proc/net/dev shows a host link or its address"
out=$(tg -- sh -c 'grep -rhs . /sys/devices/*/*/net/*/address /sys/devices/*/*/*/net/*/address; true')
unlike "$out" "$UPLINK_MAC|$LAN_MAC" "tor: nor does any network device under /sys/devices"
is "$(tg -- hostname)" "host" "tor: hostname says host"
is "$(tg -- uname -n)" "host" "tor: uname -n says host"
is "$(tg -- cat /etc/hostname 2>/dev/null || echo host)" "host" "tor: /etc/hostname says host (where the host has one)"
like "$(tg -- getent hosts host)" '^127\.0\.1\.1 +host$' "tor: the sandbox's own name resolves, to loopback"
id1=$(tg -- cat /etc/machine-id)
id2=$(tg -- cat /etc/machine-id)
like "$id1" '^[0-9a-f]{32}$' "tor: the sandbox has a machine-id ($id1)"
isnt "$id1" "$MACHINE_ID" "tor: ... not the host's"
isnt "$id1" "$id2" "tor: ... and not the one of the sandbox before it"
out=$(tg -- sh -c 'getent passwd "$(id -un)"')
like "$out" "^$TG_USER:x:[0-9]+:[0-9]+::" "tor: the account entry has no full name ($out)"
out=$(tg -- sh -c 'grep -c "Alice" /etc/passwd; true')
is "$out" 0 "tor: nor does /etc/passwd"
is "$(tg -- date +%z)" "+0000" "tor: date shows UTC, whatever the caller's TZ"
is "$(tg -- sh -c 'ls -A /sys/firmware')" "" "tor: /sys/firmware is empty"
for f in /sys/class/dmi/id/product_uuid /sys/class/dmi/id/board_serial /dev/disk/by-id; do
    is "$(tg -- sh -c "test -e $f && echo there || echo absent")" absent "tor: $f is absent"
done

# --- offline and i2p: a generic machine too
is "$(tg --profile offline -- hostname)" "host" "offline: hostname says host"
is "$(tg --profile i2p-browser -- hostname)" "host" "i2p: hostname says host"
out=$(tg --profile offline -- sh -c 'ls /sys/class/net | tr "\n" " "')
is "$out" "lo " "offline: /sys/class/net has loopback only"

# --- clearnet: the host's, but still its own network only
is "$(tg --profile unsafe-browser -- hostname)" "$HOSTNAME_REAL" "clearnet: the real hostname (hiding buys nothing there)"
like "$(tg --profile unsafe-browser -- sh -c 'getent passwd "$(id -un)"')" "$FULL_NAME" "clearnet: the real account entry"
like "$(tg --profile unsafe-browser -- date +%z)" '^-0[45]00$' "clearnet: the caller's time zone"
out=$(tg --profile unsafe-browser -- sh -c 'ls /sys/class/net | tr "\n" " "')
is "$out" "eth0 lo " "clearnet: /sys/class/net still shows the sandbox's own links only"

# --- the profile keys: account = real, timezone = host
sys_profiles_init
sys_profile "tgtest-real-$$" 'mode = tor' 'account = real' 'timezone = host'
cleanup() { sys_profiles_cleanup; topo_down; }
cleanup_with cleanup
like "$(tg --profile "tgtest-real-$$" -- sh -c 'getent passwd "$(id -un)"')" "$FULL_NAME" \
    "account = real: the account entry keeps the full name"
like "$(tg --profile "tgtest-real-$$" -- date +%z)" '^-0[45]00$' "timezone = host: the caller's time zone"
is "$(tg --profile "tgtest-real-$$" -- hostname)" "host" "... and the machine stays generic in tor mode"
like "$(in_host "$TORGATE" --explain "tgtest-real-$$")" $'account +real\ntimezone +host' "--explain shows both keys"

done_testing
