#!/usr/bin/env bash
# Runs each libFuzzer target for FUZZ_SECONDS (default 300) on a working copy of its committed
# seed corpus; called by `make fuzz` after the targets are built. A crash stops the run with the
# reproducer under .build/fuzz/artifacts/; every run appends one line per target to
# .build/fuzz/log.tsv (date, commit the targets were built from, target, seconds, executions,
# coverage, features, crashes).
set -u
BIN=${FUZZ_BIN:-.build/fuzz/release}
SECONDS_EACH=${FUZZ_SECONDS:-300}
TARGETS=${FUZZ_TARGETS:-"FuzzCSV FuzzXML FuzzJudge"}
mkdir -p .build/fuzz/artifacts
status=0
for t in $TARGETS; do
  case $t in
    FuzzCSV) seeds=csv; dict= ;;
    FuzzXML) seeds=xml; dict=-dict=Tests/Fuzz/xml.dict ;;
    FuzzJudge) seeds=judge; dict=-dict=Tests/Fuzz/xml.dict ;;
  esac
  work=.build/fuzz/corpus/$t
  mkdir -p "$work"
  cp -n Tests/Fuzz/corpus/$seeds/* "$work"/
  log=.build/fuzz/$t.log
  echo "fuzz: $t for ${SECONDS_EACH}s (log in $log)"
  "$BIN/$t" "$work" $dict -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=.build/fuzz/artifacts/$t- -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
  crashes=$(ls .build/fuzz/artifacts/ | grep -c "^$t-" || true)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$(cat .build/fuzz/built-from 2>/dev/null || echo '?')" "$t" "$SECONDS_EACH" \
    "${runs:-?}" "${cov:-?}" "${ft:-?}" "$crashes" | tee -a .build/fuzz/log.tsv
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t stopped with exit $rc; reproducers:"; ls .build/fuzz/artifacts/ | grep "^$t-"
    tail -40 "$log"
    status=1
  fi
done
exit $status
