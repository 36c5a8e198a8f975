"""Betweenness (undirected, unnormalised, hop distances) with python-igraph on an edge list."""
import json
import sys
import time

import igraph as ig

path = sys.argv[1]
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
g = ig.Graph.Read_Edgelist(path, directed=False)
times, cpus = [], []
for _ in range(repeats):
    t, c = time.perf_counter(), time.process_time()
    b = g.betweenness(directed=False)
    times.append(time.perf_counter() - t)
    cpus.append(time.process_time() - c)
cpus.sort()
times.sort()
print(json.dumps({"tool": "python-igraph " + ig.__version__, "nodes": g.vcount(), "edges": g.ecount(),
                  "seconds": times[len(times) // 2], "all_seconds": times, "cpu_seconds": cpus[len(cpus) // 2],
                  "sum": sum(b), "max": max(b), "node0": b[0]}))
