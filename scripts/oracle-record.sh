#!/usr/bin/env bash
# Records the reference validator's verdicts (shared/tools/en16931-oracle: the official CEN artefacts run by
# Saxon) into tests/fixtures/oracle/, so the parity tests run without the oracle's Python environment.
#
#   scripts/oracle-record.sh            # needs the venv: python3 -m venv /work/wt/venv &&
#                                       #   /work/wt/venv/bin/pip install -r ../shared/tools/requirements.txt
#   ORACLE_PYTHON=/path/to/python scripts/oracle-record.sh
#
# Writes
#   whole-files.jsonl  one line per whole XML file under ../shared/corpora (paths relative to it):
#                      {"file", "syntax", "fatal", "warning"} or {"oracle_error"} / {"parse_error"}
#   unit-tests.jsonl   the oracle's own run of the VEFA rule tests (one line per expectation + a summary)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
corpora="$here/../shared/corpora"
oracle="$here/../shared/tools/en16931-oracle"
python="${ORACLE_PYTHON:-/work/wt/venv/bin/python}"
out="$here/tests/fixtures/oracle"
[ -x "$python" ] || { echo "error: no Python at $python: create the oracle venv (see the header of $0)" >&2; exit 3; }
[ -d "$corpora" ] || { echo "error: the corpora are missing at $corpora" >&2; exit 3; }
mkdir -p "$out"
cd "$corpora"
# every whole invoice XML: not the artefacts themselves (schematron/xslt/schema) and not the VEFA test sets
find . -iname '*.xml' \
  | grep -v -E '^\./en16931/(ubl|cii)/(schematron|xslt|schema)/|^\./en16931/test/(Invoice-unit-UBL|CreditNote-unit-UBL|cii)/' \
  | sed 's|^\./||' | LC_ALL=C sort > "$out/.files"
tr '\n' '\0' < "$out/.files" | xargs -0 "$python" "$oracle" validate > "$out/whole-files.jsonl"
rm -f "$out/.files"
"$python" "$oracle" unit-tests | sed "s|\"file\": \"$corpora/en16931/|\"file\": \"|" > "$out/unit-tests.jsonl"
echo "recorded $(wc -l < "$out/whole-files.jsonl") whole files and $(tail -1 "$out/unit-tests.jsonl") in $out" >&2
