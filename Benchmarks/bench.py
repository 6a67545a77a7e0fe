#!/usr/bin/env python3
"""make bench: caseload run over generated inputs of growing size, beside a DuckDB peer.

Inputs are generated once with `caseload synth --xml-share 0.4` into Benchmarks/data/ (ignored by
git) and reused. For each size it reports wall time, records per second, MB per second, the peak
resident memory of the `caseload run` process (VmHWM, which the run logs at its end: wait4's
ru_maxrss would count this script's own memory too; the largest and the median of the timed runs),
the split by stage
(from the run's last log line: CPU seconds and MB/s per core of judging CSV and of judging XML
files, which read, check, hash, parse and validate them in one pass, and the same from runs with
one worker, which then has a core to itself; wall seconds of the period
stage, which makes each period's rules across files, figures and caseload.csv while the next
period's files are judged; wall seconds of the CTDC file's anonymisation, of rendering, hashing
and writing the other outputs into the staging folder (the workbooks among them), and of the
manifest, the flush to disk and the swap), and the DuckDB peer's wall time on the same folder with the ratio and whether its
figures agree with caseload's report.json, cell by cell. Last, the memory of the largest input
against that of the second.
A benchmark, not a test: it asserts nothing and prints what it measured.

    Benchmarks/bench.py [25k] [250k] [1M]     (all three by default)
    RUNS=5 Benchmarks/bench.py 1M             (best of 5 instead of 3)
    BASELINE_BIN=/path/to/old/caseload Benchmarks/bench.py 1M   (also side by side with another build)
"""
import glob, hashlib, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.abspath(__file__))
BIN = os.path.join(ROOT, "..", ".build", "release", "caseload")
DATA = os.path.join(ROOT, "data")
PEER = os.path.join(ROOT, "peers", "duckdb_peer.py")
# scale 1 of `caseload synth` is about 20,600 records.
SIZES = [("25k", 1.2), ("250k", 12), ("1M", 48)]


def folder_stats(path):
    total = xml = 0
    for d, _, names in os.walk(path):
        for n in names:
            if n == "facilities.csv" or n.startswith("."):
                continue
            size = os.path.getsize(os.path.join(d, n))
            total += size
            if n.lower().endswith(".xml"):
                xml += size
    return total, xml


def generate(name, scale):
    out = os.path.join(DATA, name)
    stamp = os.path.join(out, ".synth-done")
    if not os.path.exists(stamp):
        subprocess.run(["rm", "-rf", out], check=True)
        subprocess.run([BIN, "synth", "--out", out, "--seed", "7", "--scale", str(scale), "--no-faults", "--xml-share", "0.4"],
                       check=True, stderr=subprocess.DEVNULL)
        open(stamp, "w").write("scale %s\n" % scale)
    return out


def run_once(inp, out, threads=0, binary=BIN):
    p = subprocess.Popen([binary, "run", "--input", inp, "--output", out, "--log-format", "json", "--threads", str(threads)],
                         stderr=subprocess.PIPE)
    t = time.monotonic()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit("caseload run failed: " + err.decode())
    stages = [json.loads(l) for l in err.decode().splitlines() if '"message":"elapsed' in l][-1]
    # The run's own peak (VmHWM, in its last log line): wait4's ru_maxrss would also count this
    # Python process, whose image the child had before it became caseload.
    return wall, float(stages["peak_rss_kib"]) / 1024.0, stages


def ours(out):
    cells = {}
    # The periods' reports (YYYY-MM/report.json), not ctdc/report.json.
    for f in glob.glob(os.path.join(out, "[0-9][0-9][0-9][0-9]-[0-9][0-9]", "report.json")):
        j = json.load(open(f))
        for pop in ("migrants", "victims"):
            for ind in j[pop] or []:
                for dim in ind["dimensions"]:
                    for c in dim["categories"]:
                        if c["value"]:
                            cells["%s/%s/%s/%s" % (j["period"], ind["indicator"], dim["dimension"], c["category"])] = c["value"]
    return cells


def peer(inp, name):
    try:
        import duckdb  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "duckdb"], check=False)
    out = os.path.join(DATA, "peer-" + name + ".json")
    t = time.monotonic()
    r = subprocess.run([sys.executable, PEER, inp, out], capture_output=True, text=True)
    if r.returncode != 0:
        return None, None
    return time.monotonic() - t, json.load(open(out))["figures"]


