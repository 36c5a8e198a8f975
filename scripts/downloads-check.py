#!/usr/bin/env python3
"""Reads the explorer's table downloads as their users would: pandas for the CSV and the JSON,
and the "CSV for Excel" (UTF-8 byte-order mark) as Excel's UTF-8 import does (utf-8-sig).
Usage: scripts/downloads-check.py API_URL   (run by scripts/test.sh after the browser tests)"""
import io, json, sys, urllib.request
import pandas as pd

base = sys.argv[1].rstrip("/")
problems = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)

def get(path):
    with urllib.request.urlopen(base + path) as r:
        return r.headers.get("Content-Disposition", ""), r.read()

disp, body = get("/localities/saint-etienne?download=memberships&format=csv")
check("localities-saint-etienne-memberships.csv" in disp, f"the CSV is named after its content ({disp})")
df = pd.read_csv(io.BytesIO(body))
check(list(df.columns[:5]) == ["network", "member", "role", "from", "to"], f"from and to columns: {list(df.columns)}")
check(pd.api.types.is_numeric_dtype(df["from"]), f"'from' reads as numbers in pandas ({df['from'].dtype})")
check((df["network"] == "Euromed Working Group of Eurocities").any() or df["network"].str.contains("Euromed").any(), "Saint-Étienne's Euromed membership is there")
euromed = df[df["network"].str.contains("Euromed")].iloc[0]
check((int(euromed["from"]), int(euromed["to"])) == (1999, 2001), f"Euromed 1999–2001 as two numbers ({euromed['from']}, {euromed['to']})")
_, excel = get("/localities/saint-etienne?download=memberships&format=csv&bom=true")
check(excel.startswith(b"\xef\xbb\xbf"), "the CSV for Excel starts with a UTF-8 byte-order mark")
dx = pd.read_csv(io.BytesIO(excel), encoding="utf-8-sig")
check(dx.columns[0] == "network" and dx.shape == df.shape, "read with utf-8-sig it is the same table (no stray mark in the first header)")
check(dx["member"].str.contains("Saint-Étienne").any(), "accents survive (Saint-Étienne)")
disp, body = get("/networks/eurocities?year=2010&download=members&format=json")
rows = pd.DataFrame(json.loads(body)["rows"])
check("networks-eurocities-members-year-2010.json" in disp and {"member", "from", "to"} <= set(rows.columns), "JSON download named and columned")
if problems:
    sys.exit(f"{len(problems)} download check(s) failed")
print("all download checks passed")
