import CaseloadCore
import Foundation
import Testing
@testable import Caseload
import Synth
#if canImport(Glibc)
    import Glibc
#endif

/// Every file under a folder, by relative path, with its bytes.
func tree(_ root: String) -> [String: Data] { filesUnder(root).mapValues { Data($0) } }

/// Whether `Output/` is one complete result: the manifest lists exactly the other files, with
/// their sizes and digests.
func isComplete(_ output: String) -> (complete: Bool, manifest: Data?) {
    let files = tree(output)
    guard let m = files["manifest.json"],
        let json = try? JSONSerialization.jsonObject(with: m) as? [String: Any],
        let outputs = json["outputs"] as? [[String: Any]]
    else { return (false, nil) }
    var listed = Set<String>()
    for o in outputs {
        guard let path = o["path"] as? String, let bytes = o["bytes"] as? Int, let sha = o["sha256"] as? String,
            let data = files[path], data.count == bytes, Digest256.hex(data) == sha
        else { return (false, m) }
        listed.insert(path)
    }
    return (listed == Set(files.keys).subtracting(["manifest.json"]), m)
}

import Ingest
enum Digest256 {
    static func hex(_ d: Data) -> String { Digest.sha256(Array(d)) }
}

@Suite(.serialized)
struct OperationsTests {
    static let sample = SampleTests.input

    static func copySample(to dir: String, reversed: Bool = false) throws {
        let files = tree(sample).keys.sorted()
        for f in reversed ? files.reversed() : files {
            let dest = dir + "/" + f
            try FileManager.default.createDirectory(atPath: (dest as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: sample + "/" + f, toPath: dest)
        }
    }

    @Test func outputsAreDeterministic() throws {
        let f = Fixture(registry: nil)
        try Self.copySample(to: f.root + "/a")
        try Self.copySample(to: f.root + "/b", reversed: true)
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "Asia/Jakarta"
        env["LANG"] = "id_ID.UTF-8"
        let one = try Binary.run(["run", "--input", f.root + "/a", "--output", f.root + "/out1", "--threads", "1", "--quiet"], environment: env)
        env["TZ"] = "America/Los_Angeles"
        env["LANG"] = "C"
        let two = try Binary.run(["run", "--input", f.root + "/b", "--output", f.root + "/out2", "--threads", "4", "--quiet"], environment: env)
        #expect(one.status == 1 && two.status == 1)
        let a = tree(f.root + "/out1"), b = tree(f.root + "/out2")
        #expect(a.count > 80)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (k, v) in a { #expect(b[k] == v, "\(k) differs") }
        // Once more in-process, with other thread counts: the same bytes.
        var o = RunOptions()
        o.input = f.root + "/a"
        o.output = f.root + "/out3"
        o.judge.threads = 3
        _ = Pipeline.run(o)
        #expect(tree(f.root + "/out3") == a)
    }

    /// Periods are handed over as their files are judged, by however many workers: on twice the
    /// sample with its faults (resubmissions, bad rows, a duplicate) and every XML facility, one
    /// worker, two and five give the same bytes, and so does judging without the figures
    /// (`judge`) followed by them (`aggregate`, `render`).
    @Test func oneThreadAndManyGiveTheSameBytes() throws {
        let f = Fixture(registry: nil)
        let input = f.root + "/in"
        for file in SynthGenerator.generate(SynthOptions(seed: 31, scale: 2, xmlShare: 0.5)).files {
            let full = input + "/" + file.path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: full, contents: Data(file.bytes))
        }
        var results: [[String: Data]] = []
        for threads in [1, 2, 5] {
            var o = RunOptions()
            o.input = input
            o.output = f.root + "/out\(threads)"
            o.judge.threads = threads
            #expect(Pipeline.run(o).exitCode == 1)
            results.append(tree(o.output))
        }
        #expect(results[0].count > 80)
        for r in results.dropFirst() {
            #expect(r.keys.sorted() == results[0].keys.sorted())
            for (k, v) in results[0] { #expect(r[k] == v, "\(k) differs") }
        }
        var o = RunOptions()
        o.input = input
        o.judge.threads = 2
        let kept = try Pipeline.evaluate(o, keepRecords: true)
        for (path, bytes) in try Pipeline.render(kept, options: o) {
            #expect(Data(bytes) == results[0][path], "\(path) differs between run and judge + aggregate + render")
        }
    }

    /// `run` gives each period's records back to the system as its walk leaves them behind, and
    /// the cases in care at the end of the month before as the next walk passes them; `judge`
    /// then `aggregate` keep every record. On periods large enough for both to give memory back
    /// (files of 9,000 records, 360 KB of them; 13,000 cases in care), the two give the same bytes
    /// and `CONTINUITY` finds exactly the cases that vanished.
    @Test func largePeriodsWalkedOnceGiveTheSameBytesAsRecordsKept() throws {
        let f = Fixture()
        let nationalities = ["AFG", "IRN", "MMR", "SOM", "IRQ", "LKA"]
        func migrant(_ n: Int) -> String {
            Rows.detention(
                n, sex: ["M", "F", "X"][n % 3], birth: n % 7 == 0 ? "2001-04-0\(n % 9 + 1)" : "19\(60 + n % 40)",
                nationality: nationalities[n % nationalities.count], arrival: "2011-\(10 + n % 3)-0\(n % 9 + 1)",
                status: n % 11 == 0 ? "RECOGNIZED" : "PENDING_RSD", statusDate: n % 11 == 0 ? "2011-12-13" : "",
                unhcr: n % 2 == 0 ? "354-11C\(String(100_000 + n).dropFirst())" : "")
        }
        let vanished: Set<Int> = [1, 6_000, 13_000]
        for (period, skip) in [("2012-02", Set<Int>()), ("2012-03", vanished)] {
            f.write("detention_IDC-TPI_\(period).csv", Rows.detentionFile((1...9_000).filter { !skip.contains($0) }.map(migrant)))
            f.write("detention_IDC-JKT_\(period).csv", Rows.detentionFile((4_001...13_000).filter { !skip.contains($0) }.map(migrant)))
            f.write(
                "shelter_SH-JKT_\(period).csv",
                Rows.shelterFile(
                    (20_001...23_000).map {
                        Rows.shelter($0, sex: $0 % 4 == 0 ? "M" : "F", nationality: nationalities[$0 % 5], admission: "2012-02-0\($0 % 9 + 1)")
                    }))
        }
        var o = RunOptions()
        o.input = f.input
        o.output = f.output
        o.judge.threads = 2
        #expect(Pipeline.run(o).exitCode == 0)
        let run = tree(f.output)
        let e = try Pipeline.evaluate(o, keepRecords: true)
        let j = e.run
        #expect(
            j.issues.filter { $0.code == .CONTINUITY }.sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary)
                == [
                    "CONTINUITY detention_IDC-TPI_2012-03.csv IDN-2011-000001",
                    "CONTINUITY detention_IDC-JKT_2012-03.csv IDN-2011-006000",
                    "CONTINUITY detention_IDC-JKT_2012-03.csv IDN-2011-013000",
                ].sorted())
        let kept = try Pipeline.render(e, options: o)
        #expect(kept.count == 16 && Set(kept.map(\.path)) == Set(run.keys))
        for (path, bytes) in kept { #expect(Data(bytes) == run[path], "\(path) differs between run and judge + aggregate + render") }
        // One row per case with a UNHCR number: the even ones of 1…13,000 but 6,000 and 13,000.
        let rows = String(decoding: run["2012-03/unhcr/caseload.csv"] ?? Data(), as: UTF8.self).split(separator: "\n")
        #expect(rows.count == 1 + 6_500 - 2)
    }