def widened(out, target=120_000):
    """A copy of the output folder whose manifest lists extra periods (copies of its reports under
    earlier period names, with their digests) until it holds about `target` figures: the load at
    the scale of a large office, which the generated inputs alone do not reach."""
    wide = out + "-wide"
    subprocess.run(["rm", "-rf", wide], check=True)
    subprocess.run(["cp", "-r", out, wide], check=True)
    manifest = json.load(open(os.path.join(wide, "manifest.json")))
    reports = [o for o in manifest["outputs"] if o["path"].endswith("/report.json")]
    def cells(r):
        return sum(len(d.get("categories") or []) for p in ("migrants", "victims") for i in r.get(p) or [] for d in i["dimensions"])
    loaded = [json.load(open(os.path.join(wide, o["path"]))) for o in reports]
    figures, year, k = sum(cells(r) for r in loaded), 1900, 0
    while figures < target:
        r = dict(loaded[k % len(loaded)])
        year, month = 1900 + k // 12, k % 12 + 1
        r["period"] = "%04d-%02d" % (year, month)
        data = json.dumps(r).encode()
        path = "%s/report.json" % r["period"]
        os.makedirs(os.path.join(wide, r["period"]), exist_ok=True)
        open(os.path.join(wide, path), "wb").write(data)
        manifest["outputs"].append({"path": path, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})
        figures += cells(r)
        k += 1
    json.dump(manifest, open(os.path.join(wide, "manifest.json"), "w"))
    return wide, figures


def publish(out, runs):
    """`caseload publish` of the output into a throwaway PostgreSQL cluster (scripts/pg-cluster.sh):
    the first load of an office, and a replacing one (the same figures under another run)."""
    cluster = tempfile.mkdtemp(prefix="caseload-bench-pg-")
    env = dict(os.environ, CASELOAD_PG_PORT="54349")
    script = os.path.join(ROOT, "..", "scripts", "pg-cluster.sh")
    try:
        started = subprocess.run(["bash", script, "start", cluster], env=env, capture_output=True, text=True, check=True)
        env.update(kv.split("=", 1) for kv in started.stdout.split())
        psql = lambda sql: subprocess.run(["psql", "-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", sql], env=env,
                                          capture_output=True, text=True, check=True).stdout.strip()
        subprocess.run([BIN, "warehouse", "init"], env=env, check=True, capture_output=True)
        psql("INSERT INTO caseload.offices VALUES ('IDN', 'postgres')")
        times = []
        for i in range(runs):
            # A different run each time (the office's rows are replaced): the same folder is
            # "already in the warehouse" once published.
            psql("UPDATE caseload.runs SET run_sha256 = repeat('0', 64)") if i else None
            t = time.monotonic()
            subprocess.run([BIN, "publish", "--output", out, "--office", "IDN"], env=env, check=True, capture_output=True)
            times.append(time.monotonic() - t)
        figures, files, issues = psql("SELECT (SELECT count(*) FROM caseload.figures) || ' ' || (SELECT count(*) FROM caseload.files)"
                                      " || ' ' || (SELECT count(*) FROM caseload.issues)").split()
        print("  publish        %7.3f s  %s figures, %s files, %s issues into PostgreSQL (the first load %.3f s, replacing loads %s)" % (
            max(times), figures, files, issues, times[0], ", ".join("%.3f s" % t for t in times[1:]) or "none"))
    except (subprocess.CalledProcessError, OSError) as e:
        print("  publish        failed: %s" % getattr(e, "stderr", e))
    finally:
        subprocess.run(["bash", script, "stop", cluster], env=env, capture_output=True)


