import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// Small input folders with hand-checked outputs, compared byte for byte (see Golden/README.md):
/// `expected/` at k = 1 (every count exact: keyed rounding to base 1 changes nothing), and the
/// shared aggregates at k = 5 without a key (`expected-k5/`) and under `Golden/golden.key`
/// (`expected-k5-key/`).
struct GoldenTests {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Golden")
    static let folders = ["basics", "leapday", "releases"]

    struct Variant: Sendable, CustomStringConvertible {
        var folder: String
        var expected: String
        var k: Int
        var keyed: Bool
        var description: String { "\(folder)/\(expected)" }
    }

    static let variants: [Variant] = folders.flatMap { f in
        [
            Variant(folder: f, expected: "expected", k: 1, keyed: false), Variant(folder: f, expected: "expected-k5", k: 5, keyed: false),
            Variant(folder: f, expected: "expected-k5-key", k: 5, keyed: true),
        ]
    }

    static func csvFiles(_ folder: URL) -> [String] {
        FileManager.default.enumerator(atPath: folder.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".csv") || $0.hasSuffix(".json") }.sorted()
    }

    @Test(arguments: variants)
    func outputsMatchByteForByte(_ v: Variant) throws {
        let folder = Self.root.appendingPathComponent(v.folder)
        let out = NSTemporaryDirectory() + "caseload-golden-\(v.folder)-\(v.expected)-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        var o = RunOptions()
        o.input = folder.appendingPathComponent("Input").path
        o.output = out
        o.minCell = v.k
        if v.keyed { o.keyFile = Self.root.appendingPathComponent("golden.key").path }
        o.judge.threads = 2
        let outcome = Pipeline.run(o)
        #expect(outcome.exitCode == 0)
        let expected = folder.appendingPathComponent(v.expected)
        let files = Self.csvFiles(expected)
        #expect(files.count >= (v.expected == "expected" ? 3 : 1))
        for f in files {
            let want = try Data(contentsOf: expected.appendingPathComponent(f))
            let got = try Data(contentsOf: URL(fileURLWithPath: out + "/" + f))
            #expect(got == want, "\(v)/\(f) differs:\n\(String(decoding: got, as: UTF8.self))")
        }
        // No period folder that is not expected.
        let periods = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.first?.isNumber == true }.sorted()
        let expectedPeriods = try FileManager.default.contentsOfDirectory(atPath: expected.path).filter { $0.first?.isNumber == true }.sorted()
        #expect(periods == expectedPeriods)
    }

    /// The expected aggregates are what `Golden/rounding.py`, an independent reading of the
    /// contract in Python (hashlib, hmac, no code of caseload), makes of the same inputs.
    @Test(arguments: variants)
    func theExpectedAggregatesAreTheIndependentReadings(_ v: Variant) throws {
        let folder = Self.root.appendingPathComponent(v.folder)
        var args = [Self.root.appendingPathComponent("rounding.py").path, folder.path, String(v.k)]
        if v.keyed { args.append(Self.root.appendingPathComponent("golden.key").path) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let printed = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let expected = folder.appendingPathComponent(v.expected)
        var rows: [String] = []
        for f in Self.csvFiles(expected) where f.hasSuffix("aggregates.csv") {
            let text = try String(contentsOf: expected.appendingPathComponent(f), encoding: .utf8)
            rows += text.split(separator: "\n").dropFirst().map(String.init)
        }
        let independent = String(decoding: printed, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(!rows.isEmpty)
        #expect(independent == rows)
    }
}
