"""Mesa agent-based independent cascade on the benchmark edge list (peer of the Rust harness).

Usage: python ic_mesa.py DATA_DIR --runs 3 [--seed 7] [--max-steps 200]

One agent per node (a locality) holding its out-neighbours and edge probabilities; each model
step, the agents activated in the previous step try each inactive out-neighbour once with the
edge's probability (the same IC as mlgov-diffusion with neutral susceptibility). Each run builds
a fresh model (100,000 agents). Prints one JSON line with the time to build the model (init)
and to step it to the end (steps), per run, and the mean final cascade size.
"""

import argparse
import json
import os
import time

import mesa
import numpy as np


class Locality(mesa.Agent):
    """A node of the diffusion graph."""

    def __init__(self, model, out_nbrs, out_p):
        super().__init__(model)
        self.out_nbrs = out_nbrs
        self.out_p = out_p
        self.active = False
        self.newly_active = False

    def step(self):
        """Try to activate each inactive out-neighbour once."""
        agents = self.model.by_index
        rand = self.random.random
        for j, q in zip(self.out_nbrs, self.out_p):
            other = agents[j]
            if not other.active and rand() < q:
                other.active = True
                other.next_newly = True


class IndependentCascade(mesa.Model):
    """Independent cascade over a fixed directed graph."""

    def __init__(self, nbrs, probs, seeds, seed):
        super().__init__(seed=seed)
        self.by_index = [Locality(self, nb, pr) for nb, pr in zip(nbrs, probs)]
        for a in self.by_index:
            a.next_newly = False
        for s in seeds:
            self.by_index[s].active = True
            self.by_index[s].newly_active = True
        self.running = True

    def step(self):
        frontier = self.agents.select(lambda a: a.newly_active)
        if len(frontier) == 0:
            self.running = False
            return
        frontier.do("step")
        for a in self.agents:
            a.newly_active = a.next_newly
            a.next_newly = False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data_dir")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--max-steps", type=int, default=200)
    args = ap.parse_args()
    t0 = time.perf_counter()
    raw = np.loadtxt(os.path.join(args.data_dir, "edges.tsv"), dtype=np.float64, delimiter="\t")
    src, dst, p = raw[:, 0].astype(np.int64), raw[:, 1].astype(np.int64), raw[:, 2]
    n = int(max(src.max(), dst.max())) + 1
    order = np.argsort(src, kind="stable")
    src, dst, p = src[order], dst[order], p[order]
    bounds = np.searchsorted(src, np.arange(n + 1))
    dst_l, p_l, b = dst.tolist(), p.tolist(), bounds.tolist()
    nbrs = [dst_l[b[i]:b[i + 1]] for i in range(n)]
    probs = [p_l[b[i]:b[i + 1]] for i in range(n)]
    seeds = np.loadtxt(os.path.join(args.data_dir, "seeds.txt"), dtype=np.int64).tolist()
    load_s = time.perf_counter() - t0
    init_s = step_s = 0.0
    c0 = time.process_time()
    sizes = []
    for r in range(args.runs):
        t0 = time.perf_counter()
        model = IndependentCascade(nbrs, probs, seeds, seed=args.seed * 1_000_003 + r)
        t1 = time.perf_counter()
        for _ in range(args.max_steps):
            if not model.running:
                break
            model.step()
        t2 = time.perf_counter()
        init_s += t1 - t0
        step_s += t2 - t1
        sizes.append(sum(1 for a in model.by_index if a.active))
        del model
    print(json.dumps({
        "impl": "mesa", "mesa": mesa.__version__, "runs": args.runs, "load_s": load_s,
        "init_per_run_ms": 1000 * init_s / args.runs, "steps_per_run_ms": 1000 * step_s / args.runs,
        "per_run_ms": 1000 * (init_s + step_s) / args.runs,
        "cpu_per_run_ms": 1000 * (time.process_time() - c0) / args.runs,
        "mean_final_active": float(np.mean(sizes)),
    }))


if __name__ == "__main__":
    main()