    @Test func aSecondRunExits3AndChangesNothing() throws {
        let f = Fixture(registry: nil)
        try Self.copySample(to: f.input)
        // Three times the sample, so that the first run is still working when the second starts.
        let big = try Binary.run(["synth", "--out", f.root + "/big", "--scale", "3"])
        #expect(big.status == 0)
        let first = Process()
        first.executableURL = URL(fileURLWithPath: Binary.path)
        first.arguments = ["run", "--input", f.root + "/big", "--output", f.output, "--quiet"]
        try first.run()
        // Wait until the first run holds the lock.
        let lockPath = f.root + "/.Output.lock"
        var held = false
        for _ in 0..<400 where !held {
            let fd = open(lockPath, O_RDWR)
            if fd >= 0 {
                held = flock(fd, LOCK_EX | LOCK_NB) != 0
                if !held { flock(fd, LOCK_UN) }
                close(fd)
            }
            if !held { usleep(5_000) }
        }
        #expect(held)
        let second = try Binary.run(["run", "--input", f.input, "--output", f.output])
        #expect(second.status == 3)
        #expect(second.stderr.contains("another run is in progress"))
        first.waitUntilExit()
        #expect(first.terminationStatus == 1)
        // The result is the first run's, complete.
        let (complete, manifest) = isComplete(f.output)
        #expect(complete)
        #expect(String(decoding: manifest ?? Data(), as: UTF8.self).contains("\"min_cell\": 5"))
        #expect(tree(f.output).keys.contains("2012-03/unhcr/aggregates.csv"))
    }

    @Test func anUnwritableOutputLocationExits4AndKeepsThePreviousResult() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        let parent = f.root + "/out"
        mkdir(parent, 0o755)
        let output = parent + "/Output"
        #expect(try Binary.run(["run", "--input", f.input, "--output", output, "--quiet"]).status == 0)
        let previous = tree(output)
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile([Rows.detention(2)]))
        // Root writes everywhere: make the folder immutable instead (ext4 attribute).
        let chattr = Process()
        chattr.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        chattr.arguments = ["+i", parent]
        try chattr.run()
        chattr.waitUntilExit()
        #expect(chattr.terminationStatus == 0)
        defer {
            let undo = Process()
            undo.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
            undo.arguments = ["-i", parent]
            try? undo.run()
            undo.waitUntilExit()
        }
        let r = try Binary.run(["run", "--input", f.input, "--output", output])
        #expect(r.status == 4)
        #expect(r.stderr.contains("the previous \(output) is left as it was"))
        #expect(tree(output) == previous)
    }
}
