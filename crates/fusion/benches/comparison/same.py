"""Check two run_ours.sh result trees (e.g. two tracker builds) give identical reports
(all fields but timing) and byte-identical --tracks-out files.
Usage: same.py OUT_A OUT_B   (compares every KIND/ours_N_M.runs.jsonl present in OUT_A)"""
import filecmp, glob, json, os, sys
a_dir, b_dir = sys.argv[1:3]
TIMING = ('tracker_seconds', 'measurements_per_s')
n = bad = 0
for fa in sorted(glob.glob(f'{a_dir}/*/ours_*.runs.jsonl')):
    rel = os.path.relpath(fa, a_dir); fb = os.path.join(b_dir, rel)
    ta = fa.replace('/ours_', '/ours_tracks_').replace('.runs.jsonl', '.csv')
    tb = fb.replace('/ours_', '/ours_tracks_').replace('.runs.jsonl', '.csv')
    ra, rb = (json.loads(open(f).readline()) for f in (fa, fb))
    for r in (ra, rb):
        for k in TIMING: r.pop(k)
    n += 1
    if ra != rb or not filecmp.cmp(ta, tb, shallow=False):
        bad += 1; print('differs:', rel)
print(f'{n} runs compared, {bad} differ')
sys.exit(1 if bad else 0)
