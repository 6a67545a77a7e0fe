#!/usr/bin/env python3
"""An independent reading of indicators.md and of outputs.md's keyed rounding, for the golden folders.

    Tests/CaseloadTests/Golden/rounding.py FOLDER K [KEYFILE]

prints, for every period of FOLDER/Input, the `unhcr/aggregates.csv` that the contract asks for at
base K (with HMAC-SHA256 under KEYFILE's key when given): every cell's cases listed, its cell key
summed from Python's hashlib/hmac record keys, rounded, raised to the previous release (step 4),
nested to a fixed point (step 5). It shares no code with caseload and knows only what the golden
inputs need: every record there is valid, so it does not judge them. GoldenTests runs it and
compares its output with the program's and with the committed expected files.
"""
import csv, hashlib, hmac, os, sys, xml.etree.ElementTree as ET
from datetime import date

NS = "{urn:iom-idn:caseload:submission:1}"
ACTIVE = {"PENDING_RSD", "RECOGNIZED", "REJECTED"}
AGES = ["0-4", "5-11", "12-17", "18-59", "60+"]
MULTI = {"vulnerability", "service", "exploitation", "assistance"}
MIGRANTS = [
    ("supported", ["total", "sex", "age_group", "sex_age", "nationality", "placement", "facility", "province", "status", "interception", "vulnerability"]),
    ("in_care_end", ["total", "sex", "age_group", "sex_age", "nationality", "placement", "status"]),
    ("new_arrivals", ["total", "sex", "age_group", "nationality", "placement", "interception"]),
    ("exits", ["total", "status", "nationality"]),
    ("uasc", ["total", "sex", "nationality"]),
    ("services", ["service"]),
]
VICTIMS = [
    ("assisted", ["total", "sex", "age_group", "sex_age", "nationality", "facility", "province", "exploitation", "sector", "exploitation_country", "trafficking", "referral", "assistance"]),
    ("new_cases", ["total", "sex", "age_group", "nationality", "exploitation"]),
    ("assisted_cumulative", ["total", "sex", "age_group", "nationality", "exploitation", "assistance"]),
]
PARENT = {"in_care_end": "supported", "new_arrivals": "supported", "exits": "supported", "uasc": "supported",
          "new_cases": "assisted", "assisted": "assisted_cumulative"}


def day(s):
    if "/" in s:
        d, m, y = s.split("/")
        return date(int(y), int(m), int(d))
    y, m, d = s.split("-")
    return date(int(y), int(m), int(d))


def middle(birth):
    if "/" in birth:
        return day(birth)
    parts = birth.split("-")
    if len(parts) == 1:
        return date(int(parts[0]), 7, 1)
    if len(parts) == 2:
        return date(int(parts[0]), int(parts[1]), 15)
    return day(birth)


def end_of(period):
    y, m = map(int, period.split("-"))
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


def age(birth, period):
    b, e = middle(birth), end_of(period)
    if b > e:
        return 0
    return e.year - b.year - ((e.month, e.day) < (b.month, b.day))


def group(a):
    return "0-4" if a < 5 else "5-11" if a < 12 else "12-17" if a < 18 else "18-59" if a < 60 else "60+"


def codes(cell):
    return sorted({c.strip().upper() for c in cell.replace("|", ";").replace(",", ";").split(";") if c.strip()})


