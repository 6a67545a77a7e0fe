#!/usr/bin/env bash
# make golden: rewrites the expected outputs of Tests/CaseloadTests/Golden/*/expected* from the
# program, for each variant (k = 1; k = 5; k = 5 under golden.key). A reviewed change: read the
# diff, and check the aggregates against rounding.py (GoldenTests does).
set -euo pipefail
bin=${1:-.build/debug/caseload}
root=Tests/CaseloadTests/Golden
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for folder in "$root"/*/; do
  g=$(basename "$folder")
  [ -d "$folder/Input" ] || continue
  for variant in expected expected-k5 expected-k5-key; do
    args=(--min-cell 5)
    case $variant in
      expected) args=(--min-cell 1) ;;
      expected-k5-key) args+=(--key-file "$root/golden.key") ;;
    esac
    rm -rf "$out/o"
    "$bin" run --input "$folder/Input" --output "$out/o" --quiet "${args[@]}" || [ $? -eq 1 ]
    dest="$folder/$variant"
    rm -rf "$dest"
    mkdir -p "$dest"
    # k = 1: every output but the HTML report; the others: what keyed rounding changes.
    (cd "$out/o" && find . -type f \( -name '*.csv' -o -name '*.json' \) ! -name report.html) | while read -r f; do
      case $variant:$f in
        expected:*) ;;
        *:./manifest.json|*:*/unhcr/aggregates.csv) ;;
        *) continue ;;
      esac
      mkdir -p "$dest/$(dirname "$f")"
      cp "$out/o/$f" "$dest/$f"
    done
  done
done
git status --short "$root"
