#!/usr/bin/env python3
"""Generates a knowledge-base directory for the import benchmark (docs/benchmarks-import.md).

usage: gen.py OUT_DIR [ROWS]

Writes OUT_DIR/{sources,networks,localities,memberships}.csv in the interchange format of
docs/data-format.md: ROWS (default 1,000,000) membership rows over 1,000 networks and
ceil(ROWS / 1,000) localities, every (network, member) pair at most once so that the whole base is
valid (no overlapping duplicate memberships). Dates, roles, exit reasons and notes vary so that
every column type is parsed. Deterministic: the same arguments give the same bytes.
"""
import os
import sys

ROLES = ["member"] * 8 + ["founder", "president", "observer", "partner"]
EXITS = ["", "", "", "", "opted_out", "excluded", "network_ended"]


def main() -> None:
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    nets = 1000
    locs = (rows + nets - 1) // nets
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
                f"mem:bench-{i:07d},net:bench-{i % nets:04d},loc:bench-{i // nets:05d},{ROLES[i % len(ROLES)]},"
                f"{start}{month},{end},{exit_reason},{note},src:bench,p. {1 + i % 300}\n"
            )
            if len(buf) >= 10000:
                f.write("".join(buf))
                buf.clear()
        f.write("".join(buf))


if __name__ == "__main__":
    main()
