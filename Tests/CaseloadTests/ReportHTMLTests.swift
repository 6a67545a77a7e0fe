import CaseloadCore
import Foundation
import Testing
import TestSupport
@testable import Caseload
import Emit
#if canImport(Glibc)
    import Glibc
#endif

/// The sample's outputs, rendered once for the report tests.
enum SampleRun {
    static let output: String = {
        let out = makeTemporaryFolder("caseload-sample") + "/Output"
        var o = RunOptions()
        o.input = SampleTests.input
        o.output = out
        _ = Pipeline.run(o)
        return out
    }()

    static func file(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: output + "/" + path)) }
}

/// Every number of report.html against report.json.
struct ReportHTMLAgreementTests {
    struct Cell: Hashable { var key: String; var value: Int }

    /// `data-figure="population/indicator/dimension/category" data-value="N">text<`
    static func figures(_ html: String) -> [(key: String, value: Int, text: String)] {
        let re = try! NSRegularExpression(pattern: "data-figure=\"([^\"]+)\" data-value=\"([0-9]+)\">([^<]*)<")
        let ns = html as NSString
        return re.matches(in: html, range: NSRange(location: 0, length: ns.length)).map {
            (
                ns.substring(with: $0.range(at: 1)).replacingOccurrences(of: "&amp;", with: "&"), Int(ns.substring(with: $0.range(at: 2)))!,
                ns.substring(with: $0.range(at: 3))
            )
        }
    }

    static func jsonCells(_ json: [String: Any]) -> [String: Int] {
        var out: [String: Int] = [:]
        for p in ["migrants", "victims"] {
            for ind in json[p] as? [[String: Any]] ?? [] {
                for d in ind["dimensions"] as! [[String: Any]] {
                    for c in d["categories"] as! [[String: Any]] {
                        out["\(p)/\(ind["indicator"]!)/\(d["dimension"]!)/\(c["category"]!)"] = c["value"] as? Int
                    }
                }
            }
        }
        return out
    }

    @Test(arguments: ["2012-03", "2011-12", "2010-01"])
    func everyFigureAgreesWithReportJSON(_ period: String) throws {
        let html = String(decoding: try SampleRun.file("\(period)/report.html"), as: UTF8.self)
        let json = try #require(try JSONSerialization.jsonObject(with: try SampleRun.file("\(period)/report.json")) as? [String: Any])
        let cells = Self.jsonCells(json)
        let shown = Self.figures(html)
        #expect(shown.count > 100)
        for f in shown {
            #expect(f.value == (cells[f.key] ?? 0), "\(f.key): html \(f.value), json \(cells[f.key] ?? 0)")
            #expect(f.text == grouped(f.value), "\(f.key) shows \(f.text)")
        }
        // Every non-zero figure of report.json is somewhere in the report.
        let keys = Set(shown.map(\.key))
        for (k, v) in cells where v != 0 { #expect(keys.contains(k), "\(k) = \(v) is not in report.html") }
        // The headline figures are among them.
        if period == "2012-03" {
            for k in [
                "migrants/supported/total/ALL", "migrants/supported/placement/IDC", "migrants/supported/placement/COMMUNITY",
                "migrants/in_care_end/status/PENDING_RSD", "migrants/new_arrivals/total/ALL", "migrants/exits/status/RESETTLED",
                "migrants/exits/status/RETURNED", "victims/assisted/total/ALL", "victims/assisted_cumulative/total/ALL",
                "victims/assisted_cumulative/assistance/MEDICAL", "victims/assisted_cumulative/assistance/PSYCHOSOCIAL",
            ] {
                let headline = html.components(separatedBy: "<section id=\"headline\"")[1].components(separatedBy: "</section>")[0]
                #expect(headline.contains("data-figure=\"\(k)\""), "\(k) is not in the headline")
            }
        }
        // Data quality and trend agree too.
        let quality = json["data_quality"] as! [String: Any]
        let records = quality["records"] as! [String: Int]
        #expect(html.contains("data-quality=\"records/accepted\">\(grouped(records["accepted"]!))<"))
        #expect(html.contains("data-quality=\"records/rejected\">\(grouped(records["rejected"]!))<"))
        for i in quality["issues"] as! [[String: Any]] {
            #expect(html.contains("data-quality=\"issues/\(i["code"]!)\">\(grouped(i["count"] as! Int))<"))
        }
        for f in quality["files"] as! [[String: Any]] {
            #expect(html.contains("data-quality=\"files/\(f["kind"]!)/\(f["facility"]!)/rejected\""))
        }
    }

    @Test func theTrendAgreesWithEachPeriodsReport() throws {
        let html = String(decoding: try SampleRun.file("2012-03/report.html"), as: UTF8.self)
        for p in ["2011-10", "2012-01", "2012-03"] {
            let json = try JSONSerialization.jsonObject(with: try SampleRun.file("\(p)/report.json")) as! [String: Any]
            let total = Self.jsonCells(json)["migrants/supported/total/ALL"]!
            #expect(html.contains("data-trend=\"migrants/\(p)\">\(grouped(total))<"))
        }
        #expect(html.contains("data-trend=\"migrants/2010-01\">–<"))
    }

    @Test func theReportIsSelfContained() throws {
        let html = String(decoding: try SampleRun.file("2012-03/report.html"), as: UTF8.self)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("url(") && !html.contains("@import"))
        let links = html.components(separatedBy: "href=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(Set(links) == ["../issues.csv"])
        #expect(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'"))
        #expect(html.contains("@page{size:A4"))
        #expect(html.contains("2012/03/detention_IDC-MKS_2012-03 (1).csv") == false)  // no period: not this month's rejected file
        #expect(html.contains("<strong>CODE</strong>") == false)
        // Every chart has a text alternative.
        let svgs = html.components(separatedBy: "<svg ").count - 1
        #expect(svgs >= 8)
        #expect(html.components(separatedBy: "role=\"img\" aria-labelledby=").count - 1 == svgs)
        #expect(html.components(separatedBy: "<desc id=").count - 1 == svgs)
    }
}

/// Headless Chromium, in a network namespace of its own so nothing can leave the machine, loads
/// the sample's report: no request leaves the file, the page is not blank, it prints on A4.
@Suite(.serialized)
struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static func browse(_ url: String, _ extra: [String]) throws -> (status: Int32, stdout: Data) {
        let chromium = try #require(chromium, "chromium is missing: `make test` installs it")
        let profile = NSTemporaryDirectory() + "caseload-chromium-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        p.arguments =
            [
                "--net", chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile,
                "--disable-background-networking", "--disable-component-update", "--host-resolver-rules=MAP * ~NOTFOUND",
            ] + extra + [url]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }

