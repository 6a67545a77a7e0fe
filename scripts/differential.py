#!/usr/bin/env python3
"""Differential check of two caseload binaries on mutated submissions.

    scripts/differential.py OLD NEW [ITERATIONS] [SEED]

Takes the fuzzing seeds (Tests/Fuzz/corpus) and the golden inputs, mutates them at random
(bytes flipped, inserted or removed; quotes, delimiters, line ends, NUL and non-UTF-8 bytes,
XML markup, values swapped between cells; truncation), and runs `caseload validate` of both
binaries on each mutant against the sample registry. Any difference in exit status or in the
printed issues is reported with the mutant kept under /tmp/caseload-differential/. A tool for
refactoring the readers and the rules without changing a byte of what they say; not a test.
"""
import os, random, subprocess, sys, shutil, concurrent.futures

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = "/tmp/caseload-differential"
TOKENS = [b'"', b'""', b',', b';', b'\n', b'\r', b'\r\n', b'\x00', b'\xff', b'\xc3', b'\xe2\x82', b' ', b'\t',
          b'<', b'>', b'</', b'/>', b'&amp;', b'&x;', b'<![CDATA[', b']]>', b'<!--', b'-->', b'<code>', b'</code>',
          b'<migrant>', b'</migrant>', b'<victim>', b'<sex>', b'</sex>', b'=', b'+', b'|', b'1989', b'2012-02-30',
          b'IDN-2011-000001', b'XXA', b'RETURNED', b'Y', b'<!DOCTYPE x>', b'\xef\xbb\xbf']


def seeds():
    out = []
    for d in ("csv", "xml"):
        folder = os.path.join(ROOT, "Tests", "Fuzz", "corpus", d)
        for n in sorted(os.listdir(folder)):
            data = open(os.path.join(folder, n), "rb").read()
            if len(data) < 400_000:
                out.append((d, data))
    for g in ("basics", "leapday"):
        folder = os.path.join(ROOT, "Tests", "CaseloadTests", "Golden", g, "Input")
        for n in sorted(os.listdir(folder)):
            if n != "facilities.csv":
                out.append((n.rsplit(".", 1)[1], open(os.path.join(folder, n), "rb").read()))
    return out


def mutate(rng, data):
    b = bytearray(data)
    for _ in range(rng.choice([1, 1, 2, 3, 5, 8])):
        op = rng.randrange(6)
        i = rng.randrange(len(b) + 1) if b else 0
        if op == 0 and b:
            b[min(i, len(b) - 1)] = rng.randrange(256)
        elif op == 1:
            b[i:i] = rng.choice(TOKENS)
        elif op == 2 and b:
            del b[i:i + rng.randrange(1, 40)]
        elif op == 3 and b:
            j = rng.randrange(len(b))
            k = rng.randrange(len(b))
            b[i:i] = b[min(j, k):max(j, k)][:200]
        elif op == 4:
            b = b[:i]
        else:
            b[i:i] = rng.choice(TOKENS) * rng.randrange(1, 5)
    return bytes(b)


def kind_of(fmt, data):
    if fmt == "xml":
        return "shelter" if b"<victim" in data[:4000] or b'kind="shelter"' in data[:4000] else "detention"
    return "shelter" if b"exploitation" in data[:2000] else "detention"


def run(binary, folder, path):
    r = subprocess.run([binary, "validate", "--input", folder, path], capture_output=True, timeout=120)
    return r.returncode, r.stdout


def main():
    old, new = sys.argv[1], sys.argv[2]
    iterations = int(sys.argv[3]) if len(sys.argv) > 3 else 1000
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    pool = seeds()
    jobs = []
    for it in range(iterations):
        fmt, data = rng.choice(pool)
        m = mutate(rng, data)
        kind = kind_of(fmt, data)
        folder = os.path.join(OUT, "case%05d" % it)
        os.makedirs(folder)
        shutil.copy(os.path.join(ROOT, "Input", "facilities.csv"), folder)
        name = ("detention_IDC-TPI_2012-03." if kind == "detention" else "shelter_SH-JKT_2012-03.") + fmt
        path = os.path.join(folder, name)
        open(path, "wb").write(m)
        jobs.append((folder, path))

    def check(job):
        folder, path = job
        a, b = run(old, folder, path), run(new, folder, path)
        if a == b:
            shutil.rmtree(folder)
            return None
        return folder, a, b

    bad = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
        for r in ex.map(check, jobs):
            if r:
                bad += 1
                folder, a, b = r
                if bad <= 10:
                    print("DIFFERS: %s\n  old %d: %s\n  new %d: %s" % (folder, a[0], a[1][:600], b[0], b[1][:600]))
    print("%d mutants, %d differ" % (iterations, bad))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
