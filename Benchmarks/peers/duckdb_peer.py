#!/usr/bin/env python3
"""The DuckDB peer of `make bench`: what a data officer would write instead of caseload.

It computes the same figures from the same input folder: every file named by the contract,
every field type-checked (patterns, codes, countries, calendar dates in both forms, future
dates, date order, exit dates in the period, ages), files with more than 20 % rejected records
dropped, the highest accepted revision used, principal records, and every indicator of every
dimension of every period (unsuppressed, as report.json). XML is read with Python's
ElementTree (DuckDB has no XML reader) and loaded through a temporary CSV.

Usage: duckdb_peer.py INPUT_DIR OUT.json   (prints its wall time; writes the figures as JSON)
"""
import csv, json, os, re, sys, tempfile, time
import xml.etree.ElementTree as ET
import duckdb

NS = "{urn:iom-idn:caseload:submission:1}"
NAME = re.compile(r"^(detention|shelter)_([A-Z]{2,5}-[A-Z0-9]{2,6})_([0-9]{4}-(?:0[1-9]|1[0-2]))(?:_r([1-9][0-9]*))?\.(csv|xml)$", re.I)
DET = ["case_id", "unhcr_id", "sex", "birth_date", "nationality", "arrival_date", "interception", "status", "status_date",
       "unaccompanied_minor", "vulnerabilities", "services"]
SHE = ["case_id", "sex", "birth_date", "nationality", "identification_date", "admission_date", "discharge_date", "exploitation",
       "sector", "exploitation_country", "referral", "assistance", "consent_to_share"]


def camel(c):
    p = c.split("_")
    return p[0] + "".join(x.capitalize() for x in p[1:])


def load(folder, tmp):
    """Every submission's rows into two CSV files (file id, line, fields as text)."""
    files = []
    out = {"detention": open(os.path.join(tmp, "detention.csv"), "w", newline=""),
           "shelter": open(os.path.join(tmp, "shelter.csv"), "w", newline="")}
    writers = {k: csv.writer(v) for k, v in out.items()}
    writers["detention"].writerow(["file", "line"] + DET)
    writers["shelter"].writerow(["file", "line"] + SHE)
    for d, _, names in os.walk(folder):
        for n in sorted(names):
            m = NAME.match(n)
            if not m or n.startswith("."):
                continue
            kind, fac, period, rev, fmt = m.group(1), m.group(2), m.group(3), int(m.group(4) or 1), m.group(5).lower()
            fid = len(files)
            files.append((fid, kind, fac, period, rev, os.path.join(d, n)))
            cols = DET if kind == "detention" else SHE
            w = writers[kind]
            path = os.path.join(d, n)
            if fmt == "csv":
                with open(path, encoding="utf-8-sig", newline="") as f:
                    head = f.readline()
                    delim = ";" if ";" in head and "," not in head else ","
                    f.seek(0)
                    r = csv.reader(f, delimiter=delim)
                    header = [h.strip().lower() for h in next(r)]
                    idx = [header.index(c) if c in header else -1 for c in cols]
                    for line, row in enumerate(r, start=2):
                        if len(row) != len(header):
                            w.writerow([fid, line] + ["\x01"] * len(cols))  # a row of the wrong width: rejected
                            continue
                        w.writerow([fid, line] + [row[i].strip(" \t") if i >= 0 else "" for i in idx])
            else:
                rec = "migrant" if kind == "detention" else "victim"
                for _, el in ET.iterparse(path):
                    if el.tag == NS + rec:
                        vals = []
                        for c in cols:
                            x = el.find(NS + camel(c))
                            if x is None:
                                vals.append("")
                            elif len(x):
                                vals.append(";".join((i.text or "").strip() for i in x))
                            else:
                                vals.append((x.text or "").strip())
                        w.writerow([fid, 0] + vals)
                        el.clear()
    for f in out.values():
        f.close()
    return files


