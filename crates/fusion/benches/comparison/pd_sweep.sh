#!/bin/bash
# Pd sweep on low-pd scenarios (extra evidence for the target files; since a0f76de the
# sweep files are tuning files for the deletion rule).
# For each Pd range: generate N = 200 targets with its own seed, run Stone Soup (kdtree,
# one run), ours IMM and CV (one run each) and oracle.py's floor.
# Usage: pd_sweep.sh  (env: SCEN, GEN, CUENCA, PY; layout SCEN/pd-sweep/<range>/)
# OURS_ONLY=1: re-run only ours with CUENCA on the existing SCEN/pd-sweep/<range>/scenario_200.csv
#   (checked against its sha256 in gen.log), writing into OUT/<range>/ (OUT required).
#   Stone Soup and oracle results stay in SCEN/pd-sweep/<range>/.
set -u
SCEN=${SCEN:-/tmp/scen}
GEN=${GEN:-/tmp/scen/bin/gen_scenario}
CUENCA=${CUENCA:-/tmp/scen/bin/cuenca-83609f5}
PY=${PY:-/tmp/ssvenv/bin/python}
OURS_ONLY=${OURS_ONLY:-0}
HERE=$(cd "$(dirname "$0")" && pwd)
N=200
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
for rs in 0.4,0.5:301 0.5,0.6:302 0.7,0.8:303 0.8,0.9:304; do
  r=${rs%:*}; seed=${rs#*:}; d=$SCEN/pd-sweep/${r/,/-}
  if [ "$OURS_ONLY" = 1 ]; then
    o=$OUT/${r/,/-}; mkdir -p "$o"
    want=$(tail -n 1 "$d/gen.log" | cut -d' ' -f1)
    have=$(sha256sum "$d/scenario_$N.csv" | cut -d' ' -f1)
    [ "$want" = "$have" ] || { echo "$r: scenario_$N.csv changed since pd_sweep.sh made it" >&2; exit 1; }
  else
    o=$d; mkdir -p "$d"
    "$GEN" low-pd $N $seed "$d/scenario_$N.csv" --pd $r > "$d/gen.log" 2>&1
    sha256sum "$d/scenario_$N.csv" >> "$d/gen.log"
    (cd "$SCEN" && /usr/bin/time -v "$PY" bench.py --n $N --assoc kdtree --outdir "$d" \
        --write-tracks --stonesoup-gospa no > "$d/ss_$N.log" 2> "$d/ss_$N.time")
    echo "$r ss rc=$?"
  fi
  for m in imm cv; do
    "$CUENCA" eval --scenario "$d/scenario_$N.csv" --json --model $m \
      --tracks-out "$o/ours_tracks_${N}_$m.csv" > "$o/ours_${N}_$m.json"
    echo "$r $m rc=$?"
  done
  if [ "$OURS_ONLY" != 1 ]; then
    "$PY" "$HERE/oracle.py" "$d/scenario_$N.csv" > "$d/oracle.txt"
    echo "$r oracle rc=$?"
  fi
done
