import CaseloadCore

/// Writes CSV as outputs.md says: UTF-8 without BOM, `,`, `\n`, fields quoted only when they
/// hold `,`, `"`, a line break or leading/trailing spaces, and text cells that a spreadsheet
/// would run as a formula written with a leading `'`.
public struct CSVWriter {
    public enum Cell {
        case text(String)
        case number(Int)
        case empty
    }

    public private(set) var bytes: [UInt8] = []

    public init(header: [String]) {
        row(header.map { .text($0) })
    }

    public mutating func row(_ cells: [Cell]) {
        for (i, c) in cells.enumerated() {
            if i > 0 { bytes.append(0x2C) }
            switch c {
            case .empty: break
            case .number(let n): bytes.append(contentsOf: String(n).utf8)
            case .text(let s): append(CSVWriter.field(CSVWriter.neutralised(s)))
            }
        }
        bytes.append(0x0A)
    }

    private mutating func append(_ s: String) { bytes.append(contentsOf: s.utf8) }

    /// A leading `'` when the cell starts, after optional spaces or control characters, with
    /// `=`, `+`, `-`, `@`, `|` or `%`, or when it starts with a tab, CR or LF.
    public static func neutralised(_ s: String) -> String {
        guard let first = s.unicodeScalars.first else { return s }
        if first == "\t" || first == "\r" || first == "\n" { return "'" + s }
        for u in s.unicodeScalars {
            if u == " " || u.value < 0x20 || u.value == 0x7F { continue }
            return "=+-@|%".unicodeScalars.contains(u) ? "'" + s : s
        }
        return s
    }

    /// RFC 4180 quoting, only where needed.
    public static func field(_ s: String) -> String {
        var needs = false
        for u in s.utf8 where u == 0x2C || u == 0x22 || u == 0x0A || u == 0x0D { needs = true; break }
        if let f = s.utf8.first, f == 0x20 || f == 0x09 { needs = true }
        if let l = s.utf8.last, l == 0x20 || l == 0x09 { needs = true }
        guard needs else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Substring(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}

/// `issues.csv`: every issue of the run, sorted as outputs.md says.
public enum IssuesCSV {
    public static let header = ["severity", "code", "file", "line", "facility", "period", "case_id", "field", "message"]

    public static func render(_ issues: [Issue]) -> [UInt8] {
        var w = CSVWriter(header: header)
        for i in issues.sorted(by: Issue.sortOrder) {
            func t(_ s: String?) -> CSVWriter.Cell { s.map { .text($0) } ?? .empty }
            w.row([
                .text(i.severity.rawValue), .text(i.code.rawValue), t(i.file), i.line.map { .number($0) } ?? .empty,
                t(i.facility), t(i.period), t(i.caseID), t(i.field), .text(i.message),
            ])
        }
        return w.bytes
    }
}
