"""Vectorised numpy independent cascade on the benchmark edge list (peer of the Rust harness).

Usage: python ic_numpy.py DATA_DIR --runs 20 [--seed 7] [--max-steps 200]

Same model as mlgov-diffusion's IC with neutral susceptibility: seeds active at step 0; each
node activated at step t tries each inactive out-neighbour once with the edge's probability.
One frontier step is a handful of array operations over all out-edges of the frontier.
Prints one JSON line with timings and the mean final cascade size.
"""

import argparse
import json
import os
import time

import numpy as np


def load(data_dir):
    raw = np.loadtxt(os.path.join(data_dir, "edges.tsv"), dtype=np.float64, delimiter="\t")
    src, dst, p = raw[:, 0].astype(np.int64), raw[:, 1].astype(np.int64), raw[:, 2]
    n = int(max(src.max(), dst.max())) + 1
    order = np.argsort(src, kind="stable")
    src, dst, p = src[order], dst[order], p[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    indptr = np.cumsum(indptr)
    seeds = np.loadtxt(os.path.join(data_dir, "seeds.txt"), dtype=np.int64)
    return n, indptr, dst, p, seeds


def run_once(n, indptr, dst, p, seeds, rng, max_steps):
    active = np.zeros(n, dtype=bool)
    active[seeds] = True
    frontier = seeds
    for _ in range(max_steps):
        if frontier.size == 0:
            break
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if total == 0:
            break
        # Edge indices of all out-edges of the frontier: concatenated ranges.
        offs = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(total)
        targets = dst[offs]
        fire = (rng.random(total) < p[offs]) & ~active[targets]
        new = np.unique(targets[fire])
        active[new] = True
        frontier = new
    return int(active.sum())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-steps", type=int, default=200)
    args = ap.parse_args()
    t0 = time.perf_counter()
    n, indptr, dst, p, seeds = load(args.data_dir)
    load_s = time.perf_counter() - t0
    sizes = []
    c0 = time.process_time()
    t0 = time.perf_counter()
    for r in range(args.runs):
        rng = np.random.default_rng([args.seed, r])
        sizes.append(run_once(n, indptr, dst, p, seeds, rng, args.max_steps))
    sim_s = time.perf_counter() - t0
    cpu_s = time.process_time() - c0
    print(json.dumps({
        "impl": "numpy", "numpy": np.__version__, "runs": args.runs, "load_s": load_s,
        "sim_s": sim_s, "per_run_ms": 1000 * sim_s / args.runs,
        "cpu_per_run_ms": 1000 * cpu_s / args.runs,
        "mean_final_active": float(np.mean(sizes)),
    }))


if __name__ == "__main__":
    main()
