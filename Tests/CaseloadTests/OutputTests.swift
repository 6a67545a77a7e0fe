import CaseloadCore
import Foundation
import Synth
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

struct PrivacyTests {
    /// Distinctive names in every record: none reaches any output file or log line, and nothing
    /// under unhcr/ holds a case_id or a birth date.
    @Test func namesNeverLeaveAndUNHCRFilesHoldNoIdentifiers() throws {
        let f = Fixture()
        var detention: [String] = [], shelter: [String] = [], ids: [String] = [], births: [String] = []
        for n in 1...40 {
            let birth = "19\(60 + n % 40)-0\(1 + n % 9)-1\(n % 10)"
            let bad = n % 13 == 0  // some rejected rows: their names must not leak through messages either
            detention.append(
                Rows.detention(
                    n, sex: bad ? "Q" : (n % 3 == 0 ? "F" : "M"), birth: birth, arrival: "2012-01-0\(1 + n % 9)",
                    unhcr: n % 2 == 0 ? "354-12C\(String(format: "%05d", n))" : "", family: "Zyxfam\(n)q", given: "Qwgiv\(n)z"))
            ids.append(Rows.caseID(n))
            births.append(birth)
        }
        for n in 100...130 {
            let birth = "1985-1\(n % 3)-2\(n % 8)"
            shelter.append(Rows.shelter(n, birth: birth, family: "Zyxfam\(n)q", given: "Qwgiv\(n)z"))
            ids.append(Rows.caseID(n))
            births.append(birth)
        }
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile(Array(detention[0..<25])))
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionFile(Array(detention[25...])))
        f.write("shelter_SH-JKT_2012-03.csv", Rows.shelterFile(shelter))
        // A name in a column of its own, and an XML file with names too.
        f.write(
            "detention_CH-MDN_2012-03.xml",
            Rows.detentionXML(
                facility: "CH-MDN",
                [
                    "<migrant><caseId>IDN-2011-000099</caseId><familyName>Zyxfam99q</familyName><givenName>Qwgiv99z</givenName><sex>M</sex><birthDate>1970-01-01</birthDate><nationality>AFG</nationality><arrivalDate>2012-01-01</arrivalDate><status>PENDING_RSD</status></migrant>"
                ]))
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--hxl", "--min-cell", "1"])
        #expect(r.status == 1)
        let outputs = tree(f.output)
        #expect(outputs.keys.contains("2012-03/unhcr/caseload.csv") && outputs.keys.contains("2012-03/report.json"))
        #expect(outputs.keys.contains("ctdc/victims.csv") && outputs.keys.contains("ctdc/report.json"))
        for (path, data) in outputs {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains("Zyxfam") && !text.contains("Qwgiv"), "a name in \(path)")
            if path.contains("unhcr/") || path.hasPrefix("ctdc/") {
                for id in ids + ["IDN-2011-000099"] { #expect(!text.contains(id), "\(id) in \(path)") }
                for b in births + ["1970-01-01"] { #expect(!text.contains(b), "birth date \(b) in \(path)") }
            }
        }
        #expect(!r.stderr.contains("Zyxfam") && !r.stderr.contains("Qwgiv"))
        let check = try Binary.run(["validate", "--input", f.input] + ["detention_IDC-TPI_2012-03.csv", "detention_IDC-JKT_2012-03.csv"].map { f.input + "/" + $0 })
        #expect(!check.stdout.contains("Zyxfam") && !check.stdout.contains("Qwgiv") && check.stdout.contains("error[CODE]"))
    }
}

