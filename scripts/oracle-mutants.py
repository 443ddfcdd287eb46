#!/usr/bin/env python3
"""Mutants of the corpus e-invoices with the reference validator's verdicts: documents nobody wrote, for
parity beyond the corpus.

Each mutant is one corpus whole XML with one to three textual edits: an element's text replaced (by a
value another corpus file has in an element of that name, or by a broken one: empty, padded, not a number,
not a date, an amount off by a cent, another code) or written another way (CDATA, a character reference,
split by a comment); an element removed, written twice, renamed or moved into another aggregate; an
attribute removed, changed or added. The edits are recorded, not the mutant:
{"file", "edits": [{"at": [start, end], "text" or "copy": [from, to]}, …], "what"} (the bytes
`start..end` of the file as stored are replaced by `text`, or by the file's own bytes `from..to`; the edits
are in order and do not overlap), then the oracle's verdict on the edited document ({"syntax", "fatal",
"warning"} or {"oracle_error"} / {"parse_error"}, as `en16931-oracle validate` prints it). Deterministic for
a seed.

  scripts/oracle-mutants.py [--per-file N] [--seed S] [--out FILE] [--python PYTHON]

Needs the oracle's venv (see scripts/oracle-record.sh); writes tests/fixtures/oracle/mutants.jsonl.
"""
import argparse, json, os, random, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPORA = os.path.join(HERE, "..", "shared", "corpora")
ORACLE = os.path.join(HERE, "..", "shared", "tools", "en16931-oracle")

TAG = re.compile(rb"<(/?)((?:[\w.-]+:)?([\w.-]+))((?:\s[^<>]*?)?)(/?)>")
ATTR = re.compile(rb"\s([\w.:-]+)\s*=\s*(\"[^\"]*\"|'[^']*')")
VAT_CATEGORIES = [b"S", b"Z", b"E", b"AE", b"K", b"G", b"O", b"L", b"M"]
SKIP = re.compile(r"^en16931/(ubl|cii)/(schematron|xslt|schema)/|^en16931/test/(Invoice-unit-UBL|CreditNote-unit-UBL|cii)/")


def whole_files():
    found = []
    for root, _dirs, names in os.walk(CORPORA):
        for name in names:
            if name.lower().endswith(".xml"):
                rel = os.path.relpath(os.path.join(root, name), CORPORA).replace(os.sep, "/")
                if not SKIP.search(rel):
                    found.append(rel)
    return sorted(found)


def elements(data):
    """(local name, start, end, content start, content end, tag) of every element, from a tag scan that
    skips comments, processing instructions and CDATA; None when the tags do not nest."""
    out, stack, pos = [], [], 0
    while True:
        lt = data.find(b"<", pos)
        if lt < 0:
            break
        for opener, closer in ((b"<!--", b"-->"), (b"<?", b"?>"), (b"<![CDATA[", b"]]>"), (b"<!", b">")):
            if data.startswith(opener, lt):
                end = data.find(closer, lt)
                pos = len(data) if end < 0 else end + len(closer)
                break
        else:
            m = TAG.match(data, lt)
            if not m:
                return None
            pos = m.end()
            if m.group(1):
                if not stack or stack[-1][0] != m.group(2):
                    return None
                qname, local, start, content, tag = stack.pop()
                out.append((local, start, m.end(), content, lt, tag))
            elif m.group(5):
                out.append((m.group(3), lt, m.end(), m.end(), m.end(), m.group(0)))
            else:
                stack.append((m.group(2), m.group(3), lt, m.end(), m.group(0)))
    return out if not stack else None


def leaf_text(data, el):
    local, start, end, cs, ce, tag = el
    body = data[cs:ce]
    return None if b"<" in body else body


