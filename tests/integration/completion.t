#!/bin/bash
# bash completion (issue 13), as installed (the staged file), with Debian's
# bash-completion: options, subcommands, profile names from
# torgate --list-profiles, wrap's options, commands on PATH, and COMMAND's
# own completion after it. No network: no topology.
. "$(dirname "$0")/common.sh"
file=$STAGE/share/bash-completion/completions/torgate
[ -r "$file" ] || bail_out "no staged $file (make stage)"
[ -r /usr/share/bash-completion/bash_completion ] || bail_out "no bash-completion (make deps)"

# The words bash would offer for LINE (the cursor at its end), sorted.
offers() {
    PATH=$(dirname "$TORGATE"):/usr/bin:/bin bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"
        COMP_LINE=$2 COMP_POINT=${#2}
        read -ra COMP_WORDS <<<"$2"
        [[ $2 == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _torgate torgate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort -u' _ "$file" "$1"
}

is "$(offers 'torgate --prof')" "--profile" "an option"
is "$(offers 'torgate --profile firef')" "firefox-esr" "a profile name, from torgate --list-profiles"
is "$(offers 'torgate --explain unsafe')" "unsafe-browser" "--explain takes one too"
like "$(offers 'torgate wr')" "(^|"$'\n'")wrap(\$|"$'\n'")" "a subcommand"
is "$(offers 'torgate wrap --')" "--list"$'\n'"--system"$'\n'"--undo" "wrap's options"
like "$(offers 'torgate --profile curl -- cur')" "(^|"$'\n'")curl(\$|"$'\n'")" "COMMAND: a command on PATH"
is "$(offers 'torgate wget --max-redi')" "--max-redirect" "after COMMAND, COMMAND's own completion (wget's)"
is "$(offers 'torgate --user roo')" "root" "--user takes a user name"
is "$(offers 'torgate check ')" "" "check takes nothing"
like "$(offers 'torgate new-c')" "^new-circuit\$" "new-circuit, a subcommand"
# the control: a line the completion does not know offers nothing of its own
is "$(bash -c 'source /usr/share/bash-completion/bash_completion; complete -p torgate' 2>&1 | grep -c _torgate)" 0 \
    "control: without the file, bash completes nothing for torgate"

done_testing