    /// URLs the page itself asked for (Chromium's own background jobs have no origin).
    static func pageRequests(netLog path: String) throws -> [String] {
        let d = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
        let constants = d["constants"] as! [String: Any]
        let types = (constants["logEventTypes"] as! [String: Int]).reduce(into: [Int: String]()) { $0[$1.value] = $1.key }
        var urls: [String] = []
        for e in d["events"] as! [[String: Any]] {
            guard let t = e["type"] as? Int, types[t] == "URL_REQUEST_START_JOB", let p = e["params"] as? [String: Any],
                let url = p["url"] as? String
            else { continue }
            if (p["initiator"] as? String) == "not an origin" { continue }
            urls.append(url)
        }
        return urls
    }

    @Test func noRequestLeavesTheReport() throws {
        let dir = NSTemporaryDirectory() + "caseload-browser-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A control: a page that does fetch things is caught by the same check.
        try "<!DOCTYPE html><img src=\"http://example.invalid/x.png\"><p>x</p>".write(toFile: dir + "/leak.html", atomically: true, encoding: .utf8)
        _ = try Self.browse("file://" + dir + "/leak.html", ["--log-net-log=" + dir + "/leak.json", "--dump-dom"])
        #expect(try Self.pageRequests(netLog: dir + "/leak.json") == ["http://example.invalid/x.png"])

        _ = SampleRun.output
        let report = "file://" + SampleRun.output + "/2012-03/report.html"
        let r = try Self.browse(report, ["--log-net-log=" + dir + "/net.json", "--dump-dom"])
        #expect(r.status == 0)
        #expect(try Self.pageRequests(netLog: dir + "/net.json") == [])
        let dom = String(decoding: r.stdout, as: UTF8.self)
        #expect(dom.contains("migrants were supported in March 2012"))
        #expect(dom.contains("victims of trafficking were assisted in March 2012"))
    }

    @Test func thePageIsNotBlank() throws {
        let png = NSTemporaryDirectory() + "caseload-shot-\(getpid()).png"
        defer { try? FileManager.default.removeItem(atPath: png) }
        _ = try Self.browse("file://" + SampleRun.output + "/2012-03/report.html", ["--hide-scrollbars", "--window-size=1280,900", "--screenshot=" + png])
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        // A blank 1280×900 page compresses to a few kilobytes; text and charts do not.
        #expect(data.count > 40_000, "screenshot of \(data.count) bytes")
    }

    @Test func itPrintsOnA4() throws {
        let pdf = NSTemporaryDirectory() + "caseload-print-\(getpid()).pdf"
        defer { try? FileManager.default.removeItem(atPath: pdf) }
        _ = try Self.browse("file://" + SampleRun.output + "/2012-03/report.html", ["--no-pdf-header-footer", "--print-to-pdf=" + pdf])
        let data = try Data(contentsOf: URL(fileURLWithPath: pdf))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("%PDF-"))
        let re = try NSRegularExpression(pattern: "/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]")
        let boxes = re.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { m -> (Double, Double) in
            (Double((text as NSString).substring(with: m.range(at: 1)))!, Double((text as NSString).substring(with: m.range(at: 2)))!)
        }
        #expect(boxes.count >= 3, "pages: \(boxes.count)")
        // A4 is 210 × 297 mm: 595.3 × 841.9 points.
        #expect(boxes.allSatisfy { abs($0.0 - 595.3) < 1.5 && abs($0.1 - 841.9) < 1.5 }, "\(boxes)")
    }
}
