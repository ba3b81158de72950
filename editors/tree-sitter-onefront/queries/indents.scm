; Indents, in the two conventions at once (each editor ignores the other's
; captures):
; - Neovim (nvim-treesitter): a block is `@indent.begin`; its closing brace is
;   `@indent.branch` (the line of `}` goes back out) and `@indent.end`.
; - Helix: a block is `@indent`; its closing brace is `@outdent`.
; A block is any node with a `{`, and a list.

[
  (_ "{")
  (list)
] @indent.begin @indent

[
  "}"
  "]"
] @indent.branch @indent.end @outdent
