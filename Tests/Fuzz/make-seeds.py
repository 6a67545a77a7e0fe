#!/usr/bin/env python3
"""Writes the committed seed corpus of the fuzz targets (Tests/Fuzz/corpus/) from the test
fixtures and the sample Input/. Each seed's first byte picks what the target reads it as:
FuzzCSV and FuzzXML: even = detention, odd = shelter; FuzzJudge: 0 detention CSV,
1 shelter CSV, 2 detention XML, 3 shelter XML. Run from the repository root."""
import glob, os, shutil

ROOT = "Tests/Fuzz/corpus"
shutil.rmtree(ROOT, ignore_errors=True)
for t in ("csv", "xml", "judge"):
    os.makedirs(f"{ROOT}/{t}")

def head(path, lines=30):
    with open(path, "rb") as f:
        return b"".join(f.readlines()[:lines])

def kind_byte(path):
    return 1 if os.path.basename(path).startswith("shelter") else 0

def put(target, name, prefix, data):
    with open(f"{ROOT}/{target}/{name}", "wb") as f:
        f.write(bytes([prefix]) + data)

golden = sorted(glob.glob("Tests/CaseloadTests/Golden/*/Input/*_*.*"))
sample = sorted(glob.glob("Input/2012/03/*_*.*"))[:12]
for p in golden + sample:
    data = head(p)
    k, xml = kind_byte(p), p.endswith(".xml")
    name = p.replace("/", "_")
    put("xml" if xml else "csv", name, k, data)
    put("judge", name, k + (2 if xml else 0), data)
for p in sorted(glob.glob("Tests/IngestTests/Fixtures/csv-spectrum/csvs/*.csv")):
    put("csv", "spectrum_" + os.path.basename(p), 0, open(p, "rb").read())

# A few shapes the readers must refuse, so that the fuzzer starts next to them.
hostile = {
    "doctype.xml": b'<?xml version="1.0"?>\n<!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<submission>&x;</submission>\n',
    "laughs.xml": b'<?xml version="1.0"?>\n<!DOCTYPE l [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]>\n<submission>&b;</submission>\n',
    "cdata.xml": b'<?xml version="1.0" encoding="UTF-8"?>\n<submission xmlns="urn:iom-idn:caseload:submission:1" kind="detention" facility="IDC-TPI" period="2012-03"><migrant><caseId><![CDATA[IDN-2012-000001]]></caseId></migrant></submission>\n',
    "xsi.xml": b'<?xml version="1.0"?>\n<submission xmlns="urn:iom-idn:caseload:submission:1" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x http://x/y.xsd" kind="detention" facility="IDC-TPI" period="2012-03"/>\n',
}
for name, data in hostile.items():
    put("xml", name, 0, data)
    put("judge", name, 2, data)
put("csv", "quote.csv", 0, b'case_id,sex\n"IDC-0001,M\n')
put("csv", "bom-semicolon.csv", 1, b"\xef\xbb\xbfcase_id;sex\r\nSH-1;F\r\n")
put("judge", "formula.csv", 0, head("Tests/CaseloadTests/Golden/basics/Input/detention_IDC-TPI_2012-03.csv", 1) + b"=HYPERLINK(\"http://x\"),@SUM(1),+1,-1,|x,%y\n")

# The dictionary of the XML targets: the schemas' names and XML's own tokens.
import re
names = sorted({n for x in glob.glob("docs/schemas/*.xsd") for n in re.findall(r'name="([a-z][A-Za-z]*)"', open(x).read())})
tokens = ['<?xml version="1.0" encoding="UTF-8"?>', 'xmlns="urn:iom-idn:caseload:submission:1"',
          'kind="detention"', 'kind="shelter"', 'facility="IDC-TPI"', 'period="2012-03"', 'revision="2"',
          '<!DOCTYPE', '<!ENTITY', 'SYSTEM', '<![CDATA[', ']]>', '&amp;', '&#0;', '&#x41;', '<!--', '-->', '<?pi x?>', '/>',
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"', 'xsi:nil="true"', 'encoding="UTF-16"']
for n in names:
    tokens += [f"<{n}>", f"</{n}>"]
with open("Tests/Fuzz/xml.dict", "w") as f:
    f.write("# libFuzzer dictionary of the XML targets, written by Tests/Fuzz/make-seeds.py\n")
    for i, t in enumerate(tokens):
        f.write('t%d="%s"\n' % (i, t.replace("\\", "\\\\").replace('"', '\\"')))
