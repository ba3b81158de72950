" Test driver: loads files in the real Vim with this package and reports
" what Vim made of them, as JSON. tests/editors_vim.rs writes the plan, runs
"
"   ONEFRONT_VIM_PLAN=plan.json vim -Nu NONE -i NONE -n -es -S editors/vim/test/run.vim
"
" and asserts on the report. The plan (JSON):
"   {"output": "report.json",
"    "plugins": 1,
"    "files": [{"path": "x.onefront", "probes": [[line, col], ...], "reindent": 1}]}
" "plugins": 0 loads no ftplugin and no indent plugin, only the syntax.
" The report, for each file: filetype, b:current_syntax, v:errmsg and the
" message history after loading; the syntax group at each probe (1-based line
" and byte column), the group it shows as and the links between; the options the
" ftplugin and indent plugin set, before (a buffer without a filetype), after
" loading, and after `:set filetype=` (which runs b:undo_ftplugin and
" b:undo_indent); with "reindent", the lines after stripping all leading
" white space and `gg=G`. Legacy Vim script, so that Neovim can run it too.

let s:package = expand('<sfile>:p:h:h')
let s:options = ['commentstring', 'comments', 'iskeyword', 'formatoptions',
      \ 'shiftwidth', 'softtabstop', 'expandtab', 'indentexpr', 'indentkeys',
      \ 'autoindent']

function! s:Options() abort
  let values = {}
  for name in s:options
    let values[name] = eval('&l:' . name)
  endfor
  return values
endfunction

" [the group, what synIDtrans() makes of it, the chain of `hi link`s]
function! s:Group(line, col) abort
  let id = synID(a:line, a:col, 1)
  let chain = []
  let name = synIDattr(id, 'name')
  while name !=# '' && index(chain, name) < 0
    call add(chain, name)
    let name = matchstr(execute('highlight ' . name), 'links to \zs\S\+')
  endwhile
  return [synIDattr(id, 'name'), synIDattr(synIDtrans(id), 'name'), chain]
endfunction

function! s:Load(file) abort
  let v:errmsg = ''
  messages clear
  execute 'edit' fnameescape(a:file.path)
  " Highlight to the last line ('syn sync fromstart': from the first), so
  " that an error of any pattern shows.
  call synID(line('$'), max([1, col([line('$'), '$']) - 1]), 1)
  let report = {
        \ 'path': a:file.path,
        \ 'filetype': &filetype,
        \ 'current_syntax': get(b:, 'current_syntax', ''),
        \ 'errmsg': v:errmsg,
        \ 'messages': execute('messages'),
        \ 'groups': map(copy(get(a:file, 'probes', [])), 's:Group(v:val[0], v:val[1])'),
        \ 'options': s:Options(),
        \ 'dash_is_keyword': 'per-service' =~# '^\k\+$',
        \ 'undo_ftplugin': get(b:, 'undo_ftplugin', ''),
        \ 'undo_indent': get(b:, 'undo_indent', ''),
        \ }
  if get(a:file, 'reindent', 0)
    silent %substitute/^\s\+//e
    silent normal! gg=G
    let report.reindented = getline(1, '$')
  endif
  set filetype=
  let report.undone = s:Options()
  bwipeout!
  return report
endfunction

function! s:Run() abort
  let plan = json_decode(join(readfile($ONEFRONT_VIM_PLAN), "\n"))
  let report = {'version': v:version, 'files': []}
  try
    " No swap files beside the files read (tests run side by side).
    set noswapfile
    execute 'set runtimepath^=' . fnameescape(s:package)
    if get(plan, 'plugins', 1)
      filetype plugin indent on
    else
      " The syntax file alone: it must not lean on the ftplugin's options.
      filetype on
    endif
    syntax on
    enew
    let report.defaults = s:Options()
    for file in plan.files
      call add(report.files, s:Load(file))
    endfor
  catch
    let report.error = v:exception . ' at ' . v:throwpoint
  endtry
  call writefile([json_encode(report)], plan.output)
endfunction

call s:Run()
qall!
