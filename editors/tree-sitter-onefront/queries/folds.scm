; Folds (Neovim's `@fold`): every block (a node with a `{`), and a list
; written over several lines.

[
  (_ "{")
  (list)
] @fold
