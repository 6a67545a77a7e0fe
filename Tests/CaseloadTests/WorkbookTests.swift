import CaseloadCore
import Foundation
import Testing
import CCaseload
import TestSupport
@testable import Caseload
@testable import Emit
#if canImport(Glibc)
    import Glibc
#endif

/// `report.xlsx` read back by openpyxl, `unhcr/datapackage.json` checked by frictionless, the
/// country names of the reports (docs/workbook.md, docs/datapackage.md).
@Suite(.serialized)
struct WorkbookTests {
    /// One run of the committed sample, shared by the tests of this suite.
    static let sample: String = {
        let out = makeTemporaryFolder("caseload-workbook") + "/Output"
        let r = try! Binary.run(["run", "--input", SampleTests.input, "--output", out, "--quiet"])
        precondition(r.status == 1, r.stderr)
        return out
    }()

    static func json(_ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    /// report.json's cells in its order: population, indicator, dimension, category, value.
    static func reportCells(_ report: [String: Any]) -> [[String]] {
        var out: [[String]] = []
        for p in ["migrants", "victims"] {
            for ind in report[p] as? [[String: Any]] ?? [] {
                for d in ind["dimensions"] as! [[String: Any]] {
                    for c in d["categories"] as! [[String: Any]] {
                        out.append([p, ind["indicator"] as! String, d["dimension"] as! String, c["category"] as! String, "\(c["value"] as! Int)"])
                    }
                }
            }
        }
        return out
    }

    typealias Grid = [[[Any?]]]

    static func rows(_ book: [String: Any], _ sheet: String) -> Grid { (book["cells"] as! [String: Any])[sheet] as! Grid }

    /// A cell as text, and its type (`n`, `s`, `d`, `e`).
    static func cell(_ c: [Any?]) -> (String, String) {
        let type = c[1] as! String
        switch c[0] {
        case let n as NSNumber: return (n.doubleValue == n.doubleValue.rounded() ? String(Int(n.doubleValue)) : "\(n)", type)
        case let s as String: return (s, type)
        default: return ("", type)
        }
    }

    @Test func theWorkbookHoldsTheReportsFiguresIssuesAndFiles() throws {
        let period = Self.sample + "/2012-03"
        let book = try workbookRead(period + "/report.xlsx")
        #expect(book["sheets"] as? [String] == ["Contents", "Summary", "Figures", "Migrants", "Victims", "Trend", "Issues", "Files"])

        // Figures: every cell of report.json, in its order, values numeric; an Excel table with its autofilter, the header frozen.
        let report = try Self.json(period + "/report.json")
        let expected = Self.reportCells(report)
        let figures = Self.rows(book, "Figures")
        #expect(figures.first?.map { Self.cell($0).0 } == ["population", "indicator", "dimension", "category", "value"])
        #expect(figures.dropFirst().map { $0.map { Self.cell($0).0 } } == expected)
        #expect(figures.dropFirst().allSatisfy { Self.cell($0[4]).1 == "n" && Self.cell($0[0]).1 == "s" })
        #expect(expected.count == 374)
        let tables = book["tables"] as! [String: [[Any?]]]
        #expect(tables["Figures"]!.map { $0.compactMap { $0 as? String } } == [["FiguresTable", "A1:E375", "A1:E375"]])
        let freeze = book["freeze"] as! [String: Any]
        #expect(freeze["Figures"] as? String == "A2")
        #expect(freeze["Issues"] as? String == "A2")

        // Issues: issues.csv's rows of the period and of no period, row for row; line numbers
        // numeric, periods dates.
        let all = parseCSV(String(decoding: readAll(Self.sample + "/issues.csv")!, as: UTF8.self))
        let csv = [all[0]] + all.dropFirst().filter { $0[5] == "" || $0[5] == "2012-03" }
        #expect(all.count == 32 && csv.count == 11)
        let issues = Self.rows(book, "Issues")
        #expect(issues.count == csv.count)
        for (n, (got, want)) in zip(issues, csv).enumerated() {
            let cells = got.map(Self.cell)
            #expect(cells.count == want.count)
            for (i, (g, w)) in zip(cells, want).enumerated() {
                if n == 0 { #expect(g.0 == w); continue }
                switch (i, w.isEmpty) {
                case (_, true): #expect(g.1 == "e", "\(want)")
                case (3, false): #expect(g == (w, "n"), "\(want)")
                case (5, false): #expect(g == (w + "-01", "d"), "\(want)")
                default: #expect(g == (w, "s"), "\(want)")
                }
            }
        }
        #expect(tables["Issues"]!.map { $0.compactMap { $0 as? String } } == [["IssuesTable", "A1:I11", "A1:I11"]])

        // Files: the manifest's inputs, with outcome and counts.
        let manifest = try Self.json(Self.sample + "/manifest.json")
        let inputs = (manifest["inputs"] as! [[String: Any]]).filter { ($0["period"] as? String ?? "2012-03") == "2012-03" }
        let files = Self.rows(book, "Files").dropFirst().map { $0.map(Self.cell) }
        #expect(files.count == inputs.count && files.count == 27)
        for (got, want) in zip(files, inputs) {
            let records = want["records"] as! [String: Int]
            #expect(got[0] == (want["path"] as! String, "s"))
            #expect(got[6] == (want["outcome"] as! String, "s"))
            #expect(got[7] == ("\(records["accepted"]!)", "n") && got[8] == ("\(records["rejected"]!)", "n"))
            if let p = want["period"] as? String { #expect(got[3] == (p + "-01", "d")) } else { #expect(got[3].1 == "e") }
        }
        // The manifest lists the workbook and the data package.
        let outputs = (manifest["outputs"] as! [[String: Any]]).map { $0["path"] as! String }
        #expect(outputs.contains("2012-03/report.xlsx") && outputs.contains("2012-03/unhcr/datapackage.json"))

        // Summary: the period as a date, the headline figures equal to report.json's.
        let summary = Self.rows(book, "Summary").map { $0.map(Self.cell) }
        #expect(summary.contains { $0.count >= 2 && $0[0] == ("Period", "s") && $0[1] == ("2012-03-01", "d") })
        let total = expected.first { $0[0] == "migrants" && $0[1] == "supported" && $0[2] == "total" }![4]
        #expect(summary.contains { $0.count >= 2 && $0[0].0 == "Migrants supported" && $0[1] == (total, "n") })
        #expect(summary.contains { $0[0].0.hasPrefix("2,247 migrants were supported in March 2012: 1,882 in immigration detention centres") })

        // Migrants: nationality with names; the trend with one row per period so far and a line chart.
        let migrants = Self.rows(book, "Migrants").map { $0.map(Self.cell).map(\.0) }
        let afg = expected.first { $0[0] == "migrants" && $0[1] == "supported" && $0[2] == "nationality" && $0[3] == "AFG" }![4]
        #expect(migrants.contains { Array($0.prefix(3)) == ["Afghanistan", "AFG", afg] })
        #expect(migrants.contains { Array($0.prefix(2)) == ["Stateless", "XXA"] })
        let trend = Self.rows(book, "Trend").dropFirst().map { $0.map(Self.cell) }
        let periods = (manifest["options"] as! [String: Any])["periods"] as! [String]
        #expect(trend.map { "\($0[0].0) \($0[0].1)" } == periods.filter { $0 <= "2012-03" }.map { $0 + "-01 d" })
        #expect(book["charts"] as? [String] == ["lineChart"])
        #expect(book["formulas"] as? Int == 0)
    }

    @Test func theReportsShowCountryNames() throws {
        let html = String(decoding: readAll(Self.sample + "/2012-03/report.html")!, as: UTF8.self)
        #expect(html.contains("<th scope=\"row\">Afghanistan (AFG)</th>"))
        #expect(html.contains("<th scope=\"row\">Stateless (XXA)</th>"))
        #expect(Country.label("XXB") == "Refugee (1951 Convention) (XXB)" && Country.label("XXX") == "Unknown (XXX)")
        #expect(Country.label("IRN") == "Iran (IRN)")
    }

    /// libxlsxwriter makes each part of the package with CCaseload's lxw_tmpfile (in memory) and
    /// formats the document's date with CCaseload's gmtime (per thread), not its own and glibc's:
    /// the workbooks are packaged side by side only because it does. Other tests may write
    /// workbooks meanwhile, so the counts grow by at least this workbook's.
    @Test func theLibraryUsesOurPartsAndClock() throws {
        let parts = caseload_xlsx_parts_made(), dates = caseload_gmtime_calls()
        var sheet = ReportWorkbook.Grid(name: "One")
        let day = try #require(Day(year: 2012, month: 3, day: 31))
        sheet.add([.text("a"), .int(1), .day(day)])
        let bytes = try ReportWorkbook.Writer.write([sheet], title: "t", created: day)
        // The zip's entries, from its end-of-central-directory record (the last 22 bytes here).
        let end = Array(bytes.suffix(22))
        #expect(end.prefix(4) == [0x50, 0x4B, 0x05, 0x06])
        let entries = Int(end[10]) | Int(end[11]) << 8
        #expect(entries >= 9, "\(entries)")
        #expect(caseload_xlsx_parts_made() - parts >= UInt(entries))
        #expect(caseload_gmtime_calls() - dates >= 1)
    }

    @Test func twoRunsGiveTheSameWorkbook() throws {
        let other = makeTemporaryFolder("caseload-workbook2") + "/Output"
        defer { try? FileManager.default.removeItem(atPath: (other as NSString).deletingLastPathComponent) }
        var env = ProcessInfo.processInfo.environment
        env["TZ"] = "Pacific/Kiritimati"
        let r = try Binary.run(["run", "--input", SampleTests.input, "--output", other, "--quiet", "--threads", "1"], environment: env)
        #expect(r.status == 1)
        // Every period's (27: written two at a time, the one that caught libxlsxwriter's shared gmtime buffer).
        let periods = try FileManager.default.contentsOfDirectory(atPath: Self.sample).filter { $0.first?.isNumber == true }
        #expect(periods.count == 27)
        for p in periods {
            let a = readAll(Self.sample + "/\(p)/report.xlsx")!, b = readAll(other + "/\(p)/report.xlsx")!
            #expect(a.count > 10_000 && a == b, "\(p)")
        }
    }

    /// A payload a spreadsheet would run, from an input file's name, arrives as text (with the
    /// leading `'` of issues.csv) and no cell of the package is a formula.
    @Test func aFormulaFromAnInputArrivesAsText() throws {
        let f = Fixture()
        let payload = "=HYPERLINK(\"x.test\",\"y\")"
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...3).map { Rows.detention($0) }))
        f.write(payload + ".csv", "x\n")
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"])
        #expect(r.status == 1, "\(r.stderr)")
        let book = try workbookRead(f.output + "/2012-03/report.xlsx")
        let issues = Self.rows(book, "Issues").map { $0.map(Self.cell) }
        #expect(issues.contains { $0[1].0 == "FILE_NAME" && $0[2] == ("'" + payload + ".csv", "s") })
        let files = Self.rows(book, "Files").map { $0.map(Self.cell) }
        #expect(files.contains { $0[0] == ("'" + payload + ".csv", "s") })
        #expect(book["formulas"] as? Int == 0)
    }

