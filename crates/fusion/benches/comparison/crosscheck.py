"""Recompute GOSPA of our track output with bench.py's gospa_fast formula (c=500, p=1)."""
import csv, sys
from collections import defaultdict
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
scen, tracks = sys.argv[1:3]
gt = defaultdict(list); tr = defaultdict(list); last = 0
for r in csv.DictReader(open(scen)):
    t = round(float(r['time_s']), 3)
    if r['kind'] == 'truth': gt[t].append((float(r['x_m']), float(r['y_m'])))
    else: last = max(last, t)
for r in csv.DictReader(open(tracks)):
    tr[round(float(r['time_s']), 3)].append((float(r['x_m']), float(r['y_m'])))
c = 500.0; acc = np.zeros(3); n = 0
for t in sorted(set(gt) | set(tr)):
    if t > last: continue
    A, B = np.array(tr.get(t, [])), np.array(gt.get(t, []))
    if len(A) == 0 or len(B) == 0:
        d = (0, len(B) * c / 2, len(A) * c / 2)
    else:
        C = np.minimum(cdist(B, A), c); r, k = linear_sum_assignment(C); cost = C[r, k]; ok = cost < c
        d = (cost[ok].sum(), (len(B) - ok.sum()) * c / 2, (len(A) - ok.sum()) * c / 2)
    acc += d; n += 1
acc /= n
print(f'{tracks}: GOSPA {acc.sum():.1f} (loc {acc[0]:.1f}, missed {acc[1]:.1f}, false {acc[2]:.1f})')
