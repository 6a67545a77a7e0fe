import CaseloadCore
import Foundation
import Testing
@testable import Caseload
import Ingest
#if canImport(Glibc)
    import Glibc
#endif

/// Every file rule of validation.md, through the whole judging of an input folder: the code, the
/// file, the line and the field.
struct FileRuleTests {
    let good = Rows.detentionFile([Rows.detention(1), Rows.detention(2)])

    @Test func fileNamesAndTheRegistry() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03 (1).csv", good)
        f.write("detention_IDC-XYZ_2012-03.csv", good)
        f.write("shelter_IDC-TPI_2012-03.csv", good)
        f.write("detention_SH-JKT_2012-03.csv", good)
        f.write("detention_IDC-OLD_2011-07.csv", good)
        f.write("detention_CH-MDN_2010-12.csv", good)
        f.write("detention_IDC-OLD_2011-06.csv", Rows.detentionFile([Rows.detention(1, arrival: "2011-01-05")]))
        f.write(".hidden/detention_IDC-TPI_2012-03.csv", "ignored")
        f.write(".detention_IDC-TPI_2012-02.csv", "ignored")
        let issues = try f.judge().issues.sorted(by: CaseloadCore.Issue.sortOrder)
        try #require(
            issues.map(\.summary) == [
                "FACILITY_PERIOD detention_CH-MDN_2010-12.csv",
                "FACILITY_PERIOD detention_IDC-OLD_2011-07.csv",
                "FILE_NAME detention_IDC-TPI_2012-03 (1).csv",
                "UNKNOWN_FACILITY detention_IDC-XYZ_2012-03.csv",
                "FACILITY_KIND detention_SH-JKT_2012-03.csv",
                "FACILITY_KIND shelter_IDC-TPI_2012-03.csv",
                "MISSING_SUBMISSION CH-MDN 2011-06", "MISSING_SUBMISSION IDC-JKT 2011-06", "MISSING_SUBMISSION IDC-TPI 2011-06",
            ])
        let byCode = Dictionary(grouping: issues, by: \.code)
        #expect(byCode[.FILE_NAME]!.allSatisfy { $0.facility == nil && $0.period == nil && $0.line == nil })
        #expect(byCode[.UNKNOWN_FACILITY]![0].facility == "IDC-XYZ" && byCode[.UNKNOWN_FACILITY]![0].period == "2012-03")
        #expect(byCode[.FACILITY_PERIOD]!.map(\.message) == ["2010-12 is outside the facility's opening (2011-01 to now)", "2011-07 is outside the facility's opening (2010-01 to 2011-06)"])
    }

    @Test func subfoldersDoNotMatterAndFilesAreReadRecursively() throws {
        let f = Fixture()
        f.write("2012/03/deep/er/detention_IDC-TPI_2012-03.csv", good)
        let j = try f.judge()
        #expect(j.files.map(\.path) == ["2012/03/deep/er/detention_IDC-TPI_2012-03.csv"])
        #expect(j.files[0].outcome == .accepted && j.files[0].acceptedRecords == 2)
        #expect(try f.issues().isEmpty)
    }

    @Test func contentRulesOfCSV() throws {
        let f = Fixture()
        f.write("a/detention_IDC-TPI_2012-01.csv", "")
        f.write("b/detention_IDC-TPI_2012-02.csv", Array((Rows.detentionHeader + "\n" + Rows.detention(1) + "\n").utf8) + [0xC0, 0x0A])
        f.write("c/detention_IDC-TPI_2012-03.csv", Rows.detentionHeader + "\n" + Rows.detention(1) + "\n\"open,\n")
        f.write("d/detention_IDC-JKT_2012-01.csv", "case_id,sex,Sex,status,remarks\nx,y,z,w,v\n")
        f.write("e/detention_IDC-JKT_2012-02.csv", Rows.detentionHeader + ",remarks\n")
        f.write("f/detention_IDC-JKT_2012-03.csv", Rows.detentionHeader + "\n" + Rows.detention(1) + "\n\n,,\n" + "IDN-2011-000002,M\n")
        let got = try f.issues()
        #expect(
            got == [
                "EMPTY_FILE a/detention_IDC-TPI_2012-01.csv",
                "ENCODING b/detention_IDC-TPI_2012-02.csv:3",
                "CSV_SYNTAX c/detention_IDC-TPI_2012-03.csv:3",
                "DUPLICATE_COLUMN d/detention_IDC-JKT_2012-01.csv:1 sex",
                "MISSING_COLUMN d/detention_IDC-JKT_2012-01.csv:1 arrival_date",
                "MISSING_COLUMN d/detention_IDC-JKT_2012-01.csv:1 birth_date",
                "MISSING_COLUMN d/detention_IDC-JKT_2012-01.csv:1 nationality",
                "UNKNOWN_COLUMN d/detention_IDC-JKT_2012-01.csv:1 remarks",
                "NO_RECORDS e/detention_IDC-JKT_2012-02.csv",
                "UNKNOWN_COLUMN e/detention_IDC-JKT_2012-02.csv:1 remarks",
                "TOO_MANY_REJECTS f/detention_IDC-JKT_2012-03.csv",
                "BLANK_ROW f/detention_IDC-JKT_2012-03.csv:4",
                "FIELD_COUNT f/detention_IDC-JKT_2012-03.csv:5",
            ])
    }

    @Test func contentRulesOfXML() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-01.xml", "")
        f.write("detention_IDC-TPI_2012-02.xml", "<!DOCTYPE x>\n<submission/>")
        f.write("detention_IDC-TPI_2012-03.xml", Rows.detentionXML([Rows.migrantXML(1)]) + "<extra/>")
        f.write("detention_IDC-JKT_2012-01.xml", Rows.detentionXML(facility: "IDC-JKT", period: "2012-01", ["<migrant><colour>red</colour></migrant>"]))
        f.write("detention_IDC-JKT_2012-02.xml", Rows.detentionXML(facility: "IDC-JKT", period: "2012-01", []))
        f.write("detention_IDC-JKT_2012-03.xml", Rows.detentionXML(facility: "IDC-JKT", [Rows.migrantXML(1, sex: "Q")]))
        let got = try f.issues()
        #expect(
            got == [
                "XML_SCHEMA detention_IDC-JKT_2012-01.xml:3",
                "ENVELOPE_MISMATCH detention_IDC-JKT_2012-02.xml",
                "TOO_MANY_REJECTS detention_IDC-JKT_2012-03.xml",
                "CODE detention_IDC-JKT_2012-03.xml:3 sex IDN-2011-000001",
                "EMPTY_FILE detention_IDC-TPI_2012-01.xml",
                "XML_DOCTYPE detention_IDC-TPI_2012-02.xml:1",
                "XML_MALFORMED detention_IDC-TPI_2012-03.xml:5",
            ])
    }

    @Test func tooManyRejectsIsStrictlyMoreThanTheRate() throws {
        let f = Fixture()
        let fiveWithOneBad = (1...4).map { Rows.detention($0) } + [Rows.detention(5, sex: "Q")]
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile(fiveWithOneBad))  // 20 %: kept
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile(fiveWithOneBad + ["", Rows.detention(9, sex: "?")]))  // 2 of 6
        let j = try f.judge()
        #expect(
            j.issues.filter { $0.code != .MISSING_SUBMISSION }.sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary) == [
                "TOO_MANY_REJECTS detention_IDC-JKT_2012-03.csv",
                "CODE detention_IDC-JKT_2012-03.csv:6 sex IDN-2011-000005",
                "CODE detention_IDC-JKT_2012-03.csv:8 sex IDN-2011-000009",
                "CODE detention_IDC-TPI_2012-03.csv:6 sex IDN-2011-000005",
            ])
        let tpi = j.files.first { $0.path.contains("TPI") }!
        #expect(tpi.outcome == .accepted && tpi.acceptedRecords == 4 && tpi.rejectedRecords == 1 && tpi.records.count == 4)
        let jkt = j.files.first { $0.path.contains("JKT") }!
        #expect(jkt.outcome == .rejected && jkt.records.isEmpty)
        #expect(j.issues.first { $0.code == .TOO_MANY_REJECTS }!.message == "2 of 6 records were rejected, more than 20 %: none of the file counts")
        // With a higher threshold the same file counts.
        #expect(try f.judge(maxRejectRate: 0.5).files.allSatisfy { $0.outcome == .accepted })
    }

    @Test func aFileRejectedWholeGetsNoRecordIssues() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1, sex: "Q"), Rows.detention(1)]) + "\"never closed\n")
        #expect(try f.issues() == ["CSV_SYNTAX detention_IDC-TPI_2012-03.csv:4"])
    }

    @Test func revisionsDuplicatesAndAmbiguity() throws {
        let f = Fixture()
        let v1 = Rows.detentionFile([Rows.detention(1)])
        let v2 = Rows.detentionFile([Rows.detention(1), Rows.detention(2)])
        f.write("a/detention_IDC-TPI_2012-03.csv", v1)
        f.write("b/detention_IDC-TPI_2012-03_r2.csv", v2)
        f.write("c/detention_IDC-TPI_2012-03_r2.csv", v2)  // same bytes: duplicate of b
        f.write("detention_IDC-TPI_2012-03_r3.csv", "broken\n\"")  // highest, rejected: r2 is used
        // Same revision, other bytes: both rejected, r1 used.
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile([Rows.detention(5)]))
        f.write("detention_IDC-JKT_2012-03_r2.csv", Rows.detentionFile([Rows.detention(6)]))
        f.write("detention_IDC-JKT_2012-03_r2.xml", Rows.detentionXML(facility: "IDC-JKT", revision: "2", [Rows.migrantXML(6)]))
        // Two months of identical lists are two submissions, not duplicates.
        f.write("detention_CH-MDN_2012-02.csv", v1)
        f.write("detention_CH-MDN_2012-03.csv", v1)
        let j = try f.judge()
        #expect(
            j.issues.filter { $0.code != .MISSING_SUBMISSION }.sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary)
                == [
                    "SUPERSEDED a/detention_IDC-TPI_2012-03.csv",
                    "DUPLICATE_FILE c/detention_IDC-TPI_2012-03_r2.csv",
                    "SUPERSEDED detention_IDC-JKT_2012-03.csv",
                    "AMBIGUOUS_REVISION detention_IDC-JKT_2012-03_r2.csv",
                    "AMBIGUOUS_REVISION detention_IDC-JKT_2012-03_r2.xml",
                    "CSV_SYNTAX detention_IDC-TPI_2012-03_r3.csv:2",
                ].filter { !$0.hasPrefix("SUPERSEDED detention_IDC-JKT") })
        let outcome = Dictionary(uniqueKeysWithValues: j.files.map { ($0.path, $0.outcome) })
        #expect(
            outcome == [
                "a/detention_IDC-TPI_2012-03.csv": .superseded, "b/detention_IDC-TPI_2012-03_r2.csv": .accepted,
                "c/detention_IDC-TPI_2012-03_r2.csv": .duplicate, "detention_IDC-TPI_2012-03_r3.csv": .rejected,
                "detention_IDC-JKT_2012-03.csv": .accepted, "detention_IDC-JKT_2012-03_r2.csv": .rejected,
                "detention_IDC-JKT_2012-03_r2.xml": .rejected, "detention_CH-MDN_2012-02.csv": .accepted,
                "detention_CH-MDN_2012-03.csv": .accepted,
            ])
        #expect(j.issues.first { $0.code == .DUPLICATE_FILE }!.message == "the same bytes as b/detention_IDC-TPI_2012-03_r2.csv, which counts instead")
        #expect(j.issues.first { $0.code == .SUPERSEDED }!.message == "revision 2 (b/detention_IDC-TPI_2012-03_r2.csv) is used instead")
    }

    @Test func duplicatesAreNotReadFurther() throws {
        let f = Fixture()
        let bad = Rows.detentionFile([Rows.detention(1, sex: "Q"), Rows.detention(2), Rows.detention(3), Rows.detention(4), Rows.detention(5)])
        f.write("1/detention_IDC-TPI_2012-03.csv", bad)
        f.write("2/detention_IDC-TPI_2012-03.csv", bad)
        #expect(try f.issues() == ["CODE 1/detention_IDC-TPI_2012-03.csv:2 sex IDN-2011-000001", "DUPLICATE_FILE 2/detention_IDC-TPI_2012-03.csv"])
    }

    @Test func noRecords() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionHeader + "\r\n")
        f.write("detention_IDC-JKT_2012-03.xml", Rows.detentionXML(facility: "IDC-JKT", []))
        #expect(try f.issues() == ["NO_RECORDS detention_IDC-JKT_2012-03.xml", "NO_RECORDS detention_IDC-TPI_2012-03.csv"])
    }
}

