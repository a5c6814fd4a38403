"""Why tracks break: per truth, which track covers it at each scan (GOSPA-style
assignment, d < 500 m), and the truth's state when the covering track changes.
Usage: analyze.py SCENARIO.csv TRACKS.csv LABEL [--changes]
--changes also lists every change: truth, time, cause, max lateral accel (m/s^2), mean
speed (m/s), uncovered scans just before it (gap), scans without a detection of the truth
from 5 scans before the old track's last cover up to the change, nearest other target (m)."""
import csv, sys
from collections import defaultdict, Counter
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist

def load(scen, tracks):
    truth = defaultdict(dict); dets = defaultdict(lambda: defaultdict(int))
    for r in csv.DictReader(open(scen)):
        t = round(float(r['time_s']), 3); i = int(r['target_id'])
        if r['kind'] == 'truth':
            truth[i][t] = (float(r['x_m']), float(r['y_m']))
        elif i >= 0:
            dets[i][t] += 1
    tr = defaultdict(list)
    for r in csv.DictReader(open(tracks)):
        tr[round(float(r['time_s']), 3)].append((int(r['track_id']), float(r['x_m']), float(r['y_m'])))
    return truth, dets, tr

def main(scen, tracks, label):
    truth, dets, tr = load(scen, tracks)
    ids = sorted(truth); times = sorted(truth[ids[0]])
    P = np.array([[truth[i][t] for t in times] for i in ids])  # [n, k, 2]
    cover = {i: [None] * len(times) for i in ids}
    for k, t in enumerate(times):
        rows = tr.get(t, [])
        if not rows: continue
        A = np.array([(x, y) for _, x, y in rows]); B = P[:, k, :]
        C = np.minimum(cdist(B, A), 500.0)
        r, c = linear_sum_assignment(C)
        for a, b in zip(r, c):
            if C[a, b] < 500.0: cover[ids[a]][k] = rows[b][0]
    # truth kinematics
    V = np.diff(P, axis=1) / 10.0                       # [n, k-1, 2]
    spd = np.linalg.norm(V, axis=2)
    hd = np.arctan2(V[..., 1], V[..., 0])
    dh = (np.diff(hd, axis=1) + np.pi) % (2 * np.pi) - np.pi   # per 10 s, [n, k-2]
    lat = np.abs(dh) / 10.0 * spd[:, 1:]                # m/s², at scan k+1
    causes = Counter(); broken = 0; uncovered = Counter()
    det_detail = []
    for n, i in enumerate(ids):
        seq = cover[i]
        uncovered[i] = sum(1 for s in seq if s is None)
        segs = []  # (track, first k, last k)
        for k, s in enumerate(seq):
            if s is None: continue
            if segs and segs[-1][0] == s: segs[-1][2] = k
            else: segs.append([s, k, k])
        if len({s[0] for s in segs}) > 1: broken += 1
        for a, b in zip(segs, segs[1:]):
            if a[0] == b[0]: continue
            k = b[1]
            lo, hi = max(a[2] - 3, 0), min(k + 1, lat.shape[1])
            amax = float(lat[n, lo:hi].max()) if hi > lo else 0.0
            d_other = np.min([np.hypot(*(P[m, kk] - P[n, kk])) for m in range(len(ids)) if m != n
                              for kk in range(max(a[2] - 2, 0), min(k + 1, len(times)))])
            missed = sum(1 for kk in range(max(a[2] - 5, 0), k) if dets[i].get(times[kk], 0) == 0)
            gap = k - a[2] - 1
            if d_other < 2000: cause = 'close to another target (<2 km)'
            elif amax > 2.0: cause = 'manoeuvre (lateral accel > 2 m/s^2)'
            elif gap >= 0 and missed >= 3: cause = 'missed detections (>=3 of last 5 scans + gap)'
            else: cause = 'other'
            causes[cause] += 1
            det_detail.append((i, times[k], cause, round(amax, 1), round(float(spd[n].mean()), 0), gap, missed, round(float(d_other))))
    n = len(ids)
    print(f'{label}: truths={n} broken(position-based)={broken} switches={sum(causes.values())} '
          f'uncovered truth-scans={sum(uncovered.values())}')
    for c, v in causes.most_common(): print(f'   {v:5d}  {c}')
    worst = uncovered.most_common(5)
    print('   most uncovered targets (id: scans, mean speed m/s, max lateral accel m/s^2):',
          ', '.join(f'{i}: {u}, {spd[ids.index(i)].mean():.0f}, {lat[ids.index(i)].max():.1f}' for i, u in worst))
    # breaks by speed band for manoeuvre causes
    if det_detail:
        sp = np.array([d[4] for d in det_detail]); am = np.array([d[3] for d in det_detail])
        print('   switch speed quartiles', np.percentile(sp, [25, 50, 75]).round(0), 'lat-acc quartiles', np.percentile(am, [25, 50, 75]).round(1))
    if '--changes' in sys.argv:
        print('   truth  time_s  cause  max_lat_acc  speed  gap  scans_without_detection  nearest_other_m')
        for d in det_detail: print('  ', *d)
    return det_detail

if __name__ == '__main__':
    main(*sys.argv[1:4])