def read(folder):
    """Every used file's records: {(kind, period): [(facility, record dict)]}."""
    inp = os.path.join(folder, "Input")
    registry = {r["facility_code"]: r for r in csv.DictReader(open(os.path.join(inp, "facilities.csv"), encoding="utf-8"))}
    best = {}
    found = sorted(os.path.relpath(os.path.join(d, n), inp) for d, _, names in os.walk(inp) for n in names if not n.startswith("."))
    for rel in found:
        name = os.path.basename(rel)
        if rel == "facilities.csv":
            continue
        stem, ext = name.rsplit(".", 1)
        parts = stem.split("_")
        kind, facility, period = parts[:3]
        rev = int(parts[3][1:]) if len(parts) > 3 else 1
        if (kind, facility, period) not in best or best[(kind, facility, period)][0] < rev:
            best[(kind, facility, period)] = (rev, os.path.join(inp, rel), ext.lower())
    used = {}
    for (kind, facility, period), (_, path, ext) in sorted(best.items()):
        if ext == "csv":
            text = open(path, encoding="utf-8-sig", newline="").read()
            header = text.splitlines()[0]
            delimiter = ";" if ";" in header and "," not in header else ","
            lines = list(csv.reader(text.splitlines(), delimiter=delimiter))
            names = [n.strip(" \t").lower() for n in lines[0]]
            rows = [dict(zip(names, (v.strip(" \t") for v in r))) for r in lines[1:] if any(v.strip(" \t") for v in r)]
        else:
            rows = []
            for el in ET.parse(path).getroot():
                r = {}
                for f in el:
                    tag = f.tag.replace(NS, "")
                    snake = "".join("_" + c.lower() if c.isupper() else c for c in tag)
                    r[snake] = ";".join(c.text.strip() for c in f if c.text and c.text.strip()) if len(f) else (f.text or "").strip()
                rows.append(r)
        used.setdefault((kind, period), []).extend((facility, r) for r in rows)
    return registry, used


def record_key(case, key):
    mac = hmac.new(key, case.encode(), "sha256").digest() if key is not None else hashlib.sha256(case.encode()).digest()
    return int.from_bytes(mac[:4], "big")


def principal(records, date_field):
    return sorted(records, key=lambda fr: (-day(fr[1][date_field]).toordinal(), fr[0]))[0]


