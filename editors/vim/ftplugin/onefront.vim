" Vim filetype plugin for onefront (*.onefront).
" The house style of examples/: two spaces per brace level, no tabs.

if exists("b:did_ftplugin")
  finish
endif
let b:did_ftplugin = 1

let s:cpo_save = &cpo
set cpo&vim

setlocal commentstring=#\ %s
setlocal comments=:#
" Words go on with `-`: per-service, all-in-one, opennebula-oned.
setlocal iskeyword+=-
" Wrap and continue comments, never code.
setlocal formatoptions-=t formatoptions+=croql
setlocal shiftwidth=2 softtabstop=2 expandtab

let b:undo_ftplugin = "setlocal commentstring< comments< iskeyword< formatoptions<"
      \ . " shiftwidth< softtabstop< expandtab<"

let &cpo = s:cpo_save
unlet s:cpo_save
