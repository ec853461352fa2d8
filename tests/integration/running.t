#!/bin/bash
# torgate list and torgate stop (issue 13), with two users' sandboxes
# running: each user sees and stops only their own, root sees and stops
# all; a record a SIGKILL left behind, or one a user forged, lists nothing
# and stops nothing; the records are out of every sandbox's sight.
. "$(dirname "$0")/common.sh"
tg_setup
other=tgo$$
useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /bin/sh "$other" ||
    bail_out "cannot add $other"
topo_add_user "$other"
made=()
for u in "$TG_USER" "$other"; do
    d=/run/user/$(id -u "$u")
    [ -d "$d" ] || { install -d -m 0700 -o "$u" -g "$u" "$d" && made+=("$d"); } || bail_out "cannot make $d"
done
cleanup() { topo_down; rm -rf "${made[@]}"; }
cleanup_with cleanup
as() { # USER CMD...: the user's own torgate, as from their shell
    local u=$1
    shift
    in_host setpriv --reuid="$u" --regid="$u" --init-groups env -i PATH=/usr/bin:/bin HOME=/ "$@"
}
# In the background, so that $! is torgate itself (ip netns exec, setpriv and
# env each exec the next): a function would be a subshell.
as_bg() {
    local u=$1
    shift
    ip netns exec "$HOST_NS" setpriv --reuid="$u" --regid="$u" --init-groups env -i PATH=/usr/bin:/bin HOME=/ "$@" \
        >/dev/null 2>&1 &
}
records() { ls "/run/user/$(id -u "$1")/torgate-sandboxes" 2>/dev/null; }
listed() { as "$1" "$TORGATE" list | awk -v id="$2" '$1 == id' | grep -q .; }

as_bg "$TG_USER" "$TORGATE" -- sh -c 'sleep 300' "a"$'\e'"[31mred"
mine=$!
topo_add_pid $mine
as_bg "$other" "$TORGATE" --profile offline -- sleep 301
theirs=$!
topo_add_pid $theirs
wait_for listed "$TG_USER" "$mine" || bail_out "the first sandbox is not listed: $(as "$TG_USER" "$TORGATE" list 2>&1)"
wait_for listed "$other" "$theirs" || bail_out "the second sandbox is not listed"

out=$(as "$TG_USER" "$TORGATE" list 2>&1)
like "$out" "^ID +USER +PROFILE +MODE +ADDRESS +SINCE +COMMAND"$'\n' "torgate list: a header"
like "$out" $'\n'"$mine +$TG_USER +default +tor +10\.118\.[0-9]+\.[0-9]+ +20[0-9-]+ [0-9:]+ sh -c sleep 300 a\?\[31mred\$" \
    "the user's sandbox: ID, user, profile, mode, address, since, COMMAND (its escape shown as ?)"
unlike "$out" "sleep 301" "... and not the other user's"
out=$(as "$other" "$TORGATE" list 2>&1)
like "$out" $'\n'"$theirs +$other +offline +offline +- " "the other user sees theirs (offline: no address)"
unlike "$out" "sleep 300" "... and not the first one's"
out=$(in_host "$TORGATE" list 2>&1)
like "$out" $'\n'"$mine +$TG_USER " "root sees the first user's sandbox"
like "$out" $'\n'"$theirs +$other " "... and the other user's"

# Inside a sandbox the records are not there.
out=$(as "$TG_USER" "$TORGATE" -- sh -c "ls /run/user/$(id -u "$TG_USER")/torgate-sandboxes 2>&1" 2>&1)
like "$out" "No such file or directory" "no sandbox sees the records"

# new-circuit: one's own, in tor mode; the filter is control.t's (no
# filter runs here: the request gets as far as asking it).
out=$(as "$TG_USER" "$TORGATE" new-circuit "$theirs" 2>&1)
is "$out" "torgate: new-circuit: no sandbox of yours has ID $theirs (torgate list shows them)" \
    "new-circuit: not for another user's sandbox"
out=$(as "$other" "$TORGATE" new-circuit "$theirs" 2>&1)
is "$out" "torgate: new-circuit: sandbox $theirs (sleep 301) is in offline mode: only tor mode has circuits" \
    "new-circuit: not for an offline sandbox"