def main():
    os.makedirs(DATA, exist_ok=True)
    sizes = SIZES if len(sys.argv) < 2 else [s for s in SIZES if s[0] in sys.argv[1:]]
    runs = int(os.environ.get("RUNS", "3"))
    print("machine: %s, %d cores; %s" % (os.uname().machine, os.cpu_count(), time.strftime("%Y-%m-%d")))
    peaks = {}
    for name, scale in sizes:
        inp = generate(name, scale)
        total, xml = folder_stats(inp)
        out = os.path.join(DATA, "out-" + name)
        run_once(inp, out)  # warm the page cache
        results = [run_once(inp, out) for _ in range(runs)]
        wall, rss, stages = min(results, key=lambda r: r[0])
        # Peak memory moves from run to run with how the workers and the period stage interleave:
        # the largest and the median of the timed runs.
        rss_all = sorted(r[1] for r in results)
        rss, rss_median = rss_all[-1], rss_all[len(rss_all) // 2]
        peaks[name] = (rss, rss_median)
        # Per-core throughput from the least loaded of the runs (the machine is shared).
        csv_cpu = min(float(r[2].get("csv_cpu", 0)) for r in results)
        xml_cpu = min(float(r[2].get("xml_cpu", 0)) for r in results)
        manifest = json.load(open(os.path.join(out, "manifest.json")))
        records = sum(i["records"]["accepted"] + i["records"]["rejected"] for i in manifest["inputs"])
        print("\n%s: %d records, %.1f MB (%.0f %% XML)" % (name, records, total / 1e6, 100.0 * xml / max(total, 1)))
        print("  caseload run   %7.3f s  %7.0f krecords/s  %6.1f MB/s  peak RSS %6.1f MB (median %.1f)  (best of %d)" % (
            wall, records / wall / 1e3, total / wall / 1e6, rss, rss_median, runs))
        csv_b, xml_b = int(stages.get("csv_bytes", 0)), int(stages.get("xml_bytes", 0))
        print("  stages         judge CSV %.3f CPU s = %.0f MB/s per core, judge XML %.3f CPU s = %.0f MB/s per core" % (
            csv_cpu, csv_b / max(csv_cpu, 1e-9) / 1e6, xml_cpu, xml_b / max(xml_cpu, 1e-9) / 1e6))
        # The same with one worker, which then has a core to itself (two workers and the period
        # stage share the two cores of the timed runs, and their CPU seconds include the sharing).
        single = [run_once(inp, out, threads=1)[2] for _ in range(runs)]
        s_csv = min(float(r.get("csv_cpu", 0)) for r in single)
        s_xml = min(float(r.get("xml_cpu", 0)) for r in single)
        print("                 one worker: judge CSV %.3f CPU s = %.0f MB/s per core, judge XML %.3f CPU s = %.0f MB/s per core" % (
            s_csv, csv_b / max(s_csv, 1e-9) / 1e6, s_xml, xml_b / max(s_xml, 1e-9) / 1e6))
        print("                 files and periods %.3f s wall, of which the period stage %.3f s (rules and figures %.3f s, "
              "caseload.csv %.3f s); the CTDC file's anonymisation %.3f s; render and write %.3f s (the workbooks among it); "
              "manifest, flush and swap %.3f s" % (
                  float(stages["judge"]), float(stages["periods"]), float(stages["walk"]), float(stages["caseload"]),
                  float(stages.get("ctdc", 0)), float(stages["render"]), float(stages["write"])))
        publish(out, runs)
        if name == "1M":
            wide, figures = widened(out)
            print("  (a copy of the 1M output widened to %d figures by extra periods)" % figures)
            publish(wide, runs)
        pwall, pfig = peer(inp, name)
        if pwall is None:
            print("  duckdb peer    failed (is the duckdb package installable?)")
            continue
        mine = ours(out)
        agree = sum(1 for k, v in mine.items() if pfig.get(k) == v)
        print("  duckdb peer    %7.3f s  (caseload is %.1f times faster); figures agree on %d of %d cells" % (
            pwall, pwall / wall, agree, len(mine)))
        baseline = os.environ.get("BASELINE_BIN")
        if baseline:
            # Side by side with another build (say the previous commit's), runs interleaved so that
            # both see the same hour of this shared machine: medians of wall time and peak memory.
            both = {"baseline": [], "this": []}
            for _ in range(max(runs, 5)):
                both["baseline"].append(run_once(inp, out + "-baseline", binary=baseline)[:2])
                both["this"].append(run_once(inp, out)[:2])
            med = {k: (sorted(w for w, _ in v)[len(v) // 2], sorted(m for _, m in v)[len(v) // 2]) for k, v in both.items()}
            print("  side by side   baseline %s: %.3f s, %.1f MB; this build: %.3f s, %.1f MB (time %+.1f %%, memory %+.1f %%; medians of %d interleaved runs)" % (
                baseline, med["baseline"][0], med["baseline"][1], med["this"][0], med["this"][1],
                100.0 * (med["this"][0] / med["baseline"][0] - 1), 100.0 * (med["this"][1] / med["baseline"][1] - 1), len(both["this"])))
    if "1M" in peaks and "250k" in peaks:
        print("\npeak RSS at 1M is %.2f times that at 250k (largest of the runs of each; %.2f of the medians)" % (
            peaks["1M"][0] / peaks["250k"][0], peaks["1M"][1] / peaks["250k"][1]))


if __name__ == "__main__":
    main()