    /// Excel's row limit: a longer list of issues ends with a row that says how many are left out.
    @Test func issuesBeyondTheRowLimitAreCounted() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...9).map { Rows.detention($0) } + [Rows.detention(10, nationality: "QQQ")]))
        var o = RunOptions()
        o.input = f.input
        let e = try Pipeline.evaluate(o)
        let n = e.run.issues.count
        #expect(n >= 2 && e.figures.count == 1)
        let bytes = try ReportWorkbook.render(
            e.figures[0], context: ReportWorkbook.Context(history: e.figures, period: e.figures[0].period, issues: e.run.issues, inputs: [], facilityNames: [:], k: 5), rowLimit: n)
        let file = f.root + "/small.xlsx"
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        let issues = Self.rows(try workbookRead(file), "Issues").map { $0.map(Self.cell).map(\.0) }
        // The header, n - 2 issues and the row that counts the two left out: n rows.
        #expect(issues.count == n)
        #expect(issues.last?.last == "… and 2 more issues: see issues.csv")
        #expect(issues.dropFirst().dropLast().map { $0[1] } == e.run.issues.sorted(by: CaseloadCore.Issue.sortOrder).prefix(n - 2).map(\.code.rawValue))
    }

    // MARK: the data package

    @Test func everyPeriodsDataPackageIsValid() throws {
        let hxl = makeTemporaryFolder("caseload-hxl") + "/Output"
        defer { try? FileManager.default.removeItem(atPath: (hxl as NSString).deletingLastPathComponent) }
        let r = try Binary.run(["run", "--input", SampleTests.input, "--output", hxl, "--quiet", "--hxl"])
        #expect(r.status == 1)
        let periods = (try Self.json(Self.sample + "/manifest.json")["options"] as! [String: Any])["periods"] as! [String]
        #expect(periods.count == 27)
        let packages = periods.flatMap { p in [Self.sample, hxl].map { "\($0)/\(p)/unhcr/datapackage.json" } }
        let errors = try frictionlessErrors(packages)
        #expect(errors.count == packages.count)
        for p in packages { #expect(errors[p] == [], "\(p)") }
        // With --hxl the hashtag row is declared; without, it is not.
        let declared = String(decoding: readAll(hxl + "/2012-03/unhcr/datapackage.json")!, as: UTF8.self)
        #expect(declared.contains("\"commentRows\": [2]") && declared.contains("\"hxl\": \"#date+period\""))
        let plain = String(decoding: readAll(Self.sample + "/2012-03/unhcr/datapackage.json")!, as: UTF8.self)
        #expect(!plain.contains("commentRows") && !plain.contains("#date+period"))
    }

    @Test(arguments: [
        ("caseload.csv", "sex Q", "constraint-error 3 sex"),
        ("aggregates.csv", "a value that is not a number", "type-error 2 value"),
        ("caseload.csv", "an empty required cell", "constraint-error 4 unhcr_id"),
        ("aggregates.csv", "a duplicate primary key", "primary-key 3 None"),
    ])
    func aCorruptedCopyFails(_ file: String, _ what: String, _ error: String) throws {
        let copy = makeTemporaryFolder("caseload-dp")
        defer { try? FileManager.default.removeItem(atPath: copy) }
        for name in ["datapackage.json", "aggregates.csv", "caseload.csv"] {
            try FileManager.default.copyItem(atPath: Self.sample + "/2012-03/unhcr/" + name, toPath: copy + "/" + name)
        }
        var lines = String(decoding: readAll(copy + "/" + file)!, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func cells(_ i: Int) -> [String] { lines[i].split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        switch what {
        case "sex Q": var c = cells(2); c[2] = "Q"; lines[2] = c.joined(separator: ",")
        case "a value that is not a number": var c = cells(1); c[5] = "many"; lines[1] = c.joined(separator: ",")
        case "an empty required cell": var c = cells(3); c[1] = ""; lines[3] = c.joined(separator: ",")
        default: lines[2] = lines[1]
        }
        _ = FileManager.default.createFile(atPath: copy + "/" + file, contents: Data(lines.joined(separator: "\n").utf8))
        let errors = try frictionlessErrors([copy + "/datapackage.json"])[copy + "/datapackage.json"]
        #expect(errors == [error], "\(what)")
    }
}
