"""Best modularity over 20 seeds of python-igraph's Louvain and Leiden, and igraph's modularity of
given partitions, for checking mlgov-graph's louvain / leiden modules.

Usage: python3 communities_igraph.py GRAPH.json [PARTITIONS.json]

GRAPH.json: {"n": N, "edges": [[u, v, w], ...]}, undirected and weighted, each edge once; a
self-loop [i, i, w] adds 2w to the strength of i (igraph's convention, i.e. A_ii = 2w).
PARTITIONS.json: a list of membership vectors (one community label per node).

Prints one JSON object:
  louvain_modularity  best over seeds 0..19 of community_multilevel(weights=...)
  leiden_modularity   best over seeds 0..19 of community_leiden(objective_function="modularity",
                      weights=..., n_iterations=-1)
  louvain_all, leiden_all   the 20 modularities of each method, in seed order
  modularity_of       Graph.modularity(membership, weights=...) of each given partition, in
                      order (an empty list without PARTITIONS.json)
Every modularity is recomputed with Graph.modularity (resolution 1). Seeding: igraph draws from
Python's `random` module (set_random_number_generator), seeded with random.seed(seed) per run.
"""
import json
import random
import sys

import igraph as ig

SEEDS = range(20)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    g = ig.Graph(n=data["n"], edges=[(u, v) for u, v, _ in data["edges"]], directed=False)
    g.es["weight"] = [float(w) for _, _, w in data["edges"]]
    ig.set_random_number_generator(random)
    louvain, leiden = [], []
    for seed in SEEDS:
        random.seed(seed)
        membership = g.community_multilevel(weights="weight").membership
        louvain.append(g.modularity(membership, weights="weight"))
        random.seed(seed)
        membership = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1).membership
        leiden.append(g.modularity(membership, weights="weight"))
    modularity_of = []
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            modularity_of = [g.modularity(m, weights="weight") for m in json.load(f)]
    print(json.dumps({"igraph_version": ig.__version__, "louvain_modularity": max(louvain),
                      "leiden_modularity": max(leiden), "louvain_all": louvain, "leiden_all": leiden,
                      "modularity_of": modularity_of}))


if __name__ == "__main__":
    main()
