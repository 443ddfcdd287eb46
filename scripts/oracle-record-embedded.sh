#!/usr/bin/env bash
# Records the reference validator's verdicts on the XML embedded in the corpus PDFs (Factur-X / ZUGFeRD /
# XRechnung), extracted by the reference `factur-x` Python library, into tests/fixtures/oracle/embedded.jsonl:
# one line per PDF under ../shared/corpora/zugferd: {"file", "embedded", "syntax", "fatal", "warning"}, or
# {"file", "extract_error"} when the reference library finds no readable embedded XML.
#
#   scripts/oracle-record-embedded.sh   # needs the oracle venv (see scripts/oracle-record.sh)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpora="$here/../shared/corpora"
oracle="$here/../shared/tools/en16931-oracle"
python="${ORACLE_PYTHON:-/work/wt/venv/bin/python}"
out="$here/tests/fixtures/oracle"
[ -x "$python" ] || { echo "error: no Python at $python: create the oracle venv (see scripts/oracle-record.sh)" >&2; exit 3; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
cd "$corpora"
find zugferd -iname '*.pdf' | LC_ALL=C sort > "$work/pdfs"
"$python" - "$work" <<'PY'
import json, os, sys
from facturx import get_xml_from_pdf
work = sys.argv[1]
index = []
for n, pdf in enumerate(open(os.path.join(work, "pdfs")).read().splitlines()):
    rec = {"file": pdf}
    try:
        with open(pdf, "rb") as f:
            name, xml = get_xml_from_pdf(f.read(), check_xsd=False)
    except Exception as e:  # the reference library refuses it
        name, xml = None, None
        rec["extract_error"] = str(e)[:200]
    if xml:
        path = os.path.join(work, f"{n:03d}.xml")
        with open(path, "wb") as f:
            f.write(xml)
        rec["embedded"] = name
        rec["xml"] = path
    elif "extract_error" not in rec:
        rec["extract_error"] = "no embedded XML"
    index.append(rec)
json.dump(index, open(os.path.join(work, "index.json"), "w"))
PY
"$python" - "$work" "$oracle" "$python" > "$out/embedded.jsonl" <<'PY'
import json, subprocess, sys
work, oracle, python = sys.argv[1:4]
index = json.load(open(f"{work}/index.json"))
files = [r["xml"] for r in index if "xml" in r]
verdicts = {}
if files:
    res = subprocess.run([python, oracle, "validate", *files], capture_output=True, text=True, check=True)
    for line in res.stdout.splitlines():
        v = json.loads(line)
        verdicts[v.pop("file")] = v
for r in index:
    xml = r.pop("xml", None)
    if xml:
        r.update(verdicts.get(xml, {"oracle_error": "no verdict"}))
    print(json.dumps(r))
PY
echo "recorded $(wc -l < "$out/embedded.jsonl") PDFs in $out/embedded.jsonl" >&2
