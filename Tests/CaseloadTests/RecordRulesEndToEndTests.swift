import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// Every record rule once more, through the whole run: code, file, line and field in issues.csv.
struct RecordRulesEndToEndTests {
    @Test func everyRecordRuleInOneFile() throws {
        let f = Fixture()
        let rows =
            [
                Rows.detention(1),  // 2: good
                Rows.detention(2, sex: ""),  // 3: REQUIRED sex
                "idn-2011-000003" + Rows.detention(3).dropFirst(15),  // 4: FORMAT case_id
                Rows.detention(4, nationality: "ZZZ"),  // 5: CODE nationality
                Rows.detention(1),  // 6: DUPLICATE_ID
                Rows.detention(6, arrival: "2012-04-01"),  // 7: FUTURE_DATE
                Rows.detention(7, birth: "2011-12-24", arrival: "2011-12-01"),  // 8: DATE_ORDER
                Rows.detention(8, status: "RETURNED", statusDate: "2012-01-31"),  // 9: OUT_OF_PERIOD
                Rows.detention(9, birth: "1899"),  // 10: AGE_RANGE
                Rows.detention(10, birth: "1990").replacingOccurrences(of: ",N,,FOOD", with: ",Y,,FOOD"),  // 11: UASC_AGE
                ",,,  ,,,,,,,,,,",  // 12: BLANK_ROW
                "IDN-2011-000011,M",  // 13: FIELD_COUNT
            ] + (20...60).map { Rows.detention($0) }
        f.write("2012/03/detention_IDC-TPI_2012-03.csv", Rows.detentionFile(rows))
        var o = RunOptions()
        o.input = f.input
        o.output = f.output
        #expect(Pipeline.run(o).exitCode == 1)
        let csv = try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init).filter { !$0.contains("MISSING_SUBMISSION") }
        let file = "2012/03/detention_IDC-TPI_2012-03.csv"
        func row(_ severity: String, _ code: String, _ line: Int, _ caseID: String, _ field: String) -> String {
            "\(severity),\(code),\(file),\(line),IDC-TPI,2012-03,\(caseID),\(field),"
        }
        let expected = [
            row("error", "REQUIRED", 3, "IDN-2011-000002", "sex"),
            row("error", "FORMAT", 4, "idn-2011-000003", "case_id"),
            row("error", "CODE", 5, "IDN-2011-000004", "nationality"),
            row("error", "DUPLICATE_ID", 6, "IDN-2011-000001", "case_id"),
            row("error", "FUTURE_DATE", 7, "IDN-2011-000006", "arrival_date"),
            row("error", "DATE_ORDER", 8, "IDN-2011-000007", "arrival_date"),
            row("error", "OUT_OF_PERIOD", 9, "IDN-2011-000008", "status_date"),
            row("error", "AGE_RANGE", 10, "IDN-2011-000009", "birth_date"),
            row("warning", "UASC_AGE", 11, "IDN-2011-000010", "unaccompanied_minor"),
            "warning,BLANK_ROW,\(file),12,IDC-TPI,2012-03,,,",
            "error,FIELD_COUNT,\(file),13,IDC-TPI,2012-03,,,",
        ]
        #expect(lines.count == expected.count + 1)
        #expect(lines[0] == "severity,code,file,line,facility,period,case_id,field,message")
        for (got, want) in zip(lines.dropFirst(), expected) { #expect(got.hasPrefix(want), "\(got)") }
    }

    @Test func nothingFromOutsideTheInputReachesTheOutput() throws {
        let f = Fixture()
        let secret = HostileInputTests.secret(f)
        f.write("detention_IDC-TPI_2012-03.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE s [<!ENTITY x SYSTEM \"file://\(secret)\">]>\n<submission xmlns=\"urn:iom-idn:caseload:submission:1\" kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\"><migrant><caseId>&x;</caseId></migrant></submission>")
        f.write("detention_IDC-JKT_2012-03.xml", "<?xml version=\"1.0\"?>\n<submission xmlns=\"urn:iom-idn:caseload:submission:1\" xmlns:xi=\"http://www.w3.org/2001/XInclude\" kind=\"detention\" facility=\"IDC-JKT\" period=\"2012-03\"><migrant><caseId><xi:include href=\"file://\(secret)\" parse=\"text\"/></caseId></migrant></submission>")
        symlink(secret, f.input + "/detention_CH-MDN_2012-03.csv")
        var result: Binary.Result?
        let opened = openedWhile(secret) {
            result = try? Binary.run(["run", "--input", f.input, "--output", f.output])
        }
        #expect(result?.status == 1)
        #expect(!opened)
        #expect(!(result?.stderr.contains("TOP-SECRET") ?? true))
        let csv = try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8)
        #expect(!csv.contains("TOP-SECRET"))
        #expect(csv.contains("XML_DOCTYPE") && csv.contains("XML_SCHEMA") && csv.contains("UNREADABLE"))
    }

    @Test func aPathLongerThanTheSystemAllowsIsNeverSkipped() throws {
        let f = Fixture()
        let part = String(repeating: "d", count: 250)
        var fd = open(f.input, O_RDONLY | O_DIRECTORY)
        for _ in 0..<18 {  // 18 × 251 bytes: past PATH_MAX (4096)
            #expect(mkdirat(fd, part, 0o755) == 0)
            let next = openat(fd, part, O_RDONLY | O_DIRECTORY)
            close(fd)
            fd = next
        }
        let file = openat(fd, "detention_IDC-TPI_2012-03.csv", O_CREAT | O_WRONLY, 0o644)
        close(file)
        close(fd)
        // Opened a folder at a time (the path is never given whole): judged as the empty file it is.
        let issues = try f.judge().issues
        #expect(issues.count == 1)
        let i = try #require(issues.first)
        #expect(i.code == .EMPTY_FILE)
        #expect(i.file?.hasPrefix("…") == true && i.file?.unicodeScalars.count == 200)
    }
}
