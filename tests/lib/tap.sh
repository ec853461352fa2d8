# tests/lib/tap.sh -- minimal TAP producer for bash test scripts.
# Source it; works under `set -eu` (no helper returns non-zero on a failed
# test, so a failing check never aborts the script -- the failure counter
# does, at done_testing / exit).
#
#   plan N                     "1..N" up front (optional; else done_testing
#                              prints the plan at the end)
#   ok STATUS "desc"           pass if STATUS is 0  (e.g. `ok $? "x"`)
#   is GOT EXPECTED "desc"     string equality
#   isnt GOT UNEXPECTED "desc"
#   like STRING REGEX "desc"   bash [[ =~ ]] (ERE)
#   unlike STRING REGEX "desc"
#   ok_cmd "desc" cmd...       pass if cmd exits 0 (its output is shown as
#                              diagnostics on failure)
#   not_ok_cmd "desc" cmd...   pass if cmd exits non-zero
#   diag "text"                "# text" lines (to stderr, like Test::More)
#   note "text"                "# text" lines to stdout
#   skip "why" [N]             N (default 1) skipped tests
#   bail_out "why"             "Bail out!" and exit 255
#   done_testing               print plan if none was given; return status
#   wait_for cmd...            retry cmd (output discarded) every 0.05 s,
#                              up to WAIT_FOR_TIMEOUT tries (default 100,
#                              ~5 s); returns the last status
#
# TAP_FAILED counts failures; an EXIT trap isn't used, instead done_testing
# returns 1 when anything failed (so `done_testing` as the last command
# makes the script's exit status non-zero). If a script exits without
# calling done_testing, prove reports the missing/mismatched plan.

TAP_N=0
TAP_FAILED=0
TAP_PLANNED=

plan() {
    TAP_PLANNED=$1
    echo "1..$1"
}

diag() {
    local line
    while IFS= read -r line; do
        printf '# %s\n' "$line" >&2
    done <<<"$*"
}

note() {
    local line
    while IFS= read -r line; do
        printf '# %s\n' "$line"
    done <<<"$*"
}

_tap_result() { # STATUS DESC
    TAP_N=$((TAP_N + 1))
    if [ "$1" -eq 0 ]; then
        printf 'ok %d - %s\n' "$TAP_N" "$2"
    else
        TAP_FAILED=$((TAP_FAILED + 1))
        printf 'not ok %d - %s\n' "$TAP_N" "$2"
        diag "  Failed test '$2'"
    fi
    return 0
}

ok() {
    local st=$1 desc=${2:-}
    _tap_result "$st" "$desc"
}

is() {
    local got=$1 exp=$2 desc=${3:-}
    if [ "$got" = "$exp" ]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "       got: '$got'"
        diag "  expected: '$exp'"
    fi
}

isnt() {
    local got=$1 exp=$2 desc=${3:-}
    if [ "$got" != "$exp" ]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "       got: '$got'"
        diag "  expected: anything else"
    fi
}

like() {
    local got=$1 re=$2 desc=${3:-}
    if [[ $got =~ $re ]]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "                  '$got'"
        diag "    doesn't match '$re'"
    fi
}

unlike() {
    local got=$1 re=$2 desc=${3:-}
    if ! [[ $got =~ $re ]]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "                  '$got'"
        diag "          matches '$re'"
    fi
}

ok_cmd() {
    local desc=$1 out st=0
    shift
    out=$("$@" 2>&1) || st=$?
    _tap_result "$st" "$desc"
    if [ "$st" -ne 0 ]; then
        diag "  command: $*"
        diag "  exit status: $st"
        [ -z "$out" ] || diag "$(printf '%s\n' "$out" | sed 's/^/  | /')"
    fi
}

not_ok_cmd() {
    local desc=$1 out st=0
    shift
    out=$("$@" 2>&1) || st=$?
    if [ "$st" -ne 0 ]; then
        _tap_result 0 "$desc"
    else
        _tap_result 1 "$desc"
        diag "  command: $*"
        diag "  exit status: 0 (expected non-zero)"
        [ -z "$out" ] || diag "$(printf '%s\n' "$out" | sed 's/^/  | /')"
    fi
}

skip() {
    local why=$1 n=${2:-1} i
    for ((i = 0; i < n; i++)); do
        TAP_N=$((TAP_N + 1))
        printf 'ok %d # skip %s\n' "$TAP_N" "$why"
    done
}

bail_out() {
    echo "Bail out! $*"
    exit 255
}

done_testing() {
    if [ -z "$TAP_PLANNED" ]; then
        echo "1..$TAP_N"
    elif [ "$TAP_PLANNED" -ne "$TAP_N" ]; then
        diag "Looks like you planned $TAP_PLANNED tests but ran $TAP_N."
        [ "$TAP_FAILED" -gt 0 ] || TAP_FAILED=1
    fi
    if [ "$TAP_FAILED" -gt 0 ]; then
        diag "Looks like you failed $TAP_FAILED test(s) of $TAP_N."
        return 1
    fi
    return 0
}

# wait_for CMD...: until CMD succeeds, or WAIT_FOR_TIMEOUT steps. CMD runs
# again each step, but its words were expanded once, by the caller: a
# condition on a command's output ($(...)) goes in a function.
wait_for() {
    local tries=${WAIT_FOR_TIMEOUT:-100} st=0
    # WAIT_FOR_TIMEOUT is a number of 0.05 s steps (default 100 = ~5 s)
    while :; do
        st=0
        "$@" >/dev/null 2>&1 || st=$?
        [ "$st" -ne 0 ] || return 0
        tries=$((tries - 1))
        [ "$tries" -gt 0 ] || return "$st"
        sleep 0.05
    done
}

# For slow checks (a screenshot and OCR): retry CMD until it succeeds or
# SECONDS have passed, whatever one try takes.
wait_until() { # SECONDS CMD...
    local deadline=$((SECONDS + $1)) st
    shift
    while :; do
        st=0
        "$@" >/dev/null 2>&1 || st=$?
        [ "$st" -ne 0 ] || return 0
        [ "$SECONDS" -lt "$deadline" ] || return "$st"
        sleep 0.2
    done
}