def broken_values(text):
    t = text.strip()
    out = [b"", b" ", b"x" + t.decode("utf-8")[:1].encode() if t else b"X"]
    if len(t) < 100:  # padded (not an attachment's payload: the record would carry it whole)
        out += [b" " + t, t + b"\n  ", b"\t" + t + b"\t", "\u00a0".encode() + t]
    if re.fullmatch(rb"-?\d+(\.\d+)?", t):
        whole, _, frac = t.partition(b".")
        cents = int(whole.lstrip(b"-") or b"0") * 100 + int((frac + b"00")[:2])
        sign = -1 if t.startswith(b"-") else 1
        out += [b"%.2f" % (sign * (cents + 1) / 100), b"%.2f" % (sign * (cents - 1) / 100), b"-" + t.lstrip(b"-"),
                t + b"1" if b"." in t else t + b".001", b"1e3", b"0", b"12,50", b"+" + t, b"0" + t, b" " + t + b" ",
                t + b"0" if b"." in t else t + b".", b"." + t.split(b".")[-1], b"1E2", b"INF", b"NaN"]
    if re.fullmatch(rb"\d{4}-\d{2}-\d{2}", t):
        out += [t.replace(b"-", b""), t[:8] + b"31", t[:5] + b"13" + t[7:], t[:5] + b"02-29", b"2020-02-29",
                t + b"Z", t + b"+01:00", t[:5] + t[6:7] + t[7:], b" " + t]
    if re.fullmatch(rb"\d{8}", t):
        out += [t[:4] + b"-" + t[4:6] + b"-" + t[6:], t[:4] + b"1399", t[:6] + b"32"]
    if re.fullmatch(rb"[A-Z0-9]{1,4}", t):
        out += [t.lower(), b"ZZ", t + t]
    if t in VAT_CATEGORIES:
        out += [c for c in VAT_CATEGORIES if c != t]
    if re.fullmatch(rb"[A-Z]{3}", t):
        out += [b"EUR", b"USD", b"GBP", b"XXX"]
    if re.fullmatch(rb"[A-Z]{2}", t):
        out += [b"DE", b"FR", b"GB", b"XI", b"EL", b"QQ"]
    if t in (b"true", b"false"):
        out += [b"false" if t == b"true" else b"true", b"1", b"TRUE"]
    return out


def pools(files):
    texts, attrs = {}, {}
    for rel in files:
        with open(os.path.join(CORPORA, rel), "rb") as fh:
            data = fh.read()
        for el in elements(data) or []:
            body = leaf_text(data, el)
            if body is not None and len(body) < 60 and body.strip():
                texts.setdefault(el[0], set()).add(body)
            for a in ATTR.finditer(el[5]):
                if not a.group(1).startswith(b"xmlns"):
                    attrs.setdefault((el[0], a.group(1)), set()).add(a.group(2)[1:-1])
    return ({k: sorted(v) for k, v in texts.items()}, {k: sorted(v) for k, v in attrs.items()})


def show(value):
    """A value for the record's description: its text, quoted, cut at 40 bytes."""
    return json.dumps(value[:40].decode("utf-8", "replace"), ensure_ascii=False)


