import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// The command line, run as a person or cron runs it.
@Suite(.serialized)
struct CommandTests {
    @Test func validatePrintsCompilerLikeLinesAndExitCodes() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...9).map { Rows.detention($0) } + [Rows.detention(10, sex: "Q")]))
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        let bad = try Binary.run(["validate", "--input", f.input, f.input + "/detention_IDC-TPI_2012-03.csv", f.input + "/detention_IDC-JKT_2012-03.csv"])
        #expect(bad.status == 1)
        #expect(bad.stdout == "\(f.input)/detention_IDC-TPI_2012-03.csv:11: error[CODE] sex: 'Q' is not one of F, M, X\n")
        let good = try Binary.run(["validate", "--input", f.input, f.input + "/detention_IDC-JKT_2012-03.csv"])
        #expect(good.status == 0 && good.stdout.isEmpty)
        let usage = try Binary.run(["validate", "--input", f.input])
        #expect(usage.status == 2)
        let noRegistry = try Binary.run(["validate", "--input", f.root, f.input + "/detention_IDC-JKT_2012-03.csv"])
        #expect(noRegistry.status == 2 && noRegistry.stderr.contains("the facility registry is missing"))
        let unknownOption = try Binary.run(["validate", "--bogus", "x"])
        #expect(unknownOption.status == 2)
        // A file whose name is wrong would be rejected too, and validate writes nothing.
        let misnamed = try Binary.run(["validate", "--input", f.input, f.input + "/facilities.csv"])
        #expect(misnamed.status == 1 && misnamed.stdout.contains("error[FILE_NAME]"))
        #expect(!FileManager.default.fileExists(atPath: f.output))
    }

    @Test func explainKnowsEveryCode() throws {
        for code in IssueCode.allCases {
            let r = try Binary.run(["explain", code.rawValue])
            #expect(r.status == 0)
            #expect(r.stdout.hasPrefix("\(code.rawValue) (\(code.severity.rawValue))\n\n\(code.explanation.meaning)\n\nHow to fix: "))
        }
        let lower = try Binary.run(["explain", "field_count"])
        #expect(lower.status == 0 && lower.stdout.hasPrefix("FIELD_COUNT (error)"))
        let unknown = try Binary.run(["explain", "NOPE"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown issue code 'NOPE'"))
    }

    @Test func runWritesIssuesCSVAndExitsAsSpecified() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile([Rows.detention(2)]))
        f.write("detention_CH-MDN_2012-03.csv", Rows.detentionFile([Rows.detention(3)]))
        let clean = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"])
        #expect(clean.status == 0)
        #expect(clean.stderr.isEmpty)
        #expect(try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8) == "severity,code,file,line,facility,period,case_id,field,message\n")
        f.write("detention_IDC-TPI_2012-02.csv", "nonsense")
        let rejected = try Binary.run(["run", "--input", f.input, "--output", f.output, "--log-format", "json"])
        #expect(rejected.status == 1)
        #expect(rejected.stderr.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"time\":") && $0.hasSuffix("}") })
        // The summary's last line carries the bytes of the CSV files judged (the four files
        // above) and the run's own peak memory, for `make bench`.
        let elapsed = try #require(rejected.stderr.split(separator: "\n").last { $0.contains("\"message\":\"elapsed: ") })
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(elapsed.utf8)) as? [String: String])
        let csvBytes = try FileManager.default.contentsOfDirectory(atPath: f.input).filter { $0.hasPrefix("detention_") }
            .map { try FileManager.default.attributesOfItem(atPath: f.input + "/" + $0)[.size] as! Int }.reduce(0, +)
        #expect(fields["csv_bytes"] == "\(csvBytes)")
        let peak = try #require(fields["peak_rss_kib"].flatMap { Int($0) })
        #expect(peak > 1_000 && peak < 1_000_000, "peak_rss_kib \(peak)")
        let csv = try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8)
        #expect(csv.contains("error,MISSING_COLUMN,detention_IDC-TPI_2012-02.csv,1,IDC-TPI,2012-02,,case_id,required column 'case_id' is missing\n"))
        // A configuration error writes nothing and leaves the previous output.
        let badRegistry = Fixture(registry: "nonsense\n")
        let config = try Binary.run(["run", "--input", badRegistry.input, "--output", f.output])
        #expect(config.status == 2)
        #expect(try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8) == csv)
        let noInput = try Binary.run(["run", "--input", f.root + "/none", "--output", f.root + "/out2"])
        #expect(noInput.status == 2 && !FileManager.default.fileExists(atPath: f.root + "/out2"))
        let badOption = try Binary.run(["run", "--min-cell", "0"])
        #expect(badOption.status == 2)
    }

    /// Entity attacks stay small in memory: the parse stops at the document type declaration.
    @Test func hostileXMLStaysSmallInMemory() throws {
        let f = Fixture()
        let laughs = (1...9).map { i in "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">" }.joined()
        f.write("detention_IDC-TPI_2012-03.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE s [<!ENTITY l0 \"lol\">\(laughs)]>\n<submission>&l9;</submission>")
        f.write("detention_IDC-JKT_2012-03.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE s [<!ENTITY a \"" + String(repeating: "x", count: 200_000) + "\">]>\n<submission>" + String(repeating: "&a;", count: 200_000) + "</submission>")
        let r = try Binary.run(["validate", "--input", f.input, f.input + "/detention_IDC-TPI_2012-03.xml", f.input + "/detention_IDC-JKT_2012-03.xml"])
        #expect(r.status == 1)
        #expect(r.stdout.split(separator: "\n").map { $0.contains("error[XML_DOCTYPE]") } == [true, true])
        let m = try Binary.measured(["validate", "--input", f.input, f.input + "/detention_IDC-TPI_2012-03.xml", f.input + "/detention_IDC-JKT_2012-03.xml"])
        #expect(m.status == 1)
        // Against the same build validating a harmless file: a sanitizer (and the size of the
        // binary) moves the floor, the attacks (gigabytes if expanded) must add at most 32 MiB.
        f.write("detention_IDC-TPI_2012-04.csv", Rows.detentionFile([Rows.detention(1)]))
        let floor = try Binary.measured(["validate", "--input", f.input, f.input + "/detention_IDC-TPI_2012-04.csv"])
        #expect(floor.status == 0, "\(floor.stdout)\(floor.stderr)")
        #expect(m.peakKiB < floor.peakKiB + 32 * 1024, "peak resident memory: \(m.peakKiB) KiB, \(floor.peakKiB) KiB for a harmless file")
    }
}