/// The rules across files.
struct AcrossFileRuleTests {
    @Test func conflictsAcrossFilesAndKinds() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1), Rows.detention(2, birth: "1989"), Rows.detention(3)]))
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile([Rows.detention(3), Rows.detention(2, birth: "1989-07-01"), Rows.detention(1, sex: "F", nationality: "IRN")]))
        f.write("shelter_SH-JKT_2012-03.csv", Rows.shelterFile([Rows.shelter(3, sex: "M", birth: "1989", nationality: "AFG"), Rows.shelter(4)]))
        // Another period: no conflict with 2012-03.
        f.write("detention_IDC-TPI_2012-02.csv", Rows.detentionFile([Rows.detention(1, sex: "X")]))
        let issues = try f.judge().issues.filter { $0.code == .CONFLICT }.sorted(by: CaseloadCore.Issue.sortOrder)
        try #require(
            issues.map(\.summary) == [
                "CONFLICT detention_IDC-TPI_2012-03.csv:2 sex IDN-2011-000001",
                "CONFLICT detention_IDC-TPI_2012-03.csv:3 birth_date IDN-2011-000002",
            ])
        #expect(issues[0].message == "'M' here but 'F' in detention_IDC-JKT_2012-03.csv:4 for the same case in 2012-03")
        #expect(issues[0].facility == "IDC-TPI" && issues[0].period == "2012-03")
        #expect(issues[1].message == "'1989' here but '1989-07-01' in detention_IDC-JKT_2012-03.csv:3 for the same case in 2012-03")
    }

    @Test func continuityAndMissingSubmissions() throws {
        let f = Fixture()
        f.write(
            "detention_IDC-TPI_2012-02.csv",
            Rows.detentionFile([
                Rows.detention(1), Rows.detention(2), Rows.detention(3, status: "RESETTLED", statusDate: "2012-02-10"), Rows.detention(4),
            ]))
        f.write("detention_IDC-JKT_2012-02.csv", Rows.detentionFile([Rows.detention(5)]))
        // 1 stays; 2 vanished; 3 had left; 4 moved to IDC-JKT; 5's facility sent nothing for 2012-03.
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        f.write("detention_CH-MDN_2012-03.csv", Rows.detentionFile([Rows.detention(4, arrival: "2012-03-02")]))
        let issues = try f.judge().issues.sorted(by: CaseloadCore.Issue.sortOrder)
        try #require(
            issues.map(\.summary) == [
                "CONTINUITY detention_IDC-TPI_2012-03.csv IDN-2011-000002",
                "MISSING_SUBMISSION CH-MDN 2012-02",
                "MISSING_SUBMISSION IDC-JKT 2012-03",
            ])
        #expect(issues[0].message == "in care at the end of 2012-02 (PENDING_RSD) but in no accepted detention list of 2012-03")
        #expect(issues[0].facility == "IDC-TPI" && issues[0].period == "2012-03" && issues[0].line == nil)
        #expect(issues[2].message == "no detention submission of IDC-JKT for 2012-03 was accepted")
    }

    @Test func missingSubmissionsPerKind() throws {
        let f = Fixture()
        f.write("shelter_SH-JKT_2012-01.csv", Rows.shelterFile([Rows.shelter(1, admission: "2012-01-05")]))
        f.write("shelter_SH-JKT_2012-03.csv", Rows.shelterFile([Rows.shelter(1, admission: "2012-01-05")]))
        f.write("shelter_SH-JKT_2012-02.csv", "rejected\n\"")
        let issues = try f.judge().issues.filter { $0.code == .MISSING_SUBMISSION }
        try #require(issues.map(\.summary) == ["MISSING_SUBMISSION SH-JKT 2012-02"])
        #expect(issues[0].file == nil && issues[0].line == nil)
    }
}

