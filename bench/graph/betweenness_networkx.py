"""Betweenness (undirected, unnormalised, hop distances) with networkx on an edge list."""
import json
import sys
import time

import networkx as nx

path = sys.argv[1]
g = nx.read_edgelist(path, nodetype=int)
t = time.perf_counter()
b = nx.betweenness_centrality(g, normalized=False)
s = time.perf_counter() - t
print(json.dumps({"tool": "networkx " + nx.__version__, "nodes": g.number_of_nodes(), "edges": g.number_of_edges(),
                  "seconds": s, "all_seconds": [s], "sum": sum(b.values()), "max": max(b.values()), "node0": b[0]}))
