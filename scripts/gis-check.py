#!/usr/bin/env python3
"""Reads mlgov's GeoJSON with a GIS library (geopandas over pyogrio/GDAL, as QGIS would through
GDAL): the CLI export and the API's, for all localities and for a network's members.
Usage: scripts/gis-check.py CLI_FILE API_URL   (run by scripts/test.sh)"""
import json, sys, urllib.request
import geopandas as gpd

cli_file, base = sys.argv[1], sys.argv[2].rstrip("/")
problems = []

def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        problems.append(what)

for label, src in [("CLI export", cli_file), ("API", f"{base}/api/v1/localities.geojson")]:
    if src.startswith("http"):
        with urllib.request.urlopen(src) as r:
            check(r.headers.get("Content-Type", "").startswith("application/geo+json"), f"{label}: served as application/geo+json")
            path = "/tmp/mlgov-gis-api.geojson"
            open(path, "wb").write(r.read())
        src = path
    df = gpd.read_file(src, engine="pyogrio")
    check(df.crs is not None and df.crs.to_epsg() == 4326, f"{label}: CRS is WGS84 (EPSG:4326), got {df.crs}")
    check(len(df) >= 40, f"{label}: {len(df)} located localities (≥ 40)")
    check(set(df.geom_type) == {"Point"}, f"{label}: point geometries")
    for col in ["name", "country", "geonames_id", "population", "subdivision", "networks", "attribution"]:
        check(col in df.columns, f"{label}: column {col}")
    turin = df[df["name"] == "Turin"]
    check(len(turin) == 1 and abs(turin.geometry.iloc[0].y - 45.07049) < 1e-6 and abs(turin.geometry.iloc[0].x - 7.68682) < 1e-6, f"{label}: Turin at 45.07049 N, 7.68682 E")
    se = df[df["name"] == "Saint-Étienne"]
    check(len(se) == 1 and abs(se.geometry.iloc[0].y - 45.43389) < 1e-6, f"{label}: Saint-Étienne at 45.43389 N")
    check(not df["id"].astype(str).str.startswith("loc:wc-").any() if "id" in df.columns else True, f"{label}: no anonymised locality placed")
    check(df["attribution"].str.contains("GeoNames").all(), f"{label}: GeoNames attribution on every feature")

with urllib.request.urlopen(f"{base}/api/v1/networks/anvita/members.geojson") as r:
    open("/tmp/mlgov-gis-anvita.geojson", "wb").write(r.read())
members = gpd.read_file("/tmp/mlgov-gis-anvita.geojson", engine="pyogrio")
check("Grande-Synthe" in set(members["name"]) and "Turin" not in set(members["name"]), f"network members: ANVITA's {len(members)} located members include Grande-Synthe, not Turin")
if problems:
    sys.exit(f"{len(problems)} GIS check(s) failed")
print("all GIS checks passed")
