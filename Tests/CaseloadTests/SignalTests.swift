import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP (docs/operations.md, "Signals"): the run stops at its next safe
/// point, removes its staging folder, releases the lock, names the signal, and exits 4 with the
/// previous `Output/` intact.
@Suite(.serialized)
struct SignalTests {
    /// A generated input large enough that a run lasts a while, and its result in place.
    static func largeRun() throws -> (f: Fixture, previous: [String: Data], seconds: Double) {
        let f = Fixture(registry: nil)
        let made = try Binary.run(["synth", "--out", f.input, "--seed", "16", "--scale", "2"])
        try #require(made.status == 0, "\(made.stderr)")
        #expect([0, 1].contains(try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"]).status))
        let previous = tree(f.output)
        // The length of a run on it, the shortest of two (the same result replaces itself).
        var seconds = Double.infinity
        for _ in 0..<2 {
            let start = Date()
            #expect([0, 1].contains(try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"]).status))
            seconds = min(seconds, Date().timeIntervalSince(start))
        }
        #expect(tree(f.output) == previous)
        return (f, previous, seconds)
    }

    static func lockIsFree(_ f: Fixture) throws -> Bool {
        try Binary.run(["-n", f.root + "/.Output.lock", "true"], executable: "/usr/bin/flock").status == 0
    }

    static func staging(_ f: Fixture) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: f.root).filter { $0.contains("staging") }
    }

    @Test func sigtermAndSigintAtTwentySeededMomentsLeaveThePreviousOutput() throws {
        let (f, previous, seconds) = try Self.largeRun()
        // Moments between a fifth and seven tenths of a run (after the process has started and
        // blocked the signals, well before it could have finished), the same on every machine.
        var g = CrashSafetyTests.SplitMix(state: 16)
        for i in 0..<20 {
            let signal = i % 2 == 0 ? SIGTERM : SIGINT
            let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
            let delay = UInt32(seconds * 1_000_000 * Double.random(in: 0.2...0.7, using: &g))
            let run = try Spawned([Binary.path, "run", "--input", f.input, "--output", f.output], capture: true)
            usleep(delay)
            run.signal(signal)
            let (_, err) = run.readOutput()
            let stderr = String(decoding: err, as: UTF8.self)
            #expect(run.wait() == 4, "\(name) after \(delay) µs: \(stderr)")
            #expect(stderr.contains("\(name) received: stopping at the next safe point"), "\(name) after \(delay) µs: \(stderr)")
            #expect(stderr.contains("the run failed: stopped by \(name); the previous \(f.output) is left as it was"), "\(stderr)")
            #expect(try Self.staging(f).isEmpty, "\(name) after \(delay) µs")
            #expect(try Self.lockIsFree(f))
            #expect(tree(f.output) == previous, "\(name) after \(delay) µs: Output/ changed")
        }
    }

    /// A second signal stops the run at once: exit 4, no staging folder, the previous output.
    @Test func aSecondSignalStopsAtOnce() throws {
        let (f, previous, seconds) = try Self.largeRun()
        let run = try Spawned([Binary.path, "run", "--input", f.input, "--output", f.output], capture: true)
        usleep(UInt32(seconds * 300_000))
        run.signal(SIGHUP)
        run.signal(SIGHUP)
        let (_, err) = run.readOutput()
        let stderr = String(decoding: err, as: UTF8.self)
        #expect(run.wait() == 4, "\(stderr)")
        #expect(stderr.contains("SIGHUP received: stopping at the next safe point"), "\(stderr)")
        // Either the second signal ended it at once, or the first had already stopped it.
        #expect(stderr.contains("SIGHUP received again: stopped at once") || stderr.contains("stopped by SIGHUP"), "\(stderr)")
        #expect(try Self.staging(f).isEmpty)
        #expect(try Self.lockIsFree(f))
        #expect(tree(f.output) == previous)
    }

    /// Other commands end as a signal ends a program by default (128 + the signal).
    @Test func otherCommandsEndAtOnce() throws {
        let f = Fixture(registry: nil)
        let synth = try Spawned([Binary.path, "synth", "--out", f.root + "/big", "--seed", "3", "--scale", "20"], capture: true)
        usleep(300_000)
        synth.signal(SIGTERM)
        _ = synth.readOutput()
        #expect(synth.wait() == 128 + SIGTERM)
    }
}