struct SampleFigureTests {
    /// The figures of the committed sample against what the generator put into it.
    @Test func theSampleFiguresAreWhatTheGeneratorMade() throws {
        var sample = RunOptions()
        sample.input = SampleTests.input
        let e = try Pipeline.evaluate(sample)
        let figures = e.figures
        let (_, truth) = SynthGenerator.generate(SynthOptions())
        let march = try #require(figures.first { $0.period == Period("2012-03")! })
        let supported = try #require(march.indicator(.migrants, "supported")).total
        #expect(supported == truth.migrantsSupported[Period("2012-03")!])
        #expect(supported > 2150 && supported < 2300)
        for (p, n) in truth.migrantsSupported {
            #expect(figures.first { $0.period == p }?.indicator(.migrants, "supported")?.total == n, "\(p)")
        }
        let cumulative = try #require(march.indicator(.victims, "assisted_cumulative")).total
        #expect(cumulative == truth.victimsCumulative && cumulative > 4000)
        #expect(figures.map(\.period) == Period.range(Period("2010-01")!, Period("2012-03")!))
        #expect(figures.filter { !$0.migrants.isEmpty }.map(\.period.description) == ["2011-10", "2011-11", "2011-12", "2012-01", "2012-02", "2012-03"])
        // The shared aggregates say the same.
        var o = RunOptions()
        o.input = SampleTests.input
        let files = try Pipeline.render(e, options: o)
        let csv = String(decoding: files.first { $0.path == "2012-03/unhcr/aggregates.csv" }!.bytes, as: UTF8.self)
        // Rounded to a multiple of 5 by their cell keys: 2,247 up to 2,250 and 4,124 up to 4,125.
        #expect(supported == 2247 && cumulative == 4124)
        #expect(csv.contains("\n2012-03,migrants,supported,total,ALL,2250,rounded\n"))
        #expect(csv.contains("\n2012-03,victims,assisted_cumulative,total,ALL,4125,rounded\n"))
    }
}

struct EmittedFileTests {
    static func run(_ extra: [String] = []) throws -> (Fixture, [String: Data]) {
        let f = Fixture(registry: try String(contentsOf: GoldenTests.root.appendingPathComponent("basics/Input/facilities.csv"), encoding: .utf8))
        for name in try FileManager.default.contentsOfDirectory(atPath: GoldenTests.root.appendingPathComponent("basics/Input").path) where name != "facilities.csv" {
            f.write(name, Array(try Data(contentsOf: GoldenTests.root.appendingPathComponent("basics/Input/" + name))))
        }
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"] + extra)
        #expect(r.status == 0)
        return (f, tree(f.output))
    }

