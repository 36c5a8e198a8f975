#!/usr/bin/env python3
"""Writes bench/reconcile/names.csv and heldout.csv (name,country,expected) from truth.txt and
heldout.txt: answers written as
"Main name@CC" become geonames:<id> (the most populous place of the embedded extract with that main
name in that country); loc:… and none stay. Fails if an answer names no place of the extract."""
import csv, gzip, os
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
best = {}
with gzip.open(os.path.join(ROOT, "crates/mlgov-gazetteer/data/places.tsv.gz"), "rt", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or line.startswith("geonameid\t"):
            continue
        gid, name, cc, _a1, _lat, _lon, pop, _alts = line.rstrip("\n").split("\t")
        k = (name, cc)
        if k not in best or int(pop) > best[k][1]:
            best[k] = (gid, int(pop))
for src, dst in [("truth.txt", "names.csv"), ("heldout.txt", "heldout.csv")]:
  rows, missing = [], []
  for line in open(os.path.join(HERE, src), encoding="utf-8"):
      line = line.rstrip("\n")
      if not line or line.startswith("#"):
          continue
      name, country, answer = line.split("|")
      if "@" in answer:
          main, cc = answer.rsplit("@", 1)
          if (main, cc) not in best:
              missing.append(answer)
              continue
          answer = f"geonames:{best[(main, cc)][0]}"
      rows.append((name, country, answer))
  if missing:
      raise SystemExit(f"answers naming no place of the extract: {missing}")
  with open(os.path.join(HERE, dst), "w", encoding="utf-8", newline="") as f:
      w = csv.writer(f, lineterminator="\n")
      w.writerow(["name", "country", "expected"])
      w.writerows(rows)
  print(f"{dst}: {len(rows)} names written")
