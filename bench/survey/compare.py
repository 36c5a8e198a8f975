"""Checks that mlgov, pandas and polars computed the same frequency table.

Usage: python compare.py mlgov.json pandas.csv polars.csv
mlgov.json is `mlgov --json survey analyze NAME frequency --resamples 0`. Every (size, period,
actor) cell must be present in all three with the same n and means equal to 1e-9 (relative).
Exits 1 and lists the differences otherwise; prints the number of cells and one sample row.
"""
import csv
import json
import math
import sys


def mlgov_table(path):
    tables = json.load(open(path))
    t = tables[0] if isinstance(tables, list) else tables
    out = {}
    for r in t["rows"]:
        e = r["estimate"]
        if e["n"] == 0:
            continue
        out[(r["group"][0], r["period"], r["measure"])] = (int(e["n"]), float(e["mean"]))
    return out


def peer_table(path):
    with open(path) as f:
        return {(r["size"], r["period"], r["actor"]): (int(float(r["n"])), float(r["mean"])) for r in csv.DictReader(f)}


def main(ml, *peers):
    ref = mlgov_table(ml)
    bad = 0
    for p in peers:
        other = peer_table(p)
        if set(other) != set(ref):
            print(f"{p}: cells differ: only in mlgov {sorted(set(ref) - set(other))[:5]}, only in peer {sorted(set(other) - set(ref))[:5]}")
            bad += 1
            continue
        for k, (n, m) in ref.items():
            n2, m2 = other[k]
            if n != n2 or not math.isclose(m, m2, rel_tol=1e-9, abs_tol=1e-12):
                print(f"{p}: {k}: mlgov n={n} mean={m!r}, peer n={n2} mean={m2!r}")
                bad += 1
    k = ("small_town", "p2", "anti_migrant_groups")
    sample = ref.get(k) or next(iter(ref.values()))
    print(f"same table in mlgov and {len(peers)} peer(s): {len(ref)} cells (size x period x actor), n and mean equal; e.g. {k}: n={sample[0]} mean={sample[1]:.6f}" if not bad else f"{bad} difference(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
