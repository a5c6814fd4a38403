import sys, csv
sys.argv=[sys.argv[0]]+sys.argv[1:]
from analyze import load
import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import cdist
scen, tracks, want = sys.argv[1], sys.argv[2], [int(x) for x in sys.argv[3].split(',')]
truth, dets, tr = load(scen, tracks)
ids=sorted(truth); times=sorted(truth[ids[0]])
P=np.array([[truth[i][t] for t in times] for i in ids])
for i in want:
    line=[]
    for k,t in enumerate(times):
        rows=tr.get(t,[]); A=np.array([(x,y) for _,x,y in rows]); B=P[:,k,:]
        C=np.minimum(cdist(B,A),500.0); r,c=linear_sum_assignment(C)
        m={a:b for a,b in zip(r,c) if C[a,b]<500}
        n=ids.index(i)
        d=dets[i].get(t,0)
        if n in m: line.append(f'{rows[m[n]][0]}{"" if d else "m"}')
        else:
            # nearest track distance
            dd = np.min(np.hypot(A[:,0]-B[n,0],A[:,1]-B[n,1])) if len(A) else -1
            line.append(f'-{"" if d else "m"}({dd:.0f})')
    print(i, ' '.join(line))
