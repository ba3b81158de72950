# bash complete.bash SCRIPT 'LINE'...: sources the completion script and, for
# each command line, calls the function that `complete -p onefront` names,
# as readline would with the cursor at the end of the line; prints the
# candidates (COMPREPLY) one a line, then `<end>`.
source "$1" || exit 3
shift
spec=$(complete -p onefront) || exit 4
[[ $spec =~ -F\ ([^ ]+) ]] || exit 5
function=${BASH_REMATCH[1]}
for line in "$@"; do
    read -ra COMP_WORDS <<<"$line"
    [[ $line == *' ' ]] && COMP_WORDS+=('')
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
    "$function" onefront "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf '%s\n' "${COMPREPLY[@]}" '<end>'
done
