#!/bin/bash
# System profiles reached through symbolic links: a root-owned link is fine
# (its own mode means nothing), but where it leads must be out of every
# non-root user's reach as well.
. "$(dirname "$0")/common.sh"
: "${STAGE:?set STAGE to the staged install (make integration does)}"
ETC_PROFILES=$STAGE/etc/torgate/profiles
[ ! -e "$ETC_PROFILES" ] || bail_out "$ETC_PROFILES exists already; this test makes it a link"
target=$(mktemp -d)
cleanup() { rm -f "$ETC_PROFILES"; rm -rf "$target"; }
trap cleanup EXIT
chmod 0755 "$target"
printf '[profile]\nmode = offline\n' >"$target/linked.profile"
chmod 0644 "$target/linked.profile"
ln -s "$target" "$ETC_PROFILES"

out=$("$TORGATE" --explain linked 2>&1); st=$?
is "$st" 0 "a profile behind a root-owned link to a root-owned directory is used"
like "$out" 'mode +offline' "and read"
chmod 0777 "$target"
out=$("$TORGATE" --explain linked 2>&1); st=$?
is "$st" 125 "a link leading to a directory others can write is refused"
like "$out" "^torgate: refusing system profile $ETC_PROFILES/linked.profile: $target is not owned by root or is writable by others" "naming the writable directory behind the link"
chmod 0755 "$target"
chown nobody "$target/linked.profile"
out=$("$TORGATE" --explain linked 2>&1); st=$?
is "$st" 125 "a linked profile owned by another user is refused"
done_testing
