import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
import Glibc
#endif

/// Small input folders with hand-checked outputs, compared byte for byte (see Golden/README.md).
struct GoldenTests {
    static let root = Bundle.module.resourceURL!.appendingPathComponent("Golden")

    @Test(arguments: ["basics", "leapday"])
    func outputsMatchByteForByte(_ name: String) throws {
        let folder = Self.root.appendingPathComponent(name)
        let out = NSTemporaryDirectory() + "caseload-golden-\(name)-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: out) }
        var o = RunOptions()
        o.input = folder.appendingPathComponent("Input").path
        o.output = out
        o.minCell = 1
        o.judge.threads = 2
        let outcome = Pipeline.run(o)
        #expect(outcome.exitCode == 0)
        let expected = folder.appendingPathComponent("expected")
        let files = FileManager.default.enumerator(atPath: expected.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".csv") }.sorted()
        #expect(files.count >= 3)
        for f in files {
            let want = try Data(contentsOf: expected.appendingPathComponent(f))
            let got = try Data(contentsOf: URL(fileURLWithPath: out + "/" + f))
            #expect(got == want, "\(name)/\(f) differs:\n\(String(decoding: got, as: UTF8.self))")
        }
        // No period folder that is not expected.
        let periods = try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.first?.isNumber == true }.sorted()
        let expectedPeriods = try FileManager.default.contentsOfDirectory(atPath: expected.path).filter { $0.first?.isNumber == true }.sorted()
        #expect(periods == expectedPeriods)
    }
}
