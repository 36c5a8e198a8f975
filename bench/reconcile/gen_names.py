#!/usr/bin/env python3
"""SYNTHETIC list of N place names for the reconciliation speed test (seeded): places drawn from
the embedded GeoNames extract, each written as its name, an alternate name, with a generic prefix
("Comune di", "Ville de", "City of"), or with one random typo.
Usage: gen_names.py N OUT.csv [SEED]"""
import csv, gzip, os, random, sys
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
n, out, seed = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 1
rng = random.Random(seed)
places = []
with gzip.open(os.path.join(ROOT, "crates/mlgov-gazetteer/data/places.tsv.gz"), "rt", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or line.startswith("geonameid\t"):
            continue
        gid, name, cc, _a1, _lat, _lon, _p, alts = line.rstrip("\n").split("\t")
        places.append((name, cc, [a for a in alts.split("|") if a]))
prefix = {"IT": "Comune di ", "FR": "Ville de ", "GB": "City of ", "ES": "Ayuntamiento de ", "DE": "Stadt ", "NL": "Gemeente "}
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "country"])
    for _ in range(n):
        name, cc, alts = rng.choice(places)
        r = rng.random()
        if r < 0.25 and alts:
            name = rng.choice(alts)
        elif r < 0.45:
            name = prefix.get(cc, "") + name
        elif r < 0.65 and len(name) > 5:
            i = rng.randrange(1, len(name) - 1)
            name = name[:i] + name[i + 1:] if rng.random() < 0.5 else name[:i] + name[i + 1] + name[i] + name[i + 2:]
        w.writerow([name, cc if rng.random() < 0.5 else ""])
