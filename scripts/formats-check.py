#!/usr/bin/env python3
"""Reads every file format mlgov writes back with the consumer's own library (issue 19).

Usage: scripts/formats-check.py MLGOV_BINARY [SERVER_URL]

Builds a scratch database (the bundled base, a locality whose name is a spreadsheet formula, a
synthetic survey with a published release), then checks:
  - XLSX (export, --xlsx of the CLI's tables, survey report and answers, explorer downloads) with
    openpyxl: sheets, row counts, typed cells, the formula-like cell as text with a quote prefix;
  - Parquet (export, survey answers) with pyarrow and pandas: types, dates, row counts, metadata;
  - BibTeX with bibtexparser 2, CSL-JSON with citeproc-py;
  - the release with frictionless (data package), jsonschema (CITATION.cff against CFF 1.2.0),
    and the ZIP against the folder; the server's bulk download likewise;
  - GEXF against the GEXF 1.3 XSD (lxml) and with networkx;
  - CSV: neutralised cells and an exact round trip through `mlgov import`.
Exits non-zero on the first failure.
"""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import urllib.request
import zipfile

import bibtexparser
import jsonschema
import networkx as nx
import openpyxl
import pandas as pd
import pyarrow.parquet as pq
import yaml
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from frictionless import validate as frictionless_validate
from lxml import etree

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMULA = '=HYPERLINK("http://evil.example","x")'
checked = []


def ok(what):
    checked.append(what)
    print(f"ok   {what}")