    @Test func theOutputLayout() throws {
        let (_, files) = try Self.run()
        #expect(
            files.keys.sorted() == [
                "2012-02/report.html", "2012-02/report.json", "2012-02/report.xlsx", "2012-02/unhcr/aggregates.csv",
                "2012-02/unhcr/caseload.csv", "2012-02/unhcr/datapackage.json", "2012-03/report.html", "2012-03/report.json",
                "2012-03/report.xlsx", "2012-03/unhcr/aggregates.csv", "2012-03/unhcr/caseload.csv", "2012-03/unhcr/datapackage.json",
                "ctdc/report.json", "ctdc/victims.csv", "issues.csv", "manifest.json",
            ])
    }

    @Test func reportJSONHoldsEveryFigureExact() throws {
        let (_, files) = try Self.run()
        let json = try #require(try JSONSerialization.jsonObject(with: files["2012-03/report.json"]!) as? [String: Any])
        #expect(json["format"] as? String == "caseload-report" && json["format_version"] as? Int == 1)
        #expect(json["tool_version"] as? String == Versions.tool && json["period"] as? String == "2012-03")
        let migrants = try #require(json["migrants"] as? [[String: Any]])
        #expect(migrants.map { $0["indicator"] as? String } == IndicatorCatalogue.migrants.map(\.indicator))
        func value(_ list: [[String: Any]], _ indicator: String, _ dimension: String, _ category: String) -> Int? {
            let ind = list.first { $0["indicator"] as? String == indicator }
            let dim = (ind?["dimensions"] as? [[String: Any]])?.first { $0["dimension"] as? String == dimension }
            return ((dim?["categories"] as? [[String: Any]])?.first { $0["category"] as? String == category })?["value"] as? Int
        }
        // Small cells are there as they are (the shared file rounds them to multiples of k = 5).
        #expect(value(migrants, "supported", "total", "ALL") == 9)
        #expect(value(migrants, "supported", "nationality", "IRN") == 1)
        #expect(value(migrants, "supported", "sex", "X") == 0)  // closed lists are complete
        #expect(value(migrants, "stay_median_days", "total", "ALL") == 30)
        let victims = try #require(json["victims"] as? [[String: Any]])
        #expect(value(victims, "assisted_cumulative", "assistance", "MEDICAL") == 2)
        let quality = try #require(json["data_quality"] as? [String: Any])
        let fileCounts = try #require(quality["files"] as? [[String: Any]])
        #expect(fileCounts.count == 4)
        let shelter = fileCounts.first { $0["facility"] as? String == "SH-JKT" }!
        #expect(shelter["accepted"] as? Int == 1 && shelter["superseded"] as? Int == 1)
        #expect((quality["records"] as? [String: Int]) == ["accepted": 13, "rejected": 0])  // 8 + 1 + 1 detention, 3 shelter (r2)
        let issues = quality["issues"] as? [[String: Any]]
        #expect(issues?.map { $0["code"] as? String } == ["SUPERSEDED", "UASC_AGE"])
        // And in February there were no victims yet.
        let feb = try #require(try JSONSerialization.jsonObject(with: files["2012-02/report.json"]!) as? [String: Any])
        #expect(feb["victims"] is NSNull)
        let shared = String(decoding: files["2012-03/unhcr/aggregates.csv"]!, as: UTF8.self)
        // Shared: the one Iranian (IDN-2011-000004, record key 3,068,998,412: 5 × K ≥ 1 × 2^32)
        // rounds down to 0 and has no row; the nine supported (cell key 1,864,454,525: 5 × K <
        // 4 × 2^32) round up to 10 (both worked out with Python's hashlib).
        #expect(!shared.contains(",supported,nationality,IRN,"))
        #expect(shared.contains("\n2012-03,migrants,supported,total,ALL,10,rounded\n"))
    }

    /// The report tells its readers in plain words what the shared files hold, with the run's k.
    @Test func theReportSaysHowTheSharedFilesAreRounded() throws {
        let (_, files) = try Self.run(["--min-cell", "7"])
        let html = String(decoding: files["2012-03/report.html"]!, as: UTF8.self)
        #expect(html.contains("there every count is rounded to a multiple of 7, up or down by at most 6, by a draw fixed by the people it counts"))
        #expect(html.contains("so their tables need not add up to their totals"))
        #expect(!html.lowercased().contains("suppress"))
    }

    @Test func theManifestListsInputsAndOutputsWithDigests() throws {
        let (f, files) = try Self.run()
        let json = try #require(try JSONSerialization.jsonObject(with: files["manifest.json"]!) as? [String: Any])
        let options = try #require(json["options"] as? [String: Any])
        #expect(options["min_cell"] as? Int == 5 && options["max_reject_rate"] as? Double == 0.2 && options["hxl"] as? Bool == false)
        #expect(options["periods"] as? [String] == ["2012-02", "2012-03"])
        let inputs = try #require(json["inputs"] as? [[String: Any]])
        #expect(
            inputs.map { $0["path"] as? String } == [
                "detention_CH-MDN_2012-03.csv", "detention_IDC-JKT_2012-03.xml", "detention_IDC-TPI_2012-02.csv", "detention_IDC-TPI_2012-03.csv",
                "shelter_SH-JKT_2012-03.csv", "shelter_SH-JKT_2012-03_r2.xml",
            ])
        for i in inputs {
            let data = try Data(contentsOf: URL(fileURLWithPath: f.input + "/" + (i["path"] as! String)))
            #expect(i["bytes"] as? Int == data.count && i["sha256"] as? String == Digest256.hex(data))
        }
        let r1 = inputs[4]
        #expect(r1["outcome"] as? String == "superseded" && r1["revision"] as? Int == 1 && r1["format"] as? String == "csv")
        #expect((r1["records"] as? [String: Int]) == ["accepted": 2, "rejected": 0])
        #expect(inputs[5]["outcome"] as? String == "accepted" && inputs[5]["kind"] as? String == "shelter")
        #expect(isComplete(f.output).complete)
        let outputs = (json["outputs"] as? [[String: Any]])?.compactMap { $0["path"] as? String }
        #expect(outputs == outputs?.sorted() && outputs?.contains("manifest.json") == false && outputs?.count == 15)
    }

    @Test func hxlAddsHashtagsUnderUNHCROnly() throws {
        let (_, files) = try Self.run(["--hxl", "--min-cell", "1"])
        let aggregates = String(decoding: files["2012-03/unhcr/aggregates.csv"]!, as: UTF8.self).split(separator: "\n")
        #expect(aggregates[0] == "period,population,indicator,dimension,category,value,note")
        #expect(aggregates[1] == "#date+period,#group+population,#indicator+code,#indicator+dimension,#indicator+category,#indicator+num,#meta+note")
        let caseload = String(decoding: files["2012-03/unhcr/caseload.csv"]!, as: UTF8.self).split(separator: "\n")
        #expect(caseload[1].hasPrefix("#date+period,#beneficiary+code+unhcr,"))
        #expect(caseload.count == 6)
        #expect(!String(decoding: files["issues.csv"]!, as: UTF8.self).contains("#"))
    }
}