/// A file is read in chunks, checked and hashed as it comes; judged from its bytes in memory it
/// must give the same findings, outcome, counts and records, whatever it holds.
struct StreamedJudgingTests {
    @Test func aFileReadInChunksIsJudgedAsItsBytesInMemory() throws {
        let registry = try RegistryReader.load(inputFolder: SampleTests.input)
        var seeds: [(String, [UInt8])] = []
        for (path, bytes) in filesUnder(SampleTests.input).sorted(by: { $0.key < $1.key }) where path != "facilities.csv" {
            guard let base = path.split(separator: "/").last, FileName(String(base)) != nil else { continue }
            seeds.append((String(base), bytes))
        }
        #expect(seeds.count > 300)
        let folder = makeTemporaryFolder("caseload-streamed")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var n: UInt64 = 0x2545_F491_4F6C_DD1D
        func next(_ bound: Int) -> Int { n ^= n << 13; n ^= n >> 7; n ^= n << 17; return Int(n % UInt64(bound)) }
        var judged = 0
        for (k, (name, original)) in seeds.enumerated() where k % 3 == 0 {
            for variant in 0..<4 {
                var bytes = original
                // The file as it is, cut short, with a byte changed, with a quote or a NUL put in.
                switch variant {
                case 1: bytes = Array(bytes.prefix(next(bytes.count + 1)))
                case 2: if !bytes.isEmpty { bytes[next(bytes.count)] = UInt8(next(256)) }
                case 3: bytes.insert([0x22, 0x00, 0x3C, 0x0D][next(4)], at: next(bytes.count + 1))
                default: break
                }
                let path = folder + "/" + name
                _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
                let streamed = FileJudge.judge(entry: InputEntry(path: path), readPath: path, registry: registry, options: JudgeOptions())
                var inMemory = JudgedFile(path: streamed.path, pathBytes: streamed.pathBytes, name: FileName(name))
                bytes.withUnsafeBufferPointer { FileJudge.judgeContent($0, into: &inMemory, options: JudgeOptions()) }
                #expect(streamed.findings == inMemory.findings, "\(name) variant \(variant)")
                #expect(
                    streamed.outcome == inMemory.outcome && streamed.acceptedRecords == inMemory.acceptedRecords
                        && streamed.rejectedRecords == inMemory.rejectedRecords, "\(name) variant \(variant)")
                #expect(streamed.records.all.map { "\($0.record.caseID) \($0.line)" } == inMemory.records.all.map { "\($0.record.caseID) \($0.line)" })
                #expect(streamed.sha256 == Digest.sha256(bytes) && streamed.size == bytes.count)
                judged += 1
            }
        }
        #expect(judged > 400)
    }
}
