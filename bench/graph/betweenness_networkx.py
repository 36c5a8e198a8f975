"""Betweenness (undirected, unnormalised, hop distances) with networkx on an edge list.

Usage: betweenness_networkx.py EDGE_LIST [SOURCES]
With SOURCES = k < n, networkx runs Brandes from k sampled sources (seed 1) and the time is
extrapolated linearly to all n sources (Brandes costs the same per source); the scores are then
an estimate, so the sum/max check is skipped by run.sh.
Reports wall-clock and process CPU seconds.
"""
import json
import sys
import time

import networkx as nx

path = sys.argv[1]
k = int(sys.argv[2]) if len(sys.argv) > 2 else None
g = nx.read_edgelist(path, nodetype=int)
n = g.number_of_nodes()
t, c = time.perf_counter(), time.process_time()
if k and k < n:
    b = nx.betweenness_centrality(g, k=k, normalized=False, seed=1)
    scale = n / k
else:
    b = nx.betweenness_centrality(g, normalized=False)
    scale = 1.0
wall, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"tool": "networkx " + nx.__version__, "nodes": n, "edges": g.number_of_edges(),
                  "sources": k or n, "seconds": wall * scale, "cpu_seconds": cpu * scale,
                  "measured_seconds": wall, "all_seconds": [wall * scale], "estimated": scale != 1.0,
                  "sum": sum(b.values()), "max": max(b.values()), "node0": b[0]}))
