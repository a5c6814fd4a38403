#!/bin/bash
# cuenca eval (IMM and CV) on generated scenarios, one job at a time, RUNS times each.
# Usage: run_ours.sh KIND:N ...
#   KIND is a generated kind ($SCEN/KIND/scenario_N.csv) or "anchor"
#   ($ANCHOR/scenario_N.csv, the Stone Soup anchor's own files).
# Env: CUENCA (the binary), SCEN, ANCHOR, OUT (where results go: $OUT/KIND/, default $SCEN),
#      RUNS (default 3; passes are interleaved so a burst of load hits one run, not three).
# Writes per KIND/N/model: ours_N_M.runs.jsonl (one report per run; make_table.py takes the
# median measurements_per_s and checks everything else is identical), ours_N_M.json (the
# first run's report) and ours_tracks_N_M.csv (--tracks-out; checked identical across runs).
set -e
SCEN=${SCEN:-/tmp/scen}
ANCHOR=${ANCHOR:-/work/shared/anchors/stonesoup}
OUT=${OUT:-$SCEN}
RUNS=${RUNS:-3}
CUENCA=${CUENCA:-/work/main/target/release/cuenca}
scen_of() { if [ "$1" = anchor ]; then echo "$ANCHOR/scenario_$2.csv"; else echo "$SCEN/$1/scenario_$2.csv"; fi; }
for kn in "$@"; do
  k=${kn%:*}; n=${kn#*:}; mkdir -p "$OUT/$k"
  for m in imm cv; do rm -f "$OUT/$k/ours_${n}_$m.runs.jsonl"; done
done
for r in $(seq 1 "$RUNS"); do
  for kn in "$@"; do
    k=${kn%:*}; n=${kn#*:}; o="$OUT/$k"
    for m in imm cv; do
      t="$o/ours_tracks_${n}_$m.csv"; [ "$r" = 1 ] || t="$o/.ours_tracks_${n}_$m.run.csv"
      "$CUENCA" eval --scenario "$(scen_of "$k" "$n")" --json --model $m --tracks-out "$t" \
        > "$o/.ours_${n}_$m.run.json"
      cat "$o/.ours_${n}_$m.run.json" >> "$o/ours_${n}_$m.runs.jsonl"
      if [ "$r" = 1 ]; then
        mv "$o/.ours_${n}_$m.run.json" "$o/ours_${n}_$m.json"
      else
        rm -f "$o/.ours_${n}_$m.run.json"
        cmp -s "$t" "$o/ours_tracks_${n}_$m.csv" || { echo "$k $n $m: run $r tracks differ" >&2; exit 1; }
        rm -f "$t"
      fi
      echo "run $r: $k $n $m ok"
    done
  done
done
