"""Generate the diffusion benchmark graph: a seeded directed random graph written as an edge list.

Usage: python generate_graph.py OUT_DIR [--nodes 100000] [--edges 1000000] [--seed 2026]

Writes OUT_DIR/edges.tsv (`source<TAB>target<TAB>probability`, node ids 0..n-1, no self-loops,
no duplicate pairs) and OUT_DIR/seeds.txt (10 seed node ids). Endpoints are uniform (a directed
Erdős–Rényi-like graph with mean out-degree 10); probabilities are uniform on [0.05, 0.25]
(mean 0.15), a supercritical cascade that reaches a large share of the graph.
"""

import argparse
import os

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir")
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    n, m = args.nodes, args.edges
    rng = np.random.default_rng(args.seed)
    pairs = np.empty((0, 2), dtype=np.int64)
    while len(pairs) < m:
        extra = rng.integers(0, n, size=(int((m - len(pairs)) * 1.1) + 100, 2))
        extra = extra[extra[:, 0] != extra[:, 1]]
        # Keep the first occurrence of each pair, in generation order.
        allp = np.concatenate([pairs, extra])
        _, first = np.unique(allp[:, 0] * n + allp[:, 1], return_index=True)
        pairs = allp[np.sort(first)]
    pairs = pairs[:m]
    p = rng.uniform(0.05, 0.25, size=m)
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "edges.tsv"), "w") as f:
        lines = (f"{s}\t{t}\t{q:.6f}\n" for (s, t), q in zip(pairs.tolist(), p.tolist()))
        f.writelines(lines)
    seeds = rng.choice(n, size=10, replace=False)
    with open(os.path.join(args.out_dir, "seeds.txt"), "w") as f:
        f.write("\n".join(str(s) for s in sorted(seeds.tolist())) + "\n")
    print(f"wrote {m} edges over {n} nodes to {args.out_dir}")


if __name__ == "__main__":
    main()
