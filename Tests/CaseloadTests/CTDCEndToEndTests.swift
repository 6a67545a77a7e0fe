import CaseloadCore
import Emit
import Foundation
import Testing
import TestSupport

/// `ctdc/victims.csv` and `ctdc/report.json` from real runs (docs/ctdc.md).
@Suite(.serialized)
struct CTDCEndToEndTests {
    /// A shelter row with its `consent_to_share` (the last column) set.
    static func shelter(_ n: Int, consent: String, admission: String) -> String {
        let row = Rows.shelter(n, admission: admission)
        return String(row[..<row.lastIndex(of: ",")!]) + "," + consent
    }

    static func report(_ output: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + "/ctdc/report.json"))) as? [String: Any])
    }

    /// Consent true, false, missing, given later, withdrawn later: only the latest record counts.
    @Test func theLatestRecordsConsentCounts() throws {
        let f = Fixture()
        f.write(
            "shelter_SH-JKT_2012-02.csv",
            Rows.shelterFile([
                Self.shelter(1, consent: "Y", admission: "2012-02-01"),  // consents, no later record
                Self.shelter(2, consent: "Y", admission: "2012-02-01"),  // withdraws in March
                Self.shelter(3, consent: "", admission: "2012-02-01"),  // missing: no consent
                Self.shelter(4, consent: "N", admission: "2012-02-01"),  // consents in March
                Self.shelter(6, consent: "N", admission: "2012-02-01"),  // refuses
            ]))
        f.write(
            "shelter_SH-JKT_2012-03.csv",
            Rows.shelterFile([
                Self.shelter(2, consent: "N", admission: "2012-02-01"), Self.shelter(4, consent: "YES", admission: "2012-02-01"),
                Self.shelter(5, consent: "TRUE", admission: "2012-03-01"),
            ]))
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet", "--ctdc-k", "2"])
        #expect(r.status <= 1, "\(r.stderr)")
        let report = try Self.report(f.output)
        #expect(report["cases_assisted"] as? Int == 6 && report["cases_consented"] as? Int == 3 && report["rows_written"] as? Int == 3)
        #expect(report["k"] as? Int == 2 && report["smallest_class"] as? Int == 3 && report["rows_dropped"] as? Int == 0)
        let lines = String(decoding: readAll(f.output + "/ctdc/victims.csv")!, as: UTF8.self).split(separator: "\n").map(String.init)
        let row = "2012,Case Management,Female,21--23,Adult,ID,MY,1,0,0,0,0,Forced labour,0,0,0,1,0,0,0,Domestic work"
        #expect(lines == [CTDC.header.joined(separator: ",")] + Array(repeating: row, count: 3))
        // The manifest lists both files.
        let manifest = String(decoding: readAll(f.output + "/manifest.json")!, as: UTF8.self)
        #expect(manifest.contains("\"path\": \"ctdc/victims.csv\"") && manifest.contains("\"path\": \"ctdc/report.json\""))
    }

    @Test func aBadKIsAUsageError() throws {
        let f = Fixture()
        for k in ["1", "0", "1001"] {
            let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--ctdc-k", k])
            #expect(r.status == 2 && r.stderr.contains("--ctdc-k must be between 2 and 1000"), "\(k)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.output))
    }

    /// The committed sample at CTDC's k = 11: every class at least 11, checked on the file itself;
    /// the figures of report.json are the file's; the summary and the report say them.
    @Test func theSampleIsElevenAnonymous() throws {
        let out = makeTemporaryFolder("caseload-ctdc") + "/Output"
        defer { try? FileManager.default.removeItem(atPath: (out as NSString).deletingLastPathComponent) }
        let r = try Binary.run(["run", "--input", SampleTests.input, "--output", out])
        #expect(r.status == 1)
        let rows = parseCSV(String(decoding: readAll(out + "/ctdc/victims.csv")!, as: UTF8.self))
        #expect(rows.first == CTDC.header)
        let columns = CTDC.quasiIdentifiers.map { CTDC.header.firstIndex(of: $0)! }
        var classes: [[String]: Int] = [:]
        for row in rows.dropFirst() { classes[columns.map { row[$0] }, default: 0] += 1 }
        #expect(classes.values.min()! >= 11)
        let report = try Self.report(out)
        #expect(report["rows_written"] as? Int == rows.count - 1 && report["smallest_class"] as? Int == classes.values.min())
        #expect(report["cases_assisted"] as? Int == 4124)
        let written = report["rows_written"] as! Int, consented = report["cases_consented"] as! Int
        #expect(r.stderr.contains("ctdc: \(written) rows written of \(consented) consenting cases (4124 assisted)"))
        let html = String(decoding: readAll(out + "/2012-03/report.html")!, as: UTF8.self)
        #expect(html.contains("<strong data-ctdc=\"written\">\(grouped(written))</strong>"))
    }
}
