#!/usr/bin/env bash
# make screenshots: pictures of report.xlsx's Summary and Figures sheets, as LibreOffice prints
# them (headless, to PDF), first page of each as PNG: docs/workbook-summary.png, docs/workbook-figures.png.
set -euo pipefail
book=$1; docs=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sheet in Summary Figures; do
  # One sheet alone (openpyxl keeps its cells, formats, widths and table), so the PDF's first page is it.
  python3 - "$book" "$sheet" "$tmp/$sheet.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for name in wb.sheetnames:
    if name != sys.argv[2]:
        del wb[name]
ws = wb[sys.argv[2]]
ws.page_setup.orientation = "landscape"
ws.print_options.gridLines = True
wb.save(sys.argv[3])
PY
  (cd "$tmp" && HOME="$tmp" soffice --headless --norestore --convert-to pdf "$sheet.xlsx" >/dev/null 2>&1)
  pdftoppm -png -r 90 -f 1 -l 1 -singlefile "$tmp/$sheet.pdf" "$tmp/$sheet"
  lower=$(echo "$sheet" | tr 'A-Z' 'a-z')
  cp "$tmp/$sheet.png" "$docs/workbook-$lower.png"
  echo "$docs/workbook-$lower.png"
done
