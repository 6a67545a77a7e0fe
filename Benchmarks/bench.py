#!/usr/bin/env python3
"""make bench: caseload run over generated inputs of growing size.

Inputs are generated once with `caseload synth` into Benchmarks/data/ (ignored by git) and
reused. For each size it reports wall time, records per second, MB per second and the peak
resident memory of the `caseload run` process (from wait4, for that process alone).
A benchmark, not a test: it asserts nothing and prints what it measured.
"""
import json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(ROOT, "..", ".build", "release", "caseload")
DATA = os.path.join(ROOT, "data")
# scale 1 of `caseload synth` is about 20,700 records (the sample).
SIZES = [("25k", 1.2), ("250k", 12), ("1M", 48)]


def folder_stats(path):
    files = total = xml = 0
    for d, _, names in os.walk(path):
        for n in names:
            if n == "facilities.csv" or n.startswith("."):
                continue
            size = os.path.getsize(os.path.join(d, n))
            files += 1
            total += size
            if n.lower().endswith(".xml"):
                xml += size
    return files, total, xml


def generate(name, scale):
    out = os.path.join(DATA, name)
    stamp = os.path.join(out, ".synth-done")
    if not os.path.exists(stamp):
        subprocess.run(["rm", "-rf", out], check=True)
        t = time.monotonic()
        subprocess.run([BIN, "synth", "--out", out, "--seed", "7", "--scale", str(scale), "--no-faults"], check=True,
                       stderr=subprocess.DEVNULL)
        open(stamp, "w").write("scale %s, generated in %.1f s\n" % (scale, time.monotonic() - t))
    return out


def run_once(inp, out):
    p = subprocess.Popen([BIN, "run", "--input", inp, "--output", out, "--quiet"])
    t = time.monotonic()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit("caseload run failed with exit %d" % code)
    return wall, usage.ru_maxrss / 1024.0


def main():
    os.makedirs(DATA, exist_ok=True)
    sizes = SIZES if len(sys.argv) < 2 else [s for s in SIZES if s[0] in sys.argv[1:]]
    print("machine: %s, %d cores" % (os.uname().machine, os.cpu_count()))
    print("%-6s %10s %8s %9s %8s %12s %9s %10s" % ("size", "records", "files", "MB", "xml %", "wall s", "krec/s", "MB/s") + "  peak RSS MB")
    for name, scale in sizes:
        inp = generate(name, scale)
        files, total, xml = folder_stats(inp)
        out = os.path.join(DATA, "out-" + name)
        run_once(inp, out)  # warm the page cache
        runs = [run_once(inp, out) for _ in range(3)]
        wall = min(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        records = sum(i["records"]["accepted"] + i["records"]["rejected"] for i in manifest["inputs"])
        print("%-6s %10d %8d %9.1f %8.0f %12.3f %9.0f %10.1f %12.1f" % (
            name, records, files, total / 1e6, 100.0 * xml / max(total, 1), wall, records / wall / 1e3, total / wall / 1e6, rss))


if __name__ == "__main__":
    main()
