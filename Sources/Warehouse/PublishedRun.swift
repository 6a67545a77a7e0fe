import CaseloadCore
import Crypto
import Foundation

/// One complete `Output/` folder read for the warehouse: checked against its manifest, then its
/// rows. Nothing personal is kept: no case id (issues.csv's `case_id` column is dropped, and a
/// message that quotes a case id or a birth date is replaced by its code's meaning), no name (no
/// output holds one), no birth date (report.json holds age groups only).
public struct PublishedRun: Sendable {
    /// SHA-256 of `manifest.json`: the run's name.
    public var runSHA256: String
    public var toolVersion: String
    /// The manifest's `options`, as JSON text.
    public var optionsJSON: String
    /// (period, population, indicator, dimension, category, value) of every period's report.json.
    public var figures: [(period: String, population: String, indicator: String, dimension: String, category: String, value: String)]
    /// The manifest's inputs.
    public var files: [[String?]]
    /// issues.csv without its case_id column.
    public var issues: [[String?]]

    public enum ReadError: Error, CustomStringConvertible {
        /// Not a caseload output, or a file that differs from the manifest (exit 2).
        case notAnOutput(String)
        public var description: String {
            switch self {
            case .notAnOutput(let why): return why
            }
        }
    }

    /// Reads `folder` (the run's lock is held by the caller).
    public static func read(_ folder: String) throws(ReadError) -> PublishedRun {
        guard let manifestData = FileManager.default.contents(atPath: folder + "/manifest.json") else {
            throw .notAnOutput("\(folder) is not a caseload output: it has no manifest.json")
        }
        guard let manifest = try? JSONSerialization.jsonObject(with: manifestData) as? [String: Any],
            manifest["format"] as? String == "caseload-manifest", let outputs = manifest["outputs"] as? [[String: Any]],
            let inputs = manifest["inputs"] as? [[String: Any]]
        else { throw .notAnOutput("\(folder)/manifest.json is not a caseload manifest") }
        // Every output as the manifest says: its bytes and its digest.
        var reports: [(String, Data)] = []
        var issuesText: Data?
        for o in outputs {
            guard let path = o["path"] as? String, let bytes = o["bytes"] as? Int, let digest = o["sha256"] as? String else {
                throw .notAnOutput("\(folder)/manifest.json lists an output without path, bytes or sha256")
            }
            guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else { throw .notAnOutput("\(folder)/manifest.json names a path outside the folder: \(path)") }
            guard let data = FileManager.default.contents(atPath: folder + "/" + path) else {
                throw .notAnOutput("\(folder)/\(path) is listed in the manifest but missing: nothing was loaded")
            }
            guard data.count == bytes, lowerHex(SHA256.hash(data: data)) == digest else {
                throw .notAnOutput("\(folder)/\(path) differs from the manifest (changed after the run): nothing was loaded")
            }
            // A period's report (`2012-03/report.json`), not ctdc/report.json.
            if path.hasSuffix("/report.json"), Period(String(path.dropLast("/report.json".count))) != nil { reports.append((path, data)) }
            if path == "issues.csv" { issuesText = data }
        }
        guard let issuesText else { throw .notAnOutput("\(folder)/manifest.json lists no issues.csv") }
        var run = PublishedRun(
            runSHA256: lowerHex(SHA256.hash(data: manifestData)), toolVersion: manifest["tool_version"] as? String ?? "",
            optionsJSON: String(decoding: (try? JSONSerialization.data(withJSONObject: manifest["options"] ?? [:], options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self),
            figures: [], files: [], issues: [])
        for (path, data) in reports.sorted(by: { $0.0 < $1.0 }) {
            guard let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let period = report["period"] as? String else {
                throw .notAnOutput("\(folder)/\(path) is not a caseload report.json")
            }
            for population in ["migrants", "victims"] {
                for indicator in report[population] as? [[String: Any]] ?? [] {
                    let name = indicator["indicator"] as? String ?? ""
                    for dimension in indicator["dimensions"] as? [[String: Any]] ?? [] {
                        let d = dimension["dimension"] as? String ?? ""
                        for c in dimension["categories"] as? [[String: Any]] ?? [] {
                            guard let category = c["category"] as? String, let value = c["value"] as? NSNumber else { continue }
                            run.figures.append((period, population, name, d, category, value.stringValue))
                        }
                    }
                }
            }
        }
        func text(_ v: Any?) -> String? {
            switch v {
            case let s as String: return s
            case let n as NSNumber: return n.stringValue
            default: return nil
            }
        }
        for i in inputs {
            let records = i["records"] as? [String: Any]
            run.files.append([
                text(i["path"]), text(i["sha256"]), text(i["kind"]), text(i["facility"]), text(i["period"]), text(i["revision"]),
                text(i["format"]), text(i["outcome"]), text(records?["accepted"]), text(records?["rejected"]),
            ])
        }
        let rows = parseCSV(String(decoding: issuesText, as: UTF8.self))
        guard rows.first == ["severity", "code", "file", "line", "facility", "period", "case_id", "field", "message"] else {
            throw .notAnOutput("\(folder)/issues.csv does not have the columns of a caseload issues.csv")
        }
        for r in rows.dropFirst() where r.count == 9 {
            func cell(_ k: Int) -> String? { r[k].isEmpty ? nil : r[k] }
            run.issues.append([cell(0), cell(1), cell(2), cell(3), cell(4), cell(5), cell(7), withheld(code: r[1], field: r[7], message: r[8])])
        }
        return run
    }

    /// A message fit for the warehouse: the code's meaning where the message may quote a
    /// personal value (a case id, a birth date, a name: its field is one of those, or it speaks of
    /// the birth date), and any case id in it replaced by `…`.
    static func withheld(code: String, field: String, message: String) -> String {
        var text = message
        if ["case_id", "birth_date", "family_name", "given_name"].contains(field) || message.contains("birth") {
            text = IssueCode(rawValue: code)?.explanation.meaning ?? "(withheld: the message quotes a personal value)"
        }
        // The meanings quote an example case id too: no string shaped like one is stored.
        let pattern = try! NSRegularExpression(pattern: "[A-Z]{3}-[0-9]{4}-[0-9]{6}")
        return pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "…")
    }

    /// RFC 4180, as caseload writes it (issues.csv).
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], cell = "", quoted = false
        var it = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return it.next()
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(cell); cell = ""
            } else if c == "\n" {
                row.append(cell); rows.append(row); row = []; cell = ""
            } else {
                cell.unicodeScalars.append(c)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}
