#!/bin/bash
# Stone Soup (the anchor's bench.py, kdtree GNN) on generated scenarios, one job at a time.
# Usage: run_ss.sh KIND:N ...   (SS_EXTRA: extra bench.py options)
SCEN=${SCEN:-/tmp/scen}
PY=${PY:-/tmp/ssvenv/bin/python}
[ -f "$SCEN/bench.py" ] || cp /work/shared/anchors/stonesoup/bench.py "$SCEN/bench.py"
cd "$SCEN"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1
for kn in "$@"; do
  k=${kn%:*}; n=${kn#*:}
  /usr/bin/time -v "$PY" bench.py --n "$n" --assoc kdtree --outdir "$SCEN/$k" --write-tracks $SS_EXTRA \
    > "$SCEN/$k/ss_$n.log" 2> "$SCEN/$k/ss_$n.time"
  echo "$k $n rc=$?"
done
