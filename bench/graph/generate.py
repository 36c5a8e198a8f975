"""Seeded generator of a governance-like graph (stdlib only).

Writes an undirected edge list "u v" (one pair per line, node ids 0..N-1, no duplicates, no
self-loops) with exactly --nodes nodes (every node has degree >= 1) and --edges edges.

Layout (ids in this order): localities, networks, organisations, persons, countries.
* every locality joins 1 + Geometric(0.4) networks, networks chosen by Zipf popularity;
* every person is affiliated to one home locality or organisation;
* every organisation and country gets one tie to a locality;
* the remaining edges are interactions between actors drawn by a heavy-tailed (Pareto 2.1)
  activity, 70 % of them inside the same home locality, 30 % anywhere.
"""
import argparse
import bisect
import itertools
import random


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=5000)
    p.add_argument("--edges", type=int, default=50000)
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--out", default="governance_edges.txt")
    a = p.parse_args()
    rng = random.Random(a.seed)
    n = a.nodes
    n_loc, n_net, n_org, n_cty = n * 12 // 100, n * 3 // 100, n * 25 // 100, n * 2 // 100
    n_per = n - n_loc - n_net - n_org - n_cty
    loc = range(0, n_loc)
    net = range(n_loc, n_loc + n_net)
    org = range(net.stop, net.stop + n_org)
    per = range(org.stop, org.stop + n_per)
    cty = range(per.stop, n)
    edges = set()

    def add(u, v):
        if u != v:
            edges.add((min(u, v), max(u, v)))

    home = {}
    net_w = list(itertools.accumulate(1.0 / (r + 1) for r in range(n_net)))
    for l in loc:
        home[l] = l
        k = 1
        while rng.random() < 0.6:
            k += 1
        for _ in range(k):
            add(l, net[bisect.bisect(net_w, rng.random() * net_w[-1])])
    for v in net:
        home[v] = rng.choice(loc)
        add(v, rng.choice(loc))  # every network has at least one member
    for o in org:
        home[o] = rng.choice(loc)
        add(o, home[o])
    for c in cty:
        home[c] = rng.choice(loc)
        add(c, home[c])
    for pr in per:
        home[pr] = rng.choice(loc)
        add(pr, home[pr] if rng.random() < 0.4 else rng.choice(org))
    activity = [rng.paretovariate(2.1) for _ in range(n)]
    by_home = {}
    for v in range(n):
        by_home.setdefault(home[v], []).append(v)
    cum_all = list(itertools.accumulate(activity))
    cum_home = {h: (vs, list(itertools.accumulate(activity[v] for v in vs))) for h, vs in by_home.items()}

    def draw(cum, items=None):
        i = bisect.bisect(cum, rng.random() * cum[-1])
        i = min(i, len(cum) - 1)
        return items[i] if items is not None else i

    while len(edges) < a.edges:
        u = draw(cum_all)
        if rng.random() < 0.7:
            vs, cum = cum_home[home[u]]
            v = draw(cum, vs)
        else:
            v = draw(cum_all)
        add(u, v)
    edges = sorted(edges)
    if len(edges) > a.edges:
        raise SystemExit("too many structural edges for the requested edge count")
    with open(a.out, "w") as f:
        for u, v in edges:
            f.write(f"{u} {v}\n")
    print(f"wrote {len(edges)} edges over {n} nodes to {a.out}")


if __name__ == "__main__":
    main()
