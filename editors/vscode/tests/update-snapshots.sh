#!/bin/sh
# Writes the snapshots of tests/snap/ anew from the current grammar: one for
# every example, every stdlib file, every input that already has one, and
# every file given as argument (a path from the repository root, to add one).
# Read the diff before committing it: the snapshots are reviewed like code.
# `cargo test --test main editors_vscode` checks them.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
snap="${ONEFRONT_TOOLS:-$root/.tools}/npm/node_modules/.bin/vscode-tmgrammar-snap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
{
  ls examples/*.onefront stdlib/*.onefront
  (cd "$here/tests/snap" && find . -name '*.onefront.snap' | sed 's|^\./||; s|\.snap$||')
  for file in "$@"; do echo "$file"; done
} | sort -u | while read -r file; do
  mkdir -p "$work/$(dirname "$file")"
  cp "$file" "$work/$file"
done

rm -rf "$here/tests/snap"
(cd "$work" && node "$snap" --config "$here/package.json" '**/*.onefront' >/dev/null)
(cd "$work" && find . -name '*.snap') | while read -r file; do
  mkdir -p "$here/tests/snap/$(dirname "$file")"
  cp "$work/$file" "$here/tests/snap/$file"
done
echo "snapshots written to $here/tests/snap"