SQL = r"""
CREATE TABLE countries AS SELECT unnest(?::VARCHAR[]) AS c;
CREATE TABLE f AS SELECT * FROM files;
CREATE MACRO d(x) AS COALESCE(TRY_STRPTIME(x, '%Y-%m-%d'), TRY_STRPTIME(x, '%d/%m/%Y'))::DATE;
CREATE MACRO okdate(x) AS x = '' OR (regexp_full_match(x, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}') AND d(x) IS NOT NULL);
CREATE MACRO pbirth(x) AS CASE WHEN regexp_full_match(x, '[0-9]{4}') THEN make_date(x::INT, 7, 1)
    WHEN regexp_full_match(x, '[0-9]{4}-[0-9]{2}') THEN TRY_CAST(x || '-15' AS DATE) ELSE d(x) END;
CREATE MACRO ebirth(x) AS CASE WHEN regexp_full_match(x, '[0-9]{4}') THEN make_date(x::INT, 1, 1)
    WHEN regexp_full_match(x, '[0-9]{4}-[0-9]{2}') THEN TRY_CAST(x || '-01' AS DATE) ELSE d(x) END;
CREATE MACRO age(b, e) AS greatest(0, date_diff('year', b, e) - CASE WHEN strftime(e, '%m%d') < strftime(b, '%m%d') THEN 1 ELSE 0 END);
CREATE MACRO codes(x, allowed) AS list_filter(list_distinct(list_transform(regexp_split_to_array(upper(x), '[;|,]'), lambda i: trim(i))), lambda i: i <> '');
CREATE MACRO okcodes(x, allowed) AS list_bool_and(list_transform(codes(x, allowed), lambda i: list_contains(allowed, i))) IS NOT FALSE;
CREATE MACRO grp(a) AS CASE WHEN a < 5 THEN '0-4' WHEN a < 12 THEN '5-11' WHEN a < 18 THEN '12-17' WHEN a < 60 THEN '18-59' ELSE '60+' END;

CREATE TABLE det AS
SELECT r.*, f.facility, f.period, f.revision, last_day(strptime(f.period || '-01', '%Y-%m-%d')::DATE) AS pend,
       strptime(f.period || '-01', '%Y-%m-%d')::DATE AS pstart,
       upper(sex) AS s, upper(status) AS st, upper(nationality) AS nat, pbirth(birth_date) AS bmid, ebirth(birth_date) AS bmin,
       d(arrival_date) AS arr, d(status_date) AS sd, upper(interception) AS icp
FROM read_csv(?, all_varchar=true, header=true, nullstr='\\N') r JOIN f ON r.file::INT = f.fid;
ALTER TABLE det ADD COLUMN ok BOOLEAN;
UPDATE det SET ok = regexp_full_match(case_id, '[A-Z]{3}-[0-9]{4}-[0-9]{6}')
  AND (unhcr_id = '' OR regexp_full_match(unhcr_id, '[0-9]{3}-[0-9]{2}[A-Z][0-9]{5}'))
  AND s IN ('F','M','X') AND bmid IS NOT NULL AND bmin <= pend AND nat IN (SELECT c FROM countries)
  AND arrival_date <> '' AND okdate(arrival_date) AND arr <= pend AND arr >= bmin
  AND icp IN ('', 'SEA', 'LAND', 'AIR')
  AND st IN ('PENDING_RSD','RECOGNIZED','REJECTED','RESETTLED','RETURNED','TRANSFERRED','DEPORTED','ABSCONDED','RELEASED','DECEASED')
  AND okdate(status_date) AND (sd IS NULL OR sd <= pend)
  AND (st IN ('PENDING_RSD','RECOGNIZED','REJECTED') OR (sd IS NOT NULL AND sd >= arr AND sd >= pstart))
  AND upper(unaccompanied_minor) IN ('', 'Y','N','YES','NO','TRUE','FALSE','1','0')
  AND okcodes(vulnerabilities, ['MEDICAL','DISABILITY','PREGNANT','ELDERLY','SURVIVOR_TORTURE','SURVIVOR_SGBV','VOT','SINGLE_PARENT'])
  AND okcodes(services, ['MEDICAL','PSYCHOSOCIAL','FOOD','NFI','ACCOMMODATION','EDUCATION','INTERPRETATION','COUNSELLING','AVR_COUNSELLING'])
  AND age(bmid, pend) <= 110;

CREATE TABLE she AS
SELECT r.*, f.facility, f.period, f.revision, last_day(strptime(f.period || '-01', '%Y-%m-%d')::DATE) AS pend,
       strptime(f.period || '-01', '%Y-%m-%d')::DATE AS pstart,
       upper(sex) AS s, upper(nationality) AS nat, upper(exploitation_country) AS ec, pbirth(birth_date) AS bmid, ebirth(birth_date) AS bmin,
       d(identification_date) AS idd, d(admission_date) AS adm, d(discharge_date) AS dis, upper(sector) AS sec, upper(referral) AS ref
FROM read_csv(?, all_varchar=true, header=true, nullstr='\\N') r JOIN f ON r.file::INT = f.fid;
ALTER TABLE she ADD COLUMN ok BOOLEAN;
UPDATE she SET ok = regexp_full_match(case_id, '[A-Z]{3}-[0-9]{4}-[0-9]{6}') AND s IN ('F','M','X') AND bmid IS NOT NULL AND bmin <= pend
  AND nat IN (SELECT c FROM countries) AND ec IN (SELECT c FROM countries)
  AND identification_date <> '' AND okdate(identification_date) AND idd <= pend AND idd >= bmin
  AND admission_date <> '' AND okdate(admission_date) AND adm <= pend AND adm >= bmin
  AND okdate(discharge_date) AND (dis IS NULL OR (dis <= pend AND dis >= adm AND dis >= pstart))
  AND len(codes(exploitation, [])) > 0 AND okcodes(exploitation, ['LABOUR','SEXUAL','DOMESTIC_SERVITUDE','FORCED_MARRIAGE','FORCED_CRIMINALITY','ORGAN_REMOVAL','OTHER'])
  AND sec IN ('', 'FISHING','DOMESTIC_WORK','CONSTRUCTION','AGRICULTURE','MANUFACTURING','HOSPITALITY','ENTERTAINMENT','OTHER')
  AND ref IN ('', 'POLICE','NGO','SELF','FAMILY','CONSULATE','IOM','GOVERNMENT','OTHER')
  AND len(codes(assistance, [])) > 0 AND okcodes(assistance, ['MEDICAL','PSYCHOSOCIAL','SHELTER','LEGAL','RETURN','REINTEGRATION','EDUCATION','LIVELIHOOD','FAMILY_TRACING'])
  AND upper(consent_to_share) IN ('', 'Y','N','YES','NO','TRUE','FALSE','1','0') AND age(bmid, pend) <= 110;

-- Duplicate case ids within a file reject the later rows; files over 20 % rejected do not count; the
-- highest accepted revision is used.
CREATE TABLE used AS
WITH dd AS (SELECT file, ok AND row_number() OVER (PARTITION BY file, case_id ORDER BY line, rowid) = 1 AS ok2 FROM det
            UNION ALL SELECT file, ok AND row_number() OVER (PARTITION BY file, case_id ORDER BY line, rowid) = 1 FROM she),
     rate AS (SELECT file::INT AS fid, avg(CASE WHEN ok2 THEN 0 ELSE 1 END) AS bad FROM dd GROUP BY file),
     acc AS (SELECT f.* FROM f LEFT JOIN rate USING (fid) WHERE coalesce(bad, 0) <= 0.2)
SELECT fid FROM (SELECT fid, row_number() OVER (PARTITION BY kind, facility, period ORDER BY revision DESC) AS r FROM acc) WHERE r = 1;
"""

