#!/bin/bash
# cuenca eval (IMM and CV) on generated scenarios, one job at a time.
# Usage: run_ours.sh KIND:N ...   (CUENCA: the binary)
SCEN=${SCEN:-/tmp/scen}
CUENCA=${CUENCA:-/work/main/target/release/cuenca}
for kn in "$@"; do
  k=${kn%:*}; n=${kn#*:}
  for m in imm cv; do
    "$CUENCA" eval --scenario "$SCEN/$k/scenario_$n.csv" --json --model $m \
      --tracks-out "$SCEN/$k/ours_tracks_${n}_$m.csv" > "$SCEN/$k/ours_${n}_$m.json"
    echo "$k $n $m rc=$?"
  done
done
