"""Localisation floor: a CV Kalman filter (q, sigma 50 m) fed each target's own
detections (perfect association, no clutter), started at its first detection with a
150 m/s velocity prior. Prints mean Euclidean error per scan summed over targets (capped at
c = 500 m), i.e. the GOSPA localisation term a filtering tracker that never breaks would
score, and the GOSPA (p = 1, c = 500, alpha = 2) of reporting this filter's estimate only
when it is within c/2 = 250 m of the truth (an unassigned truth costs c/2), which no
tracker reporting these filtered estimates can beat. Scans before a target's first
detection count 0 in both (a real tracker pays c/2 there), so both are optimistic."""
import csv, sys
from collections import defaultdict
import numpy as np
scen = sys.argv[1]; q = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
truth = defaultdict(dict); det = defaultdict(dict); times = set()
for r in csv.DictReader(open(scen)):
    t = round(float(r['time_s']), 3); i = int(r['target_id']); times.add(t)
    xy = np.array([float(r['x_m']), float(r['y_m'])])
    if r['kind'] == 'truth': truth[i][t] = xy
    elif i >= 0: det[i][t] = xy
times = sorted(times)
F1 = lambda dt: np.array([[1, dt], [0, 1]])
Q1 = lambda dt: q * np.array([[dt**3 / 3, dt**2 / 2], [dt**2 / 2, dt]])
tot = np.zeros(len(times)); best = np.zeros(len(times)); R = 2500.0
for i in truth:
    x = None
    for k, t in enumerate(times):
        z = det[i].get(t)
        if x is None:
            if z is None: continue
            x = [np.array([z[a], 0.0]) for a in range(2)]; P = [np.diag([R, 150.0**2]) for _ in range(2)]; tl = t
        else:
            dt = t - tl; tl = t
            for a in range(2):
                x[a] = F1(dt) @ x[a]; P[a] = F1(dt) @ P[a] @ F1(dt).T + Q1(dt)
                if z is not None:
                    S = P[a][0, 0] + R; K = P[a][:, 0] / S
                    x[a] = x[a] + K * (z[a] - x[a][0]); P[a] = P[a] - np.outer(K, P[a][0, :])
        e = np.hypot(x[0][0] - truth[i][t][0], x[1][0] - truth[i][t][1])
        tot[k] += min(e, 500.0); best[k] += min(e, 250.0)
print(f'{scen}: oracle CV(q={q}) localisation floor {tot.mean():.1f} (per target {tot.mean()/len(truth):.1f} m); '
      f'GOSPA floor (report only within 250 m) {best.mean():.1f}')
