# zsh -f complete.zsh DIR 'LINE': the candidates zsh's completion system
# (compinit, with the _onefront of DIR first in fpath) offers at the end of
# LINE, typed into an interactive zsh on a pseudo-terminal; one a line.
zmodload zsh/zpty || exit 3
zpty z zsh -f -i
# The markers are spelled apart in what is typed, so that its echo does not
# match them. No listing and no question: only the candidates matter.
zpty -w z "PROMPT='<pro''mpt>' RPROMPT= LISTMAX=100000; unsetopt auto_list auto_menu; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
# Every candidate that reaches compadd, marked, then added as usual.
zpty -w z 'compadd () { if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi; typeset -a hits; builtin compadd -A hits "$@"; (( $#hits )) && print -rl -- "<cand>"${^hits}; builtin compadd "$@"; }'
zpty -w z 'print -r -- "<rea""dy>"'
zpty -r z buf '*<ready>*' || exit 4
# Type only once the line editor waits: keys typed before reach the
# terminal's own line discipline, where the Ctrl-U below erases them.
zpty -r z buf '*<prompt>*' || exit 4
zpty -w -n z "$2"$'\t'
zpty -w z $'\C-u''print -r -- "<do""ne>"'
zpty -r z buf '*<done>*' || exit 5
zpty -d z
for line in ${(f)buf}; do
    [[ $line == *\<cand\>* ]] && print -r -- "${${line##*<cand>}%$'\r'}"
done
exit 0
