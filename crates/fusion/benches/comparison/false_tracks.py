"""How long false tracks live: a track is counted as false if most of its reported
estimates are 500 m (GOSPA's c) or more from every truth at that scan. Prints their
number and length in scans, and all estimates >= 500 m from every truth per scan (these
feed GOSPA's false term, c/2 each). Usage: false_tracks.py SCENARIO.csv TRACKS.csv"""
import csv, sys
from collections import defaultdict
import numpy as np
from scipy.spatial import cKDTree
scen, tracks = sys.argv[1:3]
truth = defaultdict(list); scans = set()
for r in csv.DictReader(open(scen)):
    t = round(float(r['time_s']), 3); scans.add(t)
    if r['kind'] == 'truth': truth[t].append((float(r['x_m']), float(r['y_m'])))
trees = {t: cKDTree(np.array(v)) for t, v in truth.items()}
rows = defaultdict(list)
for r in csv.DictReader(open(tracks)):
    t = round(float(r['time_s']), 3)
    d = trees[t].query((float(r['x_m']), float(r['y_m'])))[0] if t in trees else np.inf
    rows[int(r['track_id'])].append(d)
far = {k: sum(1 for d in v if d >= 500.0) for k, v in rows.items()}
false = [k for k, v in rows.items() if far[k] > len(v) / 2]
L = np.array([len(rows[k]) for k in false]) if false else np.zeros(1)
print(f'{tracks}: {len(rows)} tracks, {len(false)} false (median {np.median(L):.0f} scans, '
      f'max {L.max():.0f}); estimates >= 500 m from every truth: {sum(far.values()) / len(scans):.1f} per scan')
