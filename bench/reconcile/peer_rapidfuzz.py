#!/usr/bin/env python3
"""The peer of `mlgov reconcile`: what a practitioner writes with pandas-free Python and rapidfuzz
(the maintained C++ fuzzy matcher) over the same GeoNames extract — accents folded, an exact
lookup of the name or an alternate name (the most populous place wins), else
rapidfuzz.process.extractOne with WRatio at a cutoff of 90 within the country when one is given.
Stored localities are recognised through their GeoNames links (data/kb/010-gazetteer).
Usage: peer_rapidfuzz.py NAMES.csv OUT.csv  (OUT has the columns score.py reads)."""
import csv, gzip, os, re, sys, unicodedata
from rapidfuzz import process, fuzz

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

def fold(s):
    s = unicodedata.normalize("NFKD", s)
    return re.sub(r"[\W_]+", " ", "".join(c for c in s if not unicodedata.combining(c)).lower()).strip()

exact, pop, country_of = {}, {}, {}
with gzip.open(os.path.join(ROOT, "crates/mlgov-gazetteer/data/places.tsv.gz"), "rt", encoding="utf-8") as f:
    for line in f:
        if line.startswith("#") or line.startswith("geonameid\t"):
            continue
        gid, name, cc, _a1, _lat, _lon, p, alts = line.rstrip("\n").split("\t")
        pop[gid], country_of[gid] = int(p), cc
        for n in [name, *alts.split("|")]:
            if n:
                exact.setdefault(fold(n), []).append(gid)
linked = {}
for r in csv.DictReader(open(os.path.join(ROOT, "data/kb/010-gazetteer/facts.csv"), encoding="utf-8")):
    if r["property"] == "geonames_id":
        linked[r["value"]] = r["subject"]
keys_by_country = {}
for k, gids in exact.items():
    for g in gids:
        keys_by_country.setdefault(country_of[g], set()).add(k)
all_keys = list(exact)
keys_by_country = {c: list(v) for c, v in keys_by_country.items()}

out = []
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    q, cc = fold(r["name"]), r["country"] or None
    gids = [g for g in exact.get(q, []) if cc is None or country_of[g] == cc]
    if not gids:
        hit = process.extractOne(q, keys_by_country.get(cc, []) if cc else all_keys, scorer=fuzz.WRatio, score_cutoff=90)
        if hit:
            gids = [g for g in exact[hit[0]] if cc is None or country_of[g] == cc]
    if gids:
        g = max(gids, key=lambda g: pop[g])
        target = linked.get(g, f"geonames:{g}")
        out.append([r["name"], "linked", target, target])
    else:
        out.append([r["name"], "no_match", "", ""])
with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["name", "decision", "match", "candidates"])
    w.writerows(out)