/// The committed sample: what the first run shows a data officer.
struct SampleTests {
    static let input = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Input").path

    @Test func theSampleShowsWhatValidationDoes() throws {
        let j = try Pipeline.judge(input: Self.input, options: JudgeOptions())
        let counts = Dictionary(grouping: j.issues, by: \.code).mapValues(\.count)
        #expect(counts == [.FILE_NAME: 1, .SUPERSEDED: 1, .FORMAT: 6, .CODE: 2, .CONTINUITY: 3, .UNKNOWN_COLUMN: 5, .UASC_AGE: 13])
        let errors = j.issues.filter { $0.severity == .error }.sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary)
        #expect(
            errors == [
                "FORMAT 2012/02/detention_IDC-PKU_2012-02.csv:3 birth_date IDN-2009-000049",
                "FORMAT 2012/02/detention_IDC-PKU_2012-02.csv:12 birth_date IDN-2009-000212",
                "FORMAT 2012/02/detention_IDC-PKU_2012-02.csv:21 birth_date IDN-2011-000348",
                "FORMAT 2012/02/detention_IDC-PKU_2012-02.csv:30 birth_date IDN-2010-000443",
                "FORMAT 2012/02/detention_IDC-PKU_2012-02.csv:39 birth_date IDN-2010-000581",
                "FILE_NAME 2012/03/detention_IDC-MKS_2012-03 (1).csv",
                "CODE 2012/03/detention_IDC-SBY_2012-03.csv:4 sex IDN-2009-000030",
                "FORMAT 2012/03/detention_IDC-SBY_2012-03.csv:7 arrival_date IDN-2010-000074",
                "CODE 2012/03/detention_IDC-SBY_2012-03.csv:10 nationality IDN-2011-000104",
            ])
        let byOutcome = Dictionary(grouping: j.files, by: \.outcome).mapValues(\.count)
        #expect(byOutcome == [.accepted: 321, .rejected: 1, .superseded: 1])
        let xml = j.files.filter { $0.name?.format == .xml }
        #expect(xml.count > 50 && xml.allSatisfy { $0.outcome == .accepted })
        #expect(Set(j.files.compactMap { $0.name?.kind }) == [.detention, .shelter])
    }

    @Test func synthIsDeterministicAndMatchesTheCommittedSample() throws {
        let (files, truth) = SynthGeneratorAccess.generate()
        #expect(truth.migrantsSupported[Period("2012-03")!]! > 2150 && truth.migrantsSupported[Period("2012-03")!]! < 2300)
        #expect(truth.victimsCumulative > 4000 && truth.victimsCumulative < 4300)
        for file in files {
            let committed = try Data(contentsOf: URL(fileURLWithPath: Self.input + "/" + file.path))
            #expect(Array(committed) == file.bytes, "\(file.path) differs from `caseload synth --seed 2012`")
        }
        let committedCount = FileManager.default.enumerator(atPath: Self.input)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix(".") && $0.contains(".") }.count
        #expect(committedCount == files.count)
    }
}

import Synth
enum SynthGeneratorAccess {
    static func generate() -> ([SynthFile], SynthTruth) { SynthGenerator.generate(SynthOptions()) }
}
