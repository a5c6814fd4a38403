"""Table for the Pd sweep (pd_sweep.sh). Each argument is LABEL:SEED:SCENARIO:SSDIR:OURSDIR:ORACLE[:PREVDIR],
where SSDIR holds results_200_kdtree.json, OURSDIR ours_200_{imm,cv}.json and ORACLE is
oracle.py's output for SCENARIO. PREVDIR (optional, on every argument or none) holds an earlier
tracker's ours_200_{imm,cv}.json: a third table then shows earlier -> current. "floor+pre" adds c/2 per truth-scan before the target's first
detection (oracle.py counts those 0; any tracker pays c/2 there). Stdlib only."""
import csv, json, re, sys
from collections import defaultdict
N = 200
def pre_first(scen):
    tr = defaultdict(set); first = {}; times = set()
    for r in csv.DictReader(open(scen)):
        t = round(float(r['time_s']), 3); i = int(r['target_id']); times.add(t)
        if r['kind'] == 'truth': tr[i].add(t)
        elif i >= 0: first[i] = min(first.get(i, 1e18), t)
    pre = sum(sum(1 for t in ts if t < first.get(i, 1e18)) for i, ts in tr.items())
    return pre, pre * 250.0 / len(times)
print('| Pd | seed | meas | tracker | GOSPA | loc | missed | false | ×SS | broken | limit (¼ SS) | false tracks | confirmed |')
print('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
trend = []; prev = []
for arg in sys.argv[1:]:
    label, seed, scen, ssd, od, orc, *pd = arg.split(':')
    ss = json.load(open(f'{ssd}/results_{N}_kdtree.json'))
    assert ss['completed'] and ss['scans_processed'] == 100
    g = ss['gospa']['mean_all_scans']; G = g['distance']; B = ss['truths_with_multiple_tracks']
    M = ss['measurements_processed']
    print(f"| {label} | {seed} | {M} | Stone Soup kdtree | {G:.0f} | {g['localisation']:.0f} | {g['missed']:.0f} | "
          f"{g['false']:.0f} | 1.00 | {B} | | {ss['false_tracks']} | {ss['tracks_confirmed_total']} |")
    row = [label, G, B]
    for m in ('imm', 'cv'):
        o = json.load(open(f'{od}/ours_{N}_{m}.json')); q = o['gospa']
        assert o['measurements'] == M
        r = q['mean'] / G; b = o['truths_with_multiple_tracks']
        print(f"| {label} | {seed} | {M} | cuenca {m} | {q['mean']:.0f} | {q['localisation']:.0f} | {q['missed']:.0f} | "
              f"{q['false']:.0f} | {r:.2f} | {b} | {B/4:g} | {o['false_tracks']} | {o['tracks_confirmed']} |")
        row += [q['mean'], r, b]
    t = open(orc).read()
    assert scen in t
    loc = float(re.search(r'localisation floor ([0-9.]+)', t).group(1))
    fl = float(re.search(r'within 250 m\) ([0-9.]+)', t).group(1))
    pre, add = pre_first(scen)
    print(f"| {label} | {seed} | {M} | oracle floor | {fl:.0f} | ({loc:.0f}) | | | {fl/G:.2f} | | | | |")
    row += [fl, fl / G, pre, fl + add, (fl + add) / G]
    trend.append(row)
    if pd:
        pr = [label, G, B]
        for m in ('imm', 'cv'):
            o = json.load(open(f'{pd[0]}/ours_{N}_{m}.json')); assert o['measurements'] == M
            pr += [o['gospa']['mean'], o['truths_with_multiple_tracks']]
        prev.append(pr + row[3:9])
print()
print('| Pd | SS GOSPA | 0.8×SS | SS broken | IMM ×SS | IMM broken (limit) | CV ×SS | CV broken | floor ×SS | IMM ÷ floor | truth-scans before 1st det. | floor+pre | floor+pre ×SS |')
print('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
for label, G, B, gi, ri, bi, gc, rc, bc, fl, rf, pre, fp, rfp in trend:
    print(f"| {label} | {G:.0f} | {0.8*G:.0f} | {B} | {ri:.2f} | {bi} ({B/4:g}) | {rc:.2f} | {bc} | {rf:.2f} | {gi/fl:.2f} | {pre} | {fp:.0f} | {rfp:.3f} |")
if prev:
    assert len(prev) == len(trend), 'PREVDIR on some arguments only'
    print()
    print('| Pd | IMM GOSPA (earlier → now) | IMM ×SS | IMM broken (limit) | CV GOSPA | CV ×SS | CV broken |')
    print('|---|---:|---:|---:|---:|---:|---:|')
    for label, G, B, pgi, pbi, pgc, pbc, gi, ri, bi, gc, rc, bc in prev:
        print(f"| {label} | {pgi:.0f} → {gi:.0f} | {pgi/G:.2f} → {ri:.2f} | {pbi} → {bi} ({B/4:g}) | "
              f"{pgc:.0f} → {gc:.0f} | {pgc/G:.2f} → {rc:.2f} | {pbc} → {bc} |")