def main():
    folder, k = sys.argv[1], int(sys.argv[2])
    key = None
    if len(sys.argv) > 3:
        key = open(sys.argv[3], "rb").read().rstrip(b" \t\r\n")
    registry, used = read(folder)
    periods = sorted({p for _, p in used})
    earliest = {}          # migrant case -> earliest arrival so far
    described = {}         # victim case -> (period, principal record, union of lists) of its latest period
    previous = {}          # (dimension, category) -> shared value of assisted_cumulative in the previous release
    out = []
    for p in periods:
        start = date(int(p[:4]), int(p[5:]), 1)
        populations = []
        if ("detention", p) in used:
            cells = {}   # (indicator, dimension, category) -> set of cases
            by_case = {}
            for fac, r in used[("detention", p)]:
                by_case.setdefault(r["case_id"], []).append((fac, r))
                earliest[r["case_id"]] = min(earliest.get(r["case_id"], day(r["arrival_date"])), day(r["arrival_date"]))
            stays = []
            for case, recs in by_case.items():
                fac, r = principal(recs, "arrival_date")
                reg = registry[fac]
                a = age(r["birth_date"], p)
                vul = sorted({c for _, x in recs for c in codes(x.get("vulnerabilities", ""))}) or ["NONE"]
                ser = sorted({c for _, x in recs for c in codes(x.get("services", ""))}) or ["NONE"]
                status = r["status"].upper()
                cats = {"total": ["ALL"], "sex": [r["sex"].upper()], "age_group": [group(a)], "sex_age": [r["sex"].upper() + "|" + group(a)],
                        "nationality": [r["nationality"].upper()], "placement": [reg["kind"].upper() if reg["kind"].upper() == "COMMUNITY" else "IDC"],
                        "facility": [fac], "province": [reg["province"].upper()], "status": [status],
                        "interception": [r.get("interception", "").upper() or "UNKNOWN"], "vulnerability": vul, "service": ser}
                member = {"supported": True, "in_care_end": status in ACTIVE, "exits": status not in ACTIVE,
                          "new_arrivals": earliest[case] >= start,
                          "uasc": r.get("unaccompanied_minor", "").upper() in ("Y", "YES", "TRUE", "1") and a < 18, "services": True}
                if status in ACTIVE:
                    stays.append((end_of(p) - earliest[case]).days)
                for ind, dims in MIGRANTS:
                    if member[ind]:
                        for d in dims:
                            for c in cats[d]:
                                cells.setdefault((ind, d, c), set()).add(case)
            median = sorted(stays)[(len(stays) - 1) // 2] if stays else None
            populations.append(("migrants", MIGRANTS, cells, median, len(stays)))
        if ("shelter", p) in used:
            cells = {}
            by_case = {}
            for fac, r in used[("shelter", p)]:
                by_case.setdefault(r["case_id"], []).append((fac, r))
            for case, recs in by_case.items():
                fac, r = principal(recs, "admission_date")
                reg = registry[fac]
                a = age(r["birth_date"], p)
                ex = {c for _, x in recs for c in codes(x["exploitation"])}
                asg = {c for _, x in recs for c in codes(x["assistance"])}
                nat, country = r["nationality"].upper(), r["exploitation_country"].upper()
                traffic = "UNKNOWN" if "XXX" in (nat, country) or nat in ("XXA", "XXB", "XXC") else "DOMESTIC" if nat == country else "INTERNATIONAL"
                cats = {"total": ["ALL"], "sex": [r["sex"].upper()], "age_group": [group(a)], "sex_age": [r["sex"].upper() + "|" + group(a)],
                        "nationality": [nat], "facility": [fac], "province": [reg["province"].upper()], "exploitation": sorted(ex),
                        "sector": [r.get("sector", "").upper() or "UNKNOWN"], "exploitation_country": [country], "trafficking": [traffic],
                        "referral": [r.get("referral", "").upper() or "UNKNOWN"], "assistance": sorted(asg)}
                new = case not in described
                before = described.get(case)
                described[case] = (p, r, ex | (before[2] if before else set()), asg | (before[3] if before else set()))
                for ind, dims in VICTIMS[:2]:
                    if ind == "assisted" or new:
                        for d in dims:
                            for c in cats[d]:
                                cells.setdefault((ind, d, c), set()).add(case)
            for case, (q, r, ex, asg) in described.items():
                g = group(age(r["birth_date"], q))
                cats = {"total": ["ALL"], "sex": [r["sex"].upper()], "age_group": [g], "nationality": [r["nationality"].upper()],
                        "exploitation": sorted(ex), "assistance": sorted(asg)}
                for d in VICTIMS[2][1]:
                    for c in cats[d]:
                        cells.setdefault(("assisted_cumulative", d, c), set()).add(case)
            populations.append(("victims", VICTIMS, cells, None, 0))
        now = {}
        for pop, catalogue, cells, median, in_care in populations:
            dims = {ind: set(ds) for ind, ds in catalogue}
            value = {}
            for cell, cases in cells.items():
                n = len(cases)
                K = sum(record_key(c, key) for c in cases) % 2**32
                q, r = divmod(n, k)
                v = n if r == 0 else (q * k + k if K * k < r * 2**32 else q * k)
                if cell[0] == "assisted_cumulative" and (cell[1] == "total" or cell[1] in MULTI):
                    v = max(v, previous.get(cell[1:], 0))
                value[cell] = v

            def containers(cell):
                i, d, c = cell
                out = []
                if d != "total":
                    out.append(("supported" if i == "services" else i, "total", "ALL"))
                if d == "sex_age":
                    s, g = c.split("|")
                    out += [(i, "sex", s), (i, "age_group", g)]
                if d == "facility":
                    reg = registry[c]
                    if "province" in dims[i]:
                        out.append((i, "province", reg["province"].upper()))
                    if "placement" in dims[i]:
                        out.append((i, "placement", "COMMUNITY" if reg["kind"].upper() == "COMMUNITY" else "IDC"))
                if pop == "victims" and "trafficking" in dims[i] and ((d == "nationality" and c in ("XXA", "XXB", "XXC", "XXX")) or (d == "exploitation_country" and c == "XXX")):
                    out.append((i, "trafficking", "UNKNOWN"))
                if i in PARENT and d in dims[PARENT[i]]:
                    out.append((PARENT[i], d, c))
                return out

            changed = True
            while changed:
                changed = False
                for cell in value:
                    low = min([value[cell]] + [value.get(c, 0) for c in containers(cell)])
                    if low != value[cell]:
                        value[cell], changed = low, True
            for ind, ds in catalogue:
                for d in ds:
                    for c in sorted((c for (i, dd, c) in value if i == ind and dd == d), key=lambda s: s.encode()):
                        v = value[(ind, d, c)]
                        if ind == "assisted_cumulative" and (d == "total" or d in MULTI):
                            now[(d, c)] = v
                        if v:
                            out.append("%s,%s,%s,%s,%s,%d,rounded" % (p, pop, ind, d, c, v))
                if ind == "services" and median is not None and in_care >= k:
                    out.append("%s,migrants,stay_median_days,total,ALL,%d," % (p, median))
        previous = now
    print("\n".join(out))


main()
