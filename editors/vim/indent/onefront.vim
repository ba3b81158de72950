" Vim indent file for onefront (*.onefront): one 'shiftwidth' per open
" brace or bracket. Braces in strings and comments do not count.

if exists("b:did_indent")
  finish
endif
let b:did_indent = 1

setlocal indentexpr=GetOnefrontIndent(v:lnum)
setlocal indentkeys=0},0],!^F,o,O
setlocal autoindent

let b:undo_indent = "setlocal indentexpr< indentkeys< autoindent<"

if exists("*GetOnefrontIndent")
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" [closers at the start of the line, opened minus closed after them]
function! s:Braces(text) abort
  let leading = 0
  let depth = 0
  let started = 0
  let in_string = 0
  let i = 0
  let n = strlen(a:text)
  while i < n
    let c = a:text[i]
    if in_string
      if c ==# '\'
        let i += 1
      elseif c ==# '"'
        let in_string = 0
      endif
    elseif c ==# '#'
      break
    elseif c ==# '}' || c ==# ']'
      if started
        let depth -= 1
      else
        let leading += 1
      endif
    elseif c !~# '\s'
      let started = 1
      if c ==# '{' || c ==# '['
        let depth += 1
      elseif c ==# '"'
        let in_string = 1
      endif
    endif
    let i += 1
  endwhile
  return [leading, depth]
endfunction

function! GetOnefrontIndent(lnum) abort
  let prev = prevnonblank(a:lnum - 1)
  if prev == 0
    return 0
  endif
  let ind = indent(prev) + shiftwidth() * s:Braces(getline(prev))[1]
  let ind -= shiftwidth() * s:Braces(getline(a:lnum))[0]
  return ind < 0 ? 0 : ind
endfunction

let &cpo = s:cpo_save
unlet s:cpo_save