MIGRANT_DIMS = """
SELECT period, 'supported' AS ind, dim, cat, count(*) AS n FROM m UNPIVOT (cat FOR dim IN (total, sex, age_group, sex_age, nationality, placement, facility, province, status, interception)) GROUP BY ALL
UNION ALL SELECT period, 'supported', 'vulnerability', v, count(*) FROM (SELECT period, unnest(CASE WHEN len(vul) = 0 THEN ['NONE'] ELSE vul END) AS v FROM m) GROUP BY ALL
UNION ALL SELECT period, 'in_care_end', dim, cat, count(*) FROM (SELECT * FROM m WHERE active) UNPIVOT (cat FOR dim IN (total, sex, age_group, sex_age, nationality, placement, status)) GROUP BY ALL
UNION ALL SELECT period, 'new_arrivals', dim, cat, count(*) FROM (SELECT * FROM m WHERE earliest >= pstart) UNPIVOT (cat FOR dim IN (total, sex, age_group, nationality, placement, interception)) GROUP BY ALL
UNION ALL SELECT period, 'exits', dim, cat, count(*) FROM (SELECT * FROM m WHERE NOT active) UNPIVOT (cat FOR dim IN (total, status, nationality)) GROUP BY ALL
UNION ALL SELECT period, 'uasc', dim, cat, count(*) FROM (SELECT * FROM m WHERE uam AND age < 18) UNPIVOT (cat FOR dim IN (total, sex, nationality)) GROUP BY ALL
UNION ALL SELECT period, 'services', 'service', v, count(*) FROM (SELECT period, unnest(CASE WHEN len(svc) = 0 THEN ['NONE'] ELSE svc END) AS v FROM m) GROUP BY ALL
UNION ALL SELECT period, 'stay_median_days', 'total', 'ALL', quantile_disc(stay, 0.5) FROM m WHERE active GROUP BY ALL
"""


