import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// "Crash safety" of outputs.md: whatever happens to a run, `Output/` is the previous complete
/// result or the new one, never a mixture.
@Suite(.serialized)
struct CrashSafetyTests {
    /// A small generator with a fixed seed: the 50 moments are the same on every machine.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E3779B97F4A7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
    }

    @Test func killedAtFiftyRandomMomentsOutputIsThePreviousOrTheNewResult() throws {
        let f = Fixture(registry: nil)
        try OperationsTests.copySample(to: f.input)
        // Two inputs, A (the sample) and B (one more revision), and their results, written once.
        let extra = f.input + "/2012/03/detention_IDC-TPI_2012-03_r2.xml"
        func useInput(_ b: Bool) throws {
            if b { try FileManager.default.copyItem(atPath: f.input + "/2012/03/detention_IDC-TPI_2012-03.xml", toPath: extra) } else { try FileManager.default.removeItem(atPath: extra) }
        }
        #expect(try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"]).status == 1)
        let resultA = tree(f.output)
        try useInput(true)
        let start = Date()
        #expect(try Binary.run(["run", "--input", f.input, "--output", f.root + "/reference", "--quiet"]).status == 1)
        let duration = Date().timeIntervalSince(start)
        let resultB = tree(f.root + "/reference")
        #expect(resultA != resultB)
        #expect(isComplete(f.output).complete)

        // Every run is started on the other input than the one whose result is in place, and
        // killed at a moment drawn over the whole run and a little past it (µs): whether the
        // kill lands before or after the swap, Output/ must be exactly one of the two results.
        var g = SplitMix(state: 2012)
        let span = UInt32(min(max(duration * 1.2, 0.05), 30) * 1_000_000)
        var current = resultA, inputIsB = true
        var seen = (kept: 0, replaced: 0)
        for i in 0..<50 {
            let delay = UInt32.random(in: 0...span, using: &g)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path)
            p.arguments = ["run", "--input", f.input, "--output", f.output, "--quiet"]
            try p.run()
            usleep(delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let now = tree(f.output)
            let new = inputIsB ? resultB : resultA
            #expect(isComplete(f.output).complete, "kill \(i) after \(delay) µs")
            #expect(now == current || now == new, "kill \(i) after \(delay) µs: neither the previous nor the new result")
            if now == current { seen.kept += 1 } else if now == new { seen.replaced += 1; current = new }
            // The next run goes the other way from what is in place now.
            let next = current == resultA
            if next != inputIsB { try useInput(next); inputIsB = next }
        }
        print("CrashSafety: of 50 kills, \(seen.kept) left the previous result and \(seen.replaced) the new one")
        // The next run finishes, and cleans what killed runs left.
        #expect(try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"]).status == 1)
        #expect(tree(f.output) == (inputIsB ? resultB : resultA))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.root).filter { $0.contains("staging") }
        #expect(leftovers.isEmpty)
    }

    @Test func aFullDiskExits4AndKeepsThePreviousResult() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        // A file system of 2 MiB of its own (tmpfs; the tests run as root).
        let disk = f.root + "/disk"
        mkdir(disk, 0o755)
        let mounted = mount("tmpfs", disk, "tmpfs", 0, "size=2m")
        try #require(mounted == 0, "mount tmpfs: \(String(cString: strerror(errno)))")
        defer { umount2(disk, Int32(MNT_DETACH)) }
        let output = disk + "/Output"
        #expect(try Binary.run(["run", "--input", f.input, "--output", output, "--quiet"]).status == 0)
        let previous = tree(output)
        #expect(isComplete(output).complete)
        // A new input whose result does not fit: 30,000 rows, each with an issue.
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile((2...30_001).map { Rows.detention($0, sex: "Q") }))
        let r = try Binary.run(["run", "--input", f.input, "--output", output])
        #expect(r.status == 4, "\(r.stderr.suffix(400))")
        #expect(r.stderr.contains("No space left on device"), "\(r.stderr.suffix(400))")
        #expect(r.stderr.contains("the previous \(output) is left as it was"))
        #expect(tree(output) == previous)
        // Nothing of the failed run is left on the full disk.
        // (The lock file stays: it is how a second run knows a first one holds the folder.)
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk).sorted() == [".Output.lock", "Output"])
        // With room again, the same run succeeds.
        umount2(disk, Int32(MNT_DETACH))
        #expect(mount("tmpfs", disk, "tmpfs", 0, "size=64m") == 0)
        #expect(try Binary.run(["run", "--input", f.input, "--output", output, "--quiet"]).status == 1)
        #expect(isComplete(output).complete)
    }
}
