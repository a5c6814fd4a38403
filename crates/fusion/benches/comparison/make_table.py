"""Markdown table from Stone Soup results_N_kdtree.json and our ours_N_<model>.json."""
import json, os, sys
rows = [a.split(':') for a in sys.argv[1:]]
sp = os.path.join(os.environ.get('SCEN', '/tmp/scen'), 'speed.json')
speed = json.load(open(sp)) if os.path.exists(sp) else {}
print('| kind | N | meas. | tracker | GOSPA mean | loc | missed | false | ×SS | broken (truths w/ >1 track) | false tracks | confirmed | meas/s | targets met? |')
print('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|')
for kind, n in rows:
    d = os.path.join(os.environ.get('SCEN', '/tmp/scen'), kind)
    ss = json.load(open(f'{d}/results_{n}_kdtree.json'))
    g = ss['gospa']['mean_all_scans']; G = g['distance']; B = ss['truths_with_multiple_tracks']
    print(f"| {kind} | {n} | {ss['measurements_processed']} | Stone Soup kdtree | {g['distance']:.0f} | {g['localisation']:.0f} | "
          f"{g['missed']:.0f} | {g['false']:.0f} | 1.00 | {B} | {ss['false_tracks']} | {ss['tracks_confirmed_total']} | "
          f"{ss['measurements_per_cpu_s']:.0f} /CPU-s ({ss['measurements_per_s']:.0f} wall) | reference |")
    for m in ('imm', 'cv'):
        o = json.load(open(f'{d}/ours_{n}_{m}.json')); q = o['gospa']
        assert o['measurements'] == ss['measurements_processed']
        r = q['mean'] / G; b = o['truths_with_multiple_tracks']
        ok_g = r <= 0.8; ok_b = b <= B / 4
        verdict = ('yes' if ok_g and ok_b else 'no: ' + ', '.join(
            s for s, ok in ((f'GOSPA {r:.2f}>0.8', ok_g), (f'broken {b}>{B/4:g}', ok_b)) if not ok))
        print(f"| {kind} | {n} | {o['measurements']} | cuenca {m} | {q['mean']:.0f} | {q['localisation']:.0f} | "
              f"{q['missed']:.0f} | {q['false']:.0f} | {r:.2f} | {b} | {o['false_tracks']} | {o['tracks_confirmed']} | "
              f"{speed.get(f'{kind}:{n}:{m}', o['measurements_per_s']):.0f} | {verdict} |")
