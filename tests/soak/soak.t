#!/bin/bash
# A desktop runs torgate thousands of times between reboots: SOAK_LAUNCHES
# launches in a row (tor, offline, clearnet, tor with a host service, in
# turn; one in five killed with SIGKILL at a random instant in its first
# 60 ms), beside a sandbox that runs throughout and keeps connecting and
# resolving through its supervisor. Then what the host holds is counted
# again and must be what it was: links, the elements of torgate's sets,
# files, mounts, processes, the long-running launcher's descriptors; no
# connection of a sandbox that has ended is left established in conntrack.
# `make check` runs 200 launches, `make soak` 10,000.
. "$(dirname "$0")/../integration/common.sh"
LAUNCHES=${SOAK_LAUNCHES:-200}
tg_setup
cleanup() {
    touch "$TOPO_DIR/stop" 2>/dev/null
    sys_profiles_cleanup
    topo_down
}
cleanup_with cleanup
sys_profiles_init
sys_profile "tgsoak-svc-$$" 'mode = tor' 'host-services = tcp/631'

set_elements() { # SET: how many elements torgate's set holds
    in_host nft -j list set inet torgate "$1" 2>/dev/null |
        python3 -c 'import json,sys; d=json.load(sys.stdin)["nftables"]; print(sum(len(o["set"].get("elem", [])) for o in d if "set" in o))' 2>/dev/null ||
        echo 0
}
host_files() { # what the sandboxes' user has in the shared temporary places (the machine's other
    # users, this test's runner among them, may come and go there meanwhile)
    find /run /tmp /var/tmp /dev/shm -xdev -user "$TG_USER" 2>/dev/null | grep -v "^$TOPO_DIR" | sort
}
torgate_processes() {
    local n=0 p
    for p in /proc/[0-9]*; do
        case "$(readlink "$p/exe" 2>/dev/null)" in */torgate | *xdg-dbus-proxy | *pulseaudio) n=$((n + 1)) ;; esac
    done
    echo "$n"
}
# The user's processes but the long-running sandbox's (whose number changes
# as it works): those outside its PID namespace.
user_processes_elsewhere() {
    local p n=0 long_ns ns
    long_ns=$(readlink "/proc/$(pgrep -P "$long" | head -n 1)/ns/pid")
    for p in $(pgrep -u "$TG_USER"); do
        ns=$(readlink "/proc/$p/ns/pid" 2>/dev/null) || continue # gone meanwhile
        [ "$ns" = "$long_ns" ] || n=$((n + 1))
    done
    echo "$n"
}
census() { # one "NAME COUNT" line per thing counted
    echo "links $(in_host ip -o link show | wc -l)"
    for s in host_services forward_guard uplinks forwarding_lease; do echo "set:$s $(set_elements "$s")"; done
    echo "files $(host_files | wc -l)"
    echo "mounts $(wc -l </proc/self/mountinfo)"
    echo "processes(torgate,helpers) $(torgate_processes)"
    echo "processes(user,outside-long-sandbox) $(user_processes_elsewhere)"
    echo "launcher-fds $(ls "/proc/$long/fd" | wc -l)"
}

# Warm-up: one launch of each kind, so that the table and its sets are in
# their steady state (the uplink named in uplinks, one services grant).
GW_CMD='$(ip route show default | cut -d" " -f3)'
launch() { # KIND [KILL_AFTER]
    local kind=$1 kill=${2:-}
    local run=(in_host "$TORGATE" --config "$CONF" --user "$TG_USER")
    [ -z "$kill" ] || run=(timeout -s KILL "$kill" "${run[@]}")
    case $kind in
    0) "${run[@]}" --profile default -- curl -s -m 5 http://203.0.113.10/ ;;
    1) "${run[@]}" --profile offline -- true ;;
    2) "${run[@]}" --profile unsafe-browser -- curl -s -m 5 http://203.0.113.10/ ;;
    3) "${run[@]}" --profile "tgsoak-svc-$$" -- sh -c "$PROBE tcp $GW_CMD 631" ;;
    esac >/dev/null 2>&1
}
for kind in 0 1 2 3; do launch "$kind"; done

# The long-running sandbox: a TCP connection and a lookup every 0.2 s, both
# through its supervisor, until told to stop.
tg_bg --profile default -- sh -c "echo >$TOPO_DIR/long-up; while [ ! -e $TOPO_DIR/stop ]; do
    curl -s -m 5 http://203.0.113.10/ >/dev/null 2>&1; $PROBE dns $GW_CMD www.example.test >/dev/null 2>&1; sleep 0.2; done"
long=$!
wait_for test -e "$TOPO_DIR/long-up" || bail_out "the long-running sandbox did not start"
# The last sandboxes' processes are reaped after their launchers return:
# then the user has one process outside the long-running sandbox, its
# launcher.
reaped() { [ "$(user_processes_elsewhere)" = 1 ]; }
WAIT_FOR_TIMEOUT=200 wait_for reaped
host_files >"$TOPO_DIR/files-before"
before=$(census)

start=$SECONDS
killed=0
for ((i = 0; i < LAUNCHES; i++)); do
    if ((i % 5 == 4)); then
        launch $((i % 4)) "0.0$((RANDOM % 6))$((RANDOM % 10))"
        killed=$((killed + 1))
    else
        launch $((i % 4))
    fi
done
diag "$LAUNCHES launches ($killed of them killed) in $((SECONDS - start)) s"

# What the last launches leave for the next one is settled by a last
# launch of each kind that settles something: a services grant (prunes
# the elements of links that are gone), a tor launch (turns off forwarding
# that a killed clearnet launcher left on), and the kernel's timeout on a
# forwarding lease that a killed launcher held (10 s).
launch 3
launch 0
no_lease() { [ "$(set_elements forwarding_lease)" = 0 ]; }
WAIT_FOR_TIMEOUT=300 wait_for no_lease
WAIT_FOR_TIMEOUT=200 wait_for reaped
ok_cmd "the long-running sandbox still runs" kill -0 "$long"
after=$(census)
diag "before:" $before
diag "after: " $after
while read -r name count; do
    is "$(awk -v n="$name" '$1 == n {print $2}' <<<"$after")" "$count" "$name: as many after $LAUNCHES launches as before ($count)"
done <<<"$before"
is "$(host_files | diff "$TOPO_DIR/files-before" - | grep '^[<>]')" "" "no file of the user's came or went in /run, /tmp, /var/tmp, /dev/shm"
is "$(in_host cat /proc/sys/net/ipv4/conf/up0/forwarding)" 0 "the uplink does not forward"

# conntrack: a sandbox that has ended leaves no established connection
# (closed ones wait out the kernel's own short timeouts). The long-running
# sandbox's address is the one pool address that may have one.
long_addr=$(in_host ip -4 -o addr show | awk '$4 ~ /^10\.118\./ {print $4}' | cut -d/ -f1)
established=$(in_host conntrack -L -p tcp --state ESTABLISHED 2>/dev/null | grep -o 'src=10\.118\.[0-9.]*' | sort -u |
    grep -v "src=$(awk -F. '{printf "%s.%s.%s.%s", $1, $2, $3, $4 + 1}' <<<"$long_addr")\$" || true)
is "$established" "" "no established connection of an ended sandbox is left in conntrack"
diag "conntrack entries of sandbox addresses, by state: $(in_host conntrack -L 2>/dev/null | grep 'src=10\.118\.' |
    awk '{print ($1 == "tcp" ? $4 : $1)}' | sort | uniq -c | tr '\n' ' ')"

touch "$TOPO_DIR/stop"
wait "$long"
done_testing
