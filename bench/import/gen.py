#!/usr/bin/env python3
"""Generates a knowledge-base directory for the import benchmark (docs/benchmarks-import.md).

usage: gen.py OUT_DIR [ROWS] [--localities N] [--located]

Writes OUT_DIR/{sources,networks,localities,memberships}.csv in the interchange format of
docs/data-format.md: ROWS (default 1,000,000) membership rows over 1,000 networks and
ceil(ROWS / 1,000) localities, every (network, member) pair at most once so that the whole base is
valid (no overlapping duplicate memberships). Dates, roles, exit reasons and notes vary so that
every column type is parsed. Deterministic: the same arguments give the same bytes.

--localities N (N >= ceil(ROWS / 1,000)) spreads the same rows over N localities instead (the scale
benchmark, bench/scale/run.sh, uses 20,000: 50 memberships each); --located gives every locality
coordinates (cited to src:bench) and one of several countries, so that the map has points. Without
either option the output is byte-identical to what this script always wrote (bench/import and
bench/grow rely on the default layout).
"""
import argparse
import os

ROLES = ["member"] * 8 + ["founder", "president", "observer", "partner"]
EXITS = ["", "", "", "", "opted_out", "excluded", "network_ended"]


COUNTRIES = ["IT", "FR", "DE", "ES", "PL", "NL", "BE", "SE", "AT", "PT", "GR", "CZ", "DK", "FI", "IE", "HU", "RO", "NO", "CH", "HR"]


def main() -> None:
    ap = argparse.ArgumentParser(description="Generates a knowledge-base directory for the benchmarks.")
    ap.add_argument("out")
    ap.add_argument("rows", nargs="?", type=int, default=1_000_000)
    ap.add_argument("--localities", type=int, default=None, help="number of localities (default ceil(ROWS / 1,000))")
    ap.add_argument("--located", action="store_true", help="coordinates and several countries for the localities")
    args = ap.parse_args()
    out, rows = args.out, args.rows
    nets = 1000
    per_net = (rows + nets - 1) // nets  # rows of one network: one per "column" k = i // nets
    locs = args.localities if args.localities is not None else per_net
    if locs < per_net:
        ap.error(f"--localities must be at least {per_net} (ceil(ROWS / {nets})) for every pair to be unique")
    # Network n's k-th row goes to locality (k + (n % spread) * per_net) % locs: for a given network
    # the k are distinct and below per_net <= locs, so no pair repeats; the spread covers every
    # locality. With the default (locs == per_net, spread 1) this is k, the original layout.
    spread = (locs + per_net - 1) // per_net
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sources.csv"), "w", newline="") as f:
        f.write("id,short,title,authors,year,kind,file,licence,url\n")
        f.write("src:bench,Bench 2024,Generated benchmark source,mlgov,2024,dataset,,,\n")
    with open(os.path.join(out, "networks.csv"), "w", newline="") as f:
        f.write("id,name,acronym,aliases,kind,parent,source,locator\n")
        for n in range(nets):
            f.write(f"net:bench-{n:04d},Network {n},N{n},,network,,src:bench,p. 1\n")
    with open(os.path.join(out, "localities.csv"), "w", newline="") as f:
        f.write("id,name,aliases,kind,country,region,parent,anonymised,public_label,lat,lon,coord_source,source,locator\n")
        for l in range(locs):
            if args.located:
                # Deterministic scatter over Europe (35-70 N, 10 W-30 E); the country is a label only.
                lat = 35 + (l * 7919 % 35000) / 1000
                lon = -10 + (l * 104729 % 40000) / 1000
                f.write(f"loc:bench-{l:05d},Town {l},,municipality,{COUNTRIES[l % len(COUNTRIES)]},,,,,{lat:.3f},{lon:.3f},src:bench,src:bench,p. 2\n")
            else:
                f.write(f"loc:bench-{l:05d},Town {l},,municipality,IT,,,,,,,,src:bench,p. 2\n")
    with open(os.path.join(out, "memberships.csv"), "w", newline="", buffering=1 << 20) as f:
        f.write("id,network,member,role,from,to,exit_reason,note,source,locator\n")
        buf = []
        for i in range(rows):
            start = 1980 + i % 40
            end = "" if i % 3 == 0 else str(start + i % 7)
            exit_reason = EXITS[i % len(EXITS)] if end else ""
            month = f"-{1 + i % 12:02d}" if i % 5 == 0 else ""
            note = '"a note, with a comma"' if i % 11 == 0 else ""
            buf.append(
                f"mem:bench-{i:07d},net:bench-{i % nets:04d},loc:bench-{(i // nets + (i % nets % spread) * per_net) % locs:05d},{ROLES[i % len(ROLES)]},"
                f"{start}{month},{end},{exit_reason},{note},src:bench,p. {1 + i % 300}\n"
            )
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


if __name__ == "__main__":
    main()