out=$(as "$TG_USER" "$TORGATE" new-circuit "$mine" 2>&1)
like "$out" "^torgate: new-circuit: nothing answers on /run/torgate-control/new-circuit \\(.*\\); start the control port filter" \
    "new-circuit of one's own: without the filter, it says what to start ($out)"

# Stop: one's own only.
out=$(as "$TG_USER" "$TORGATE" stop "$theirs" 2>&1)
is "$out" "torgate: stop: no sandbox of yours has ID $theirs (torgate list shows them)" "a user cannot stop another's sandbox"
ok_cmd "... which still runs" kill -0 "$theirs"
out=$(as "$TG_USER" "$TORGATE" stop "$mine" 2>&1)
is "$out" "stopped $mine (sh -c sleep 300 a?[31mred)" "the user stops their own"
wait "$mine"
is "$?" 143 "its torgate ended as COMMAND did, of SIGTERM"
is "$(records "$TG_USER")" "" "its record is gone"
wait_for no_sandbox_links
ok $? "... and its link (the other sandbox is offline: none)"
out=$(in_host "$TORGATE" stop "$theirs" 2>&1)
is "$out" "stopped $theirs (sleep 301)" "root stops the other user's"
wait "$theirs"

# A SIGKILL leaves a record; the next list removes it, and lists nothing.
as_bg "$TG_USER" "$TORGATE" -- sleep 302
killed=$!
topo_add_pid $killed
wait_for listed "$TG_USER" "$killed" || bail_out "the third sandbox is not listed"
kill -KILL "$killed"
wait "$killed" 2>/dev/null
is "$(records "$TG_USER")" "$killed" "kill -9 of torgate leaves its record behind"
out=$(as "$TG_USER" "$TORGATE" list 2>&1)
unlike "$out" "sleep 302" "the next list does not show it"
is "$(records "$TG_USER")" "" "... and removes it"

# A forged record: another user's torgate, with its true start time.
as_bg "$other" "$TORGATE" --profile offline -- sleep 303
victim=$!
topo_add_pid $victim
wait_for listed "$other" "$victim" || bail_out "the fourth sandbox is not listed"
start=$(awk '{ sub(/.*\) /, ""); split($0, f, " "); print f[20] }' "/proc/$victim/stat")
printf '%s\t0\tdefault\ttor\t-\tforged\n' "$start" >"/run/user/$(id -u "$TG_USER")/torgate-sandboxes/$victim"
chown "$TG_USER" "/run/user/$(id -u "$TG_USER")/torgate-sandboxes/$victim"
out=$(as "$TG_USER" "$TORGATE" stop "$victim" 2>&1)
like "$out" "no sandbox of yours has ID $victim" "a forged record naming another user's torgate stops nothing"
ok_cmd "... which still runs" kill -0 "$victim"
unlike "$(in_host "$TORGATE" list 2>&1)" "forged" "root's list does not show the forged record either"
kill "$victim"
wait "$victim" 2>/dev/null

# What a user could put in their records for root's list: a FIFO (a
# blocking read) and the directory as a link to a file of root's whose name
# looks like an ID (root removes what stands for no sandbox).
recs=/run/user/$(id -u "$TG_USER")/torgate-sandboxes
as "$TG_USER" mkfifo "$recs/4243"
out=$(in_host timeout 20 "$TORGATE" list 2>&1)
is "$?" 0 "root's list does not wait on a FIFO in a user's records"
mkdir -p "$TOPO_DIR/root-files" && echo keep >"$TOPO_DIR/root-files/4242"
as "$TG_USER" sh -c "rm -rf '$recs' && ln -s '$TOPO_DIR/root-files' '$recs'"
in_host "$TORGATE" list >/dev/null 2>&1
is "$(cat "$TOPO_DIR/root-files/4242" 2>&1)" keep "root's list follows no link from a user's records to remove a file"
as "$TG_USER" rm -f "$recs"

out=$(as "$TG_USER" "$TORGATE" stop nonsense 2>&1)
is "$out" "torgate: stop: 'nonsense' is not a sandbox ID (torgate list shows them)" "a bad ID is named"

done_testing
