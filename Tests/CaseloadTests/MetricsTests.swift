import CaseloadCore
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// `--metrics FILE` (docs/operations.md, "Monitoring"): read back by prometheus_client's own text
/// parser, for a good night, a night with rejections, exit 2 and exit 3, and its figures equal to
/// the run's summary lines.
@Suite(.serialized)
struct MetricsTests {
    static func parsed(_ file: String) throws -> [String: Double] { try prometheusSamples(file) }

    /// The numbers of a summary line of the log, in order.
    static func numbers(_ log: String, _ prefix: String, containing: String? = nil) -> [Double] {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(prefix) && $0.contains(containing ?? prefix) }) else { return [] }
        let text = line[line.range(of: prefix)!.upperBound...]
        return text.split(whereSeparator: { !$0.isNumber }).compactMap { Double($0) }
    }

    func checkWrittenNight(_ f: Fixture, expectedExit: Int32) throws {
        let file = f.root + "/caseload.prom"
        let before = Clock.unixTime()
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--metrics", file])
        #expect(r.status == expectedExit, "\(r.stderr)")
        let m = try Self.parsed(file)
        #expect(m["caseload_run_last_exit_code{}"] == Double(expectedExit))
        let start = try #require(m["caseload_run_last_start_timestamp_seconds{}"])
        #expect(start >= before.rounded(.down) && start <= Clock.unixTime())
        #expect(m["caseload_run_last_success_timestamp_seconds{}"] == start)
        #expect((m["caseload_run_last_duration_seconds{}"] ?? -1) > 0)
        #expect((m["caseload_run_peak_memory_bytes{}"] ?? 0) > 1_000_000)
        // The summary's own figures, line by line.
        let files = Array(Self.numbers(r.stderr, "files: ").prefix(4))
        #expect(files == ["accepted", "rejected", "superseded", "duplicate"].map { m["caseload_run_files{outcome=\($0)}"] ?? -1 })
        let records = Array(Self.numbers(r.stderr, "records: ").prefix(2))
        #expect(records == [m["caseload_run_records{state=accepted}"] ?? -1, m["caseload_run_records{state=rejected}"] ?? -1])
        // (the line ends with the path of issues.csv, whose temporary folder may hold digits)
        let issues = Array(Self.numbers(r.stderr, "issues: ").prefix(3))
        #expect(issues == ["error", "warning", "info"].map { m["caseload_run_issues{severity=\($0)}"] ?? -1 })
        // "2012-03: 7 migrants supported (7 in detention centres, 0 in community housing), 7 in care …"
        let period = "2012-03"
        let migrants = Self.numbers(r.stderr, period + ": ", containing: "migrants supported")
        #expect(Array(migrants.prefix(1)) == [m["caseload_run_headline{indicator=supported,period=\(period),population=migrants}"] ?? -1])
        #expect(migrants.count == 4 && migrants.last == m["caseload_run_headline{indicator=in_care_end,period=\(period),population=migrants}"])
        // Nothing but the file itself beside it: the temporary file was renamed.
        let beside = try FileManager.default.contentsOfDirectory(atPath: f.root).filter { $0.contains("caseload.prom") }
        #expect(beside == ["caseload.prom"])
    }

    @Test func aGoodNight() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...7).map { Rows.detention($0) }))
        try checkWrittenNight(f, expectedExit: 0)
    }

    @Test func aNightWithRejections() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...7).map { Rows.detention($0) }))
        f.write("detention_IDC-JKT_2012-03.csv", "not,a,detention,header\n1,2,3,4\n")
        try checkWrittenNight(f, expectedExit: 1)
        let m = try Self.parsed(f.root + "/caseload.prom")
        #expect(m["caseload_run_files{outcome=rejected}"] == 1)
    }

    /// Exit 2 and 3: only the exit code and the time (and the last success the file held before).
    @Test func exit2AndExit3SayTheExitCodeAndTheTime() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...7).map { Rows.detention($0) }))
        let file = f.root + "/caseload.prom"
        #expect(try Binary.run(["run", "--input", f.input, "--output", f.output, "--metrics", file, "--quiet"]).status == 0)
        let success = try #require(try Self.parsed(file)["caseload_run_last_success_timestamp_seconds{}"])

        let missing = try Binary.run(["run", "--input", f.root + "/no-such-folder", "--output", f.output, "--metrics", file, "--quiet"])
        #expect(missing.status == 2)
        var m = try Self.parsed(file)
        #expect(Set(m.keys) == ["caseload_run_last_start_timestamp_seconds{}", "caseload_run_last_duration_seconds{}", "caseload_run_last_exit_code{}", "caseload_run_last_success_timestamp_seconds{}"])
        #expect(m["caseload_run_last_exit_code{}"] == 2)
        #expect(m["caseload_run_last_success_timestamp_seconds{}"] == success)

        let lock = f.root + "/.Output.lock"
        let holder = try Spawned(["/usr/bin/flock", lock, "sleep", "5"])
        defer { holder.signal(SIGTERM); _ = holder.wait() }
        usleep(300_000)
        let busy = try Binary.run(["run", "--input", f.input, "--output", f.output, "--metrics", file, "--quiet"])
        #expect(busy.status == 3)
        m = try Self.parsed(file)
        #expect(m["caseload_run_last_exit_code{}"] == 3)
        #expect(m.count == 4)
        #expect(m["caseload_run_last_success_timestamp_seconds{}"] == success)
        #expect((m["caseload_run_last_start_timestamp_seconds{}"] ?? 0) > success)
    }
}
