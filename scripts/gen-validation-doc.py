#!/usr/bin/env python3
"""Regenerates docs/validation.md from `caseload explain` (the explanations live in IssueCode)."""
import subprocess, sys

binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/caseload"
known = subprocess.run([binary, "explain", "X"], capture_output=True, text=True).stderr
codes = known.split("Known codes: ")[1].strip().split(", ")
doc = ["# Issue codes", "",
       "Every problem `caseload` finds is one issue: a severity, one of these stable codes, the file",
       "(relative to the input folder), the line, the facility and period, the `case_id` and the field",
       "where known, and a message saying what was expected and what was found. `caseload explain CODE`",
       "prints the same text as this table (this page is generated from it: `make docs`).", "",
       "Severities: **error** rejects the record (record rules) or the whole file (file rules);",
       "**warning** keeps it and tells the data officer; **info** notes a fact.", "",
       "A file is judged in this order (the first file-level error stops it, except that every header",
       "problem gets its own issue): its name and the registry; whether it can be read and its size;",
       "duplicates and ambiguous revisions among files of the same kind, facility and period; its content",
       "(empty, encoding, CSV syntax or XML doctype/well-formedness/schema/envelope, limits, the header);",
       "its records; the share of rejected records. The rules across files run last.", "",
       "| code | severity | meaning | how a centre fixes it |", "| --- | --- | --- | --- |"]
for c in codes:
    out = subprocess.run([binary, "explain", c], capture_output=True, text=True, check=True).stdout
    head, meaning, fix = out.split("\n\n", 2)
    severity = head.split("(")[1].rstrip(")")
    fix = fix.strip().replace("How to fix: ", "")
    doc.append("| `%s` | %s | %s | %s |" % (c, severity, meaning.strip().replace("|", "\\|"), fix.replace("|", "\\|")))
open("docs/validation.md", "w").write("\n".join(doc) + "\n")