def run(binary, db, *args):
    p = subprocess.run([binary, "--db", db, "--json", *args], capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"FAIL mlgov {' '.join(args)} → exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return json.loads(p.stdout) if p.stdout.strip() else None


def check_xlsx_cell(path, sheet, needle, quote_prefix):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cells = [c for row in ws.iter_rows() for c in row if c.value == needle]
    assert cells, f"{path}: {needle!r} not in sheet {sheet}"
    for c in cells:
        assert c.data_type == "s", f"{path}: the cell is {c.data_type}, not a string"
        assert bool(c.quotePrefix) == quote_prefix, f"{path}: quotePrefix {c.quotePrefix}, expected {quote_prefix}"


def main():
    binary = os.path.abspath(sys.argv[1])
    url = sys.argv[2] if len(sys.argv) > 2 else None
    tmp = tempfile.mkdtemp(prefix="mlgov-formats-")
    db = os.path.join(tmp, "kb.db")
    run(binary, db, "demo")
    fx = os.path.join(tmp, "fixture")
    os.makedirs(fx)
    with open(os.path.join(fx, "sources.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["id", "short", "title", "kind"], ["src:formats-fixture", "Fixture", "A formula-like name for the format checks", "other"]])
    with open(os.path.join(fx, "localities.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["id", "name", "kind", "country", "source", "locator"], ["loc:formula-town", FORMULA, "municipality", "IT", "src:formats-fixture", "fixture"]])
    run(binary, db, "import", fx)
    run(binary, db, "survey", "synth", "--respondents", "400", "--seed", "3", "--name", "synth-formats")
    run(binary, db, "survey", "release", "synth-formats")

    # CSV: neutralised, and read back exactly by mlgov import.
    out = os.path.join(tmp, "csv")
    run(binary, db, "export", "--out", out)
    text = open(os.path.join(out, "localities.csv"), encoding="utf-8").read()
    assert "\"'=HYPERLINK(" in text, "CSV export: formula-like cell not neutralised"
    df = pd.read_csv(os.path.join(out, "localities.csv"))
    assert (df["name"] == "'" + FORMULA).any()
    raw = os.path.join(tmp, "csv-raw")
    run(binary, db, "export", "--out", raw, "--raw")
    assert (pd.read_csv(os.path.join(raw, "localities.csv"))["name"] == FORMULA).any()
    db2 = os.path.join(tmp, "back.db")
    run(binary, db2, "init")
    run(binary, db2, "import", out)
    back = run(binary, db2, "show", "locality", "loc:formula-town")
    assert json.dumps(back).count(json.dumps(FORMULA)[1:-1]) > 0, "round trip through mlgov import changed the name"
    ok("CSV export neutralised (pandas), --raw as stored, exact round trip through mlgov import")

    # XLSX of the whole base.
    xlsx = os.path.join(tmp, "kb.xlsx")
    run(binary, db, "export", "--format", "xlsx", "--out", xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames[0] == "README" and len(wb.sheetnames) == 15, wb.sheetnames
    for name in wb.sheetnames[1:]:
        rows = len(pd.read_csv(os.path.join(out, f"{name}.csv")))
        assert wb[name].max_row == rows + 1, f"sheet {name}: {wb[name].max_row - 1} rows, CSV {rows}"
    lat = [c.value for c in wb["localities"]["J"][1:] if c.value is not None]
    assert wb["localities"]["J1"].value == "lat" and all(isinstance(v, float) for v in lat)
    check_xlsx_cell(xlsx, "localities", FORMULA, True)
    xlsx_raw = os.path.join(tmp, "kb-raw.xlsx")
    run(binary, db, "export", "--format", "xlsx", "--out", xlsx_raw, "--raw")
    check_xlsx_cell(xlsx_raw, "localities", FORMULA, False)
    ok("XLSX of the base (openpyxl): README + 14 sheets with the CSV's rows, numbers as numbers, formula-like text quote-prefixed (not with --raw)")

    # XLSX of the CLI's tables (--xlsx on any command).
    for args in (["list", "memberships", "--year", "2010"], ["tables", "000-table3"], ["crosstab"], ["networks", "typology"],
                 ["graph", "centrality"], ["hypotheses"], ["survey", "analyze", "synth-formats", "frequency", "--resamples", "20"],
                 ["conflicts"], ["compare", "Turin", "Saint-Etienne"]):
        path = os.path.join(tmp, "-".join(a.replace("/", "_") for a in args)[:60] + ".xlsx")
        run(binary, db, *args, "--xlsx", path)
        wb = openpyxl.load_workbook(path)
        data = [wb[s] for s in wb.sheetnames if s not in ("README", "summary")]
        assert data and all(ws.max_row >= 2 for ws in data), f"{args}: {wb.sheetnames}"
        if args[0] == "survey":
            assert wb["README"]["A3"].value == "SYNTHETIC", "synthetic survey tables are labelled"
    ok("--xlsx of 9 CLI table commands (openpyxl): every sheet has a header and rows; synthetic figures labelled")

    # Parquet of the base.
    pqdir = os.path.join(tmp, "parquet")
    run(binary, db, "export", "--format", "parquet", "--out", pqdir)
    t = pq.read_table(os.path.join(pqdir, "memberships.parquet"))
    assert str(t.schema.field("from").type) == "date32[day]" and str(t.schema.field("to").type) == "date32[day]"
    mem = pd.read_parquet(os.path.join(pqdir, "memberships.parquet"))
    csv_mem = pd.read_csv(os.path.join(out, "memberships.csv"), dtype=str, keep_default_na=False)
    assert len(mem) == len(csv_mem)
    merged = mem.merge(csv_mem[["id", "from", "to"]], on="id", suffixes=("", "_csv"))
    for _, r in merged.iterrows():
        for col in ("from", "to"):
            stated = r[f"{col}_csv"]
            if not stated:
                assert pd.isna(r[col])
                continue
            d = pd.Timestamp(r[col])
            assert d.strftime("%Y-%m-%d").startswith(stated) or (r[f"{col}_precision"] != "day" and str(d.year) == stated[:4]), (stated, d)
            if col == "to" and r["to_precision"] == "year":
                assert (d.month, d.day) == (12, 31)
    loc = pq.read_table(os.path.join(pqdir, "localities.parquet"))
    assert str(loc.schema.field("aliases").type).startswith("list<"), loc.schema.field("aliases").type
    assert str(loc.schema.field("lat").type) == "double"
    assert pd.read_parquet(os.path.join(pqdir, "localities.parquet"))["kind"].dtype.name == "category"
    ok("Parquet of the base (pyarrow, pandas): dates as date32 (first/last day, with precision), lists, doubles, categories; rows = CSV")

    # Survey answers and report.
    ans = os.path.join(tmp, "answers.parquet")
    run(binary, db, "survey", "export", "synth-formats", "--layout", "long", "--out", ans)
    meta = pq.read_metadata(ans).metadata
    assert meta[b"mlgov.synthetic"] == b"true"
    a = pd.read_parquet(ans)
    # Long layout: one answer per row (numbers and choices share `value`); repeated words as categories.
    assert len(a) > 400 and a["item"].dtype.name == "category" and a["synthetic"].all()
    wide = os.path.join(tmp, "answers-wide.parquet")
    run(binary, db, "survey", "export", "synth-formats", "--out", wide)
    w = pd.read_parquet(wide)
    freq = [c for c in w.columns if c.startswith("freq_")]
    assert len(w) == 400 and freq and all(w[c].dtype.kind in "if" for c in freq), w.dtypes
    answ = os.path.join(tmp, "answers.xlsx")
    run(binary, db, "survey", "export", "synth-formats", "--out", answ)
    wb = openpyxl.load_workbook(answ)
    assert wb["README"]["A3"].value == "SYNTHETIC" and wb["answers"].max_row == 401
    rep = os.path.join(tmp, "report")
    run(binary, db, "survey", "report", "synth-formats", "--out", rep, "--resamples", "20")
    wb = openpyxl.load_workbook(os.path.join(rep, "report.xlsx"))
    assert len(wb.sheetnames) >= 10 and wb["README"]["A3"].value == "SYNTHETIC", wb.sheetnames
    ok("survey answers as Parquet (typed, synthetic in metadata and rows) and XLSX; survey report workbook (openpyxl)")

    # Citations.
    bib = os.path.join(tmp, "sources.bib")
    run(binary, db, "export", "--format", "bibtex", "--out", bib)
    lib = bibtexparser.parse_string(open(bib, encoding="utf-8").read(), append_middleware=[bibtexparser.middlewares.SeparateCoAuthors(), bibtexparser.middlewares.SplitNameParts()])
    assert not lib.failed_blocks, lib.failed_blocks
    entries = {e.key: e for e in lib.entries}
    assert len(entries) == 8, list(entries)
    cc = entries["caponio-clement-2020"]
    assert [n.last for n in cc["author"]] == [["Caponio"], ["Clément"]], cc["author"]
    assert entries["lacroix-furri-hombert-2022"]["doi"] == "10.3389/fpos.2022.887519"
    csl_path = os.path.join(tmp, "sources.csl.json")
    run(binary, db, "export", "--format", "csl-json", "--out", csl_path)
    items = json.load(open(csl_path, encoding="utf-8"))
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(i["id"]) for i in items]))
    rendered = "\n".join(str(b) for b in bibliography.bibliography())
    assert "Caponio, T." in rendered and "Lacroix, T." in rendered and "2022" in rendered, rendered
    ok("BibTeX (bibtexparser 2: 8 entries, authors split, DOI) and CSL-JSON (citeproc-py renders the bibliography)")

    # Release: data package, CITATION.cff, Zenodo, ZIP.
    rel = os.path.join(tmp, "release")
    res = run(binary, db, "release", "--out", rel, "--zip", "--version", "1.0.0", "--author", "Tiziana Caponio")
    report = frictionless_validate(os.path.join(rel, "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:20]
    package = json.load(open(os.path.join(rel, "datapackage.json")))
    assert any(r["path"].startswith("surveys/synth-formats-release-1") for r in package["resources"])
    schema = json.load(open(os.path.join(ROOT, "scripts/schemas/citation-file-format-1.2.0.schema.json")))
    jsonschema.validate(yaml.safe_load(open(os.path.join(rel, "CITATION.cff"), encoding="utf-8")), schema)
    zen = json.load(open(os.path.join(rel, ".zenodo.json")))
    assert zen["upload_type"] == "dataset" and zen["creators"][0]["name"] == "Caponio, Tiziana" and zen["license"] == "cc-by-4.0"
    with zipfile.ZipFile(res["zip"]) as z:
        names = set(z.namelist())
        for r in package["resources"]:
            assert f"release/{r['path']}" in names
    assert len(pd.read_csv(os.path.join(rel, "data/memberships.csv"))) == len(csv_mem)
    ok("release: frictionless validates the data package (schemas, foreign keys, sizes, hashes); CITATION.cff valid against CFF 1.2.0; Zenodo metadata; ZIP = folder")

    # GEXF 1.3.
    gexf = os.path.join(tmp, "kb.gexf")
    run(binary, db, "graph", "export", "--format", "gexf", "-o", gexf)
    xsd = etree.XMLSchema(etree.parse(os.path.join(ROOT, "scripts/schemas/gexf-1.3/gexf.xsd")))
    doc = etree.parse(gexf)
    assert xsd.validate(doc), [e.message for e in xsd.error_log][:5]
    ns = {"g": "http://gexf.net/1.3"}
    graph = doc.getroot().find("g:graph", ns)
    assert graph.get("timeformat") == "date"
    assert doc.getroot().findall(".//g:edge/g:spells", ns), "a tie with several periods carries <spells>"
    g = nx.read_gexf(gexf)
    starts = [d["start"] for _, _, d in g.edges(data=True) if "start" in d]
    assert any(s[5:7] not in ("01",) or s[8:10] != "01" for s in starts), "some full dates"
    assert any("start" in d or "spells" in d for _, d in g.nodes(data=True)), "node spells"
    ok("GEXF 1.3: valid against the XSD (lxml), timeformat=date with full dates, edge and node spells, read by networkx")

    if url:
        with urllib.request.urlopen(f"{url}/localities?country=IT&download=localities&format=xlsx") as r:
            wb = openpyxl.load_workbook(io.BytesIO(r.read()))
            assert wb.sheetnames == ["README", "localities"] and wb["localities"].max_row > 5
        with urllib.request.urlopen(f"{url}/api/v1/release.zip") as r:
            body = r.read()
        zdir = os.path.join(tmp, "bulk")
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            z.extractall(zdir)
        report = frictionless_validate(os.path.join(zdir, "mlgov-release", "datapackage.json"))
        assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:20]
        ok("server: explorer table as XLSX (openpyxl); GET /api/v1/release.zip validated by frictionless")

    print(f"{len(checked)} format checks passed")


if __name__ == "__main__":
    main()