def mutate(data, els, rng, texts, attrs):
    """One edit (start, end, replacement, what) on a random element, a list of such edits (a rename: the
    start tag's name and the end tag's), or None."""
    el = rng.choice(els[1:])  # never the root
    local, start, end, cs, ce, tag = el
    name = local.decode()
    kind = rng.choice(["text", "text", "text", "remove", "remove", "twice", "attribute", "rename", "encode",
                       "add attribute", "move"])
    if kind == "encode":
        # the same text written another way: in CDATA, its first character as a character reference, or
        # split by a comment (the rules see the same string value)
        body = leaf_text(data, el)
        if not body or not body.strip() or b"&" in body:
            return None
        first = body.decode("utf-8")[0]
        rest = body[len(first.encode()):]
        value = rng.choice([b"<![CDATA[" + body + b"]]>", b"&#x%X;" % ord(first) + rest,
                            first.encode() + b"<!-- x -->" + rest])
        return (cs, ce, value, f"encode text of {name} as {show(value)}")
    if kind == "add attribute":
        present = {a.group(1) for a in ATTR.finditer(tag)}
        missing = sorted(k[1] for k in attrs if k[0] == local and k[1] not in present)
        if not missing:
            return None
        attr = rng.choice(missing)
        value = rng.choice(attrs[(local, attr)])
        at = start + len(tag) - (2 if tag.endswith(b"/>") else 1)
        return (at, at, b' %s="%s"' % (attr, value), f"add @{attr.decode()}={show(value)} to {name}")
    if kind == "move":
        # the element cut from its place and put first in another element that has element children
        # (not inside itself)
        target = rng.choice(els)
        if start <= target[1] < end or leaf_text(data, target) is not None:
            return None
        what = f"move {name} into {target[0].decode()}"
        return [(start, end, b"", what), (target[3], target[3], (start, end), what)]
    if kind == "rename":
        # the element under the name of another element of the document (an InvoiceLine as a
        # CreditNoteLine, a Percent as a RateApplicablePercent, …), prefix and all
        other = rng.choice(els[1:])
        qname = TAG.match(data, other[1]).group(2)
        own = TAG.match(data, start)
        if own.group(2) == qname or tag.endswith(b"/>"):
            return None
        close = data.rfind(b"</", start, end) + 2
        what = f"rename {name} to {qname.decode()}"
        return [(own.start(2), own.end(2), qname, what), (close, close + len(own.group(2)), qname, what)]
    if kind == "text":
        body = leaf_text(data, el)
        if body is None or cs == ce and tag.endswith(b"/>"):
            return None
        if rng.random() < 0.5 and len(texts.get(local, [])) > 1:
            value = rng.choice([v for v in texts[local] if v != body] or [body])
        else:
            value = rng.choice(broken_values(body))
        return (cs, ce, value, f"text of {name}: {show(body)} -> {show(value)}")
    if kind == "remove":
        return (start, end, b"", f"remove {name}")
    if kind == "twice":
        return (end, end, (start, end), f"twice {name}")
    found = list(ATTR.finditer(tag))
    found = [a for a in found if not a.group(1).startswith(b"xmlns")]
    if not found:
        return None
    a = rng.choice(found)
    at = start + a.start()
    if rng.random() < 0.4:
        return (at, start + a.end(), b"", f"remove @{a.group(1).decode()} of {name}")
    old = a.group(2)[1:-1]
    pool = [v for v in attrs.get((local, a.group(1)), []) if v != old]
    value = rng.choice(pool) if pool and rng.random() < 0.6 else rng.choice(
        [b"", b"XX", old.lower() + b"x", b" " + old, old + b" ", old.lower()])
    quote = a.group(2)[:1]
    return (start + a.start(2), start + a.end(2), quote + value + quote,
            f"@{a.group(1).decode()} of {name}: {show(old)} -> {show(value)}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-file", type=int, default=6)
    ap.add_argument("--seed", type=int, default=16931)
    ap.add_argument("--out", default=os.path.join(HERE, "tests", "fixtures", "oracle", "mutants.jsonl"))
    ap.add_argument("--python", default=os.environ.get("ORACLE_PYTHON", "/work/wt/venv/bin/python"))
    args = ap.parse_args()
    files = whole_files()
    texts, attrs = pools(files)
    rng = random.Random(args.seed)
    mutants = []
    with tempfile.TemporaryDirectory() as tmp:
        for rel in files:
            with open(os.path.join(CORPORA, rel), "rb") as fh:
                data = fh.read()
            els = elements(data)
            if not els or len(els) < 2:
                continue
            made = 0
            for _ in range(args.per_file * 10):
                if made == args.per_file:
                    break
                wanted = rng.choices([1, 2, 3], weights=[6, 3, 2])[0]
                edits = []
                for _ in range(wanted):
                    edit = mutate(data, els, rng, texts, attrs)
                    edits.extend(edit if isinstance(edit, list) else [edit] if edit else [])
                edits.sort(key=lambda e: (e[0], e[1]))
                if not edits or any(a[1] > b[0] or a[:2] == b[:2] for a, b in zip(edits, edits[1:])):
                    continue
                record = {"file": rel, "edits": [], "what": "; ".join(dict.fromkeys(e[3] for e in edits))}
                mutant, pos = b"", 0
                for start, end, value, _what in edits:
                    edit = {"at": [start, end]}
                    if isinstance(value, tuple):
                        edit["copy"] = list(value)
                        value = data[value[0]:value[1]]
                    else:
                        edit["text"] = value.decode("utf-8")
                    record["edits"].append(edit)
                    mutant, pos = mutant + data[pos:start] + value, end
                record["path"] = os.path.join(tmp, f"{len(mutants):05}.xml")
                with open(record["path"], "wb") as fh:
                    fh.write(mutant + data[pos:])
                mutants.append(record)
                made += 1
        paths = [m["path"] for m in mutants]
        verdicts = {}
        for i in range(0, len(paths), 500):
            run = subprocess.run([args.python, ORACLE, "validate", *paths[i:i + 500]], capture_output=True,
                                 text=True, check=True)
            for line in run.stdout.splitlines():
                rec = json.loads(line)
                verdicts[rec.pop("file")] = rec
    with open(args.out, "w") as out:
        for m in mutants:
            rec = {k: v for k, v in m.items() if k != "path"}
            rec.update(verdicts[m["path"]])
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"recorded {len(mutants)} mutants of {len(files)} files in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