def main():
    folder, out = sys.argv[1], sys.argv[2]
    t0 = time.monotonic()
    tmp = tempfile.mkdtemp()
    files = load(folder, tmp)
    con = duckdb.connect()
    con.execute("CREATE TABLE files(fid INT, kind VARCHAR, facility VARCHAR, period VARCHAR, revision INT, path VARCHAR)")
    con.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?, ?)", files)
    con.execute("CREATE TABLE reg AS SELECT * FROM read_csv(?, all_varchar=true, header=true)", [os.path.join(folder, "facilities.csv")])
    countries = [c["alpha_3"] for c in json.load(open("/usr/share/iso-codes/json/iso_3166-1.json"))["3166-1"]] + ["XXA", "XXB", "XXC", "XXX"]
    stmts = [s for s in SQL.split(";\n") if s.strip()]
    params = iter([[countries], [os.path.join(tmp, "detention.csv")], [os.path.join(tmp, "shelter.csv")]])
    for s in stmts:
        if "?" in s:
            con.execute(s, next(params))
        else:
            con.execute(s)
    con.execute("""
    CREATE TABLE dr AS SELECT * FROM (SELECT det.*, upper(reg.kind) AS place, upper(reg.province) AS province,
        row_number() OVER (PARTITION BY file, case_id ORDER BY line, det.rowid) AS k
      FROM det JOIN reg ON reg.facility_code = det.facility WHERE file::INT IN (SELECT fid FROM used)) WHERE ok AND k = 1""")
    con.execute("""
    CREATE TABLE m AS
    WITH e AS (SELECT a.case_id, a.period, min(b.arr) AS earliest FROM (SELECT DISTINCT case_id, period FROM dr) a
               JOIN dr b ON a.case_id = b.case_id AND b.period <= a.period GROUP BY ALL),
         lists AS (SELECT case_id, period, list_distinct(flatten(list(codes(vulnerabilities, [])))) AS vul,
                   list_distinct(flatten(list(codes(services, [])))) AS svc FROM dr GROUP BY ALL),
         p AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY case_id, period ORDER BY arr DESC, facility) AS r FROM dr) WHERE r = 1)
    SELECT p.period, p.pstart, 'ALL' AS total, p.s AS sex, grp(age(p.bmid, p.pend)) AS age_group, p.s || '|' || grp(age(p.bmid, p.pend)) AS sex_age,
           p.nat AS nationality, p.place AS placement, p.facility, p.province, p.st AS status, CASE WHEN p.icp = '' THEN 'UNKNOWN' ELSE p.icp END AS interception,
           p.st IN ('PENDING_RSD','RECOGNIZED','REJECTED') AS active, e.earliest, date_diff('day', e.earliest, p.pend) AS stay,
           upper(p.unaccompanied_minor) IN ('Y','YES','TRUE','1') AS uam, age(p.bmid, p.pend) AS age, lists.vul, lists.svc
    FROM p JOIN e USING (case_id, period) JOIN lists USING (case_id, period)""")
    rows = con.execute(MIGRANT_DIMS).fetchall()
    con.execute("""
    CREATE TABLE vr AS SELECT * FROM (SELECT she.*, upper(reg.province) AS province,
        row_number() OVER (PARTITION BY file, case_id ORDER BY line, she.rowid) AS k
      FROM she JOIN reg ON reg.facility_code = she.facility WHERE file::INT IN (SELECT fid FROM used)) WHERE ok AND k = 1""")
    con.execute("""
    CREATE TABLE v AS
    WITH lists AS (SELECT case_id, period, list_distinct(flatten(list(codes(exploitation, [])))) AS exl, list_distinct(flatten(list(codes(assistance, [])))) AS asl FROM vr GROUP BY ALL),
         p AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY case_id, period ORDER BY adm DESC, facility) AS r FROM vr) WHERE r = 1),
         first AS (SELECT case_id, min(period) AS fp FROM vr GROUP BY ALL)
    SELECT p.period, p.pend, p.case_id, 'ALL' AS total, p.s AS sex, grp(age(p.bmid, p.pend)) AS age_group, p.s || '|' || grp(age(p.bmid, p.pend)) AS sex_age,
           p.nat AS nationality, p.facility, p.province, CASE WHEN p.sec = '' THEN 'UNKNOWN' ELSE p.sec END AS sector, p.ec AS exploitation_country,
           CASE WHEN p.ec = 'XXX' OR p.nat IN ('XXX','XXA','XXB','XXC') THEN 'UNKNOWN' WHEN p.ec = p.nat THEN 'DOMESTIC' ELSE 'INTERNATIONAL' END AS trafficking,
           CASE WHEN p.ref = '' THEN 'UNKNOWN' ELSE p.ref END AS referral, lists.exl, lists.asl, first.fp = p.period AS new
    FROM p JOIN lists USING (case_id, period) JOIN first USING (case_id)""")
    rows += con.execute("""
    SELECT period, 'assisted', dim, cat, count(*) FROM v UNPIVOT (cat FOR dim IN (total, sex, age_group, sex_age, nationality, facility, province, sector, exploitation_country, trafficking, referral)) GROUP BY ALL
    UNION ALL SELECT period, 'assisted', 'exploitation', x, count(*) FROM (SELECT period, unnest(exl) AS x FROM v) GROUP BY ALL
    UNION ALL SELECT period, 'assisted', 'assistance', x, count(*) FROM (SELECT period, unnest(asl) AS x FROM v) GROUP BY ALL
    UNION ALL SELECT period, 'new_cases', dim, cat, count(*) FROM (SELECT * FROM v WHERE new) UNPIVOT (cat FOR dim IN (total, sex, age_group, nationality)) GROUP BY ALL
    UNION ALL SELECT period, 'new_cases', 'exploitation', x, count(*) FROM (SELECT period, unnest(exl) AS x FROM v WHERE new) GROUP BY ALL
    """).fetchall()
    # Cumulative: each case described by its latest period up to P, lists over all periods up to P.
    rows += con.execute("""
    WITH periods AS (SELECT DISTINCT period FROM v),
         upto AS (SELECT q.period AS P, v.* FROM periods q JOIN v ON v.period <= q.period),
         latest AS (SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY P, case_id ORDER BY period DESC) AS r FROM upto) WHERE r = 1),
         lists AS (SELECT P, case_id, list_distinct(flatten(list(exl))) AS exl, list_distinct(flatten(list(asl))) AS asl FROM upto GROUP BY ALL),
         c AS (SELECT latest.P AS period, 'ALL' AS total, sex, age_group, nationality, lists.exl, lists.asl FROM latest JOIN lists USING (P, case_id))
    SELECT period, 'assisted_cumulative', dim, cat, count(*) FROM c UNPIVOT (cat FOR dim IN (total, sex, age_group, nationality)) GROUP BY ALL
    UNION ALL SELECT period, 'assisted_cumulative', 'exploitation', x, count(*) FROM (SELECT period, unnest(exl) AS x FROM c) GROUP BY ALL
    UNION ALL SELECT period, 'assisted_cumulative', 'assistance', x, count(*) FROM (SELECT period, unnest(asl) AS x FROM c) GROUP BY ALL
    """).fetchall()
    wall = time.monotonic() - t0
    figures = {}
    for period, ind, dim, cat, n in rows:
        figures["%s/%s/%s/%s" % (period, ind, dim, cat)] = int(n)
    json.dump({"wall": wall, "figures": figures}, open(out, "w"))
    print("%.3f" % wall)


if __name__ == "__main__":
    main()
