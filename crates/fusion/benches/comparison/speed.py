"""Median of 5 runs of cuenca eval's measurements_per_s per scenario and model."""
import json, os, subprocess, statistics, sys
cuenca = os.environ.get('CUENCA', '/work/main/target/release/cuenca')
scen = os.environ.get('SCEN', '/tmp/scen')
out = {}
for kn in sys.argv[1:]:
    k, n = kn.split(':')
    for m in ('imm', 'cv'):
        v = [json.loads(subprocess.run([cuenca, 'eval', '--scenario', f'{scen}/{k}/scenario_{n}.csv', '--json', '--model', m],
                                       capture_output=True, check=True, text=True).stdout)['measurements_per_s'] for _ in range(5)]
        out[f'{k}:{n}:{m}'] = statistics.median(v)
        print(k, n, m, round(statistics.median(v)), [round(x) for x in v], flush=True)
json.dump(out, open(f'{scen}/speed.json', 'w'), indent=1)
