#!/usr/bin/env python3
"""Scores `mlgov reconcile bench/reconcile/names.csv -o OUT` against the known answers.
Usage: python3 bench/reconcile/score.py OUT [TRUTH.csv, default names.csv]  → precision and recall of the linked matches, and
how often the best candidate of a row sent to review is the right one."""
import csv, os, sys
HERE = os.path.dirname(os.path.abspath(__file__))
truth = list(csv.DictReader(open(sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "names.csv"), encoding="utf-8")))
res = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
assert len(truth) == len(res), (len(truth), len(res))
tp = fp = review = review_top1 = wrong_none = 0
rows = []
for t, r in zip(truth, res):
    exp, d, m = t["expected"], r["decision"], r["match"]
    best = r["candidates"].split(" ")[0] if r["candidates"] else ""
    if d == "linked":
        if m == exp:
            tp += 1
        else:
            fp += 1
            rows.append(f"  wrong link: {t['name']!r} → {m} (expected {exp})")
    elif exp != "none":
        if d == "review":
            review += 1
            review_top1 += best == exp
        else:
            rows.append(f"  no match: {t['name']!r} (expected {exp})")
positives = sum(t["expected"] != "none" for t in truth)
print(f"names: {len(truth)} ({positives} with an answer, {len(truth) - positives} without)")
print(f"linked: {tp + fp}; precision {tp / max(1, tp + fp):.3f}; recall {tp / positives:.3f}")
print(f"sent to review: {review} with an answer, of which the best candidate is right in {review_top1}")
print("\n".join(rows))
