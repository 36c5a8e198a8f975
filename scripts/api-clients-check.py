#!/usr/bin/env python3
"""Runs the copy-paste snippets of docs/api-clients.md against a running server: every ```python
block with python3, every ```r block with Rscript (skipped with a note when R is not installed),
each on its own, with the documented base URL replaced by the one given. Fails when any snippet
fails (its assertions check what it reads).
Usage: scripts/api-clients-check.py API_URL   (run by scripts/test.sh after the browser tests)"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

PLACEHOLDER = "http://127.0.0.1:8080"
DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "api-clients.md")

if len(sys.argv) != 2:
    sys.exit(__doc__)
base = sys.argv[1].rstrip("/")
text = open(DOC, encoding="utf-8").read()
blocks = [(m.group(1), text.count("\n", 0, m.start()) + 2, m.group(2)) for m in re.finditer(r"^```(python|r)\n(.*?)^```$", text, re.S | re.M)]
if not any(lang == "python" for lang, _, _ in blocks):
    sys.exit("no ```python block in docs/api-clients.md")
rscript = shutil.which("Rscript")
failures = []
for lang, line, code in blocks:
    where = f"docs/api-clients.md:{line} ({lang})"
    if PLACEHOLDER not in code:
        failures.append(f"{where}: does not use the base URL {PLACEHOLDER}")
        print(f"FAIL {where}: no base URL")
        continue
    code = code.replace(PLACEHOLDER, base)
    if lang == "r" and rscript is None:
        print(f"note {where}: skipped, Rscript is not installed")
        continue
    with tempfile.NamedTemporaryFile("w", suffix=".py" if lang == "python" else ".R", delete=False, encoding="utf-8") as f:
        f.write(code)
    cmd = [sys.executable, f.name] if lang == "python" else [rscript, "--vanilla", f.name]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        run = None
    finally:
        os.unlink(f.name)
    if run is None or run.returncode != 0:
        failures.append(where)
        print(f"FAIL {where}")
        if run is not None:
            print(run.stdout + run.stderr)
    else:
        print(f"ok   {where}")
if failures:
    sys.exit(f"{len(failures)} snippet(s) of docs/api-clients.md failed: {', '.join(failures)}")
print(f"all {len(blocks)} snippets of docs/api-clients.md ran")
