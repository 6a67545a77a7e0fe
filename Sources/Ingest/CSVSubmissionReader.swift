import CaseloadCore

/// Reads one CSV submission: the header against the fields of its kind, then every row as a
/// `RowEvent`. File-level problems come back as findings; `rejected` says whether one of them
/// rejects the file (then its row events must be discarded by the caller).
public enum CSVSubmissionReader {
    public struct Outcome: Sendable {
        public var findings: [Finding] = []
        public var rejected = false
    }

    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, kind: SubmissionKind, limits: Limits = Limits(),
                            onRow: (RowEvent) -> Void) -> Outcome {
        var out = Outcome()
        var scanner = CSVScanner(bytes, limits: limits)
        if !scanner.hasHeaderLine {
            out.findings.append(Finding(.EMPTY_FILE, message: "the file has no header line"))
            out.rejected = true
            return out
        }
        if let bad = UTF8Check.firstBadByte(bytes) {
            out.findings.append(encodingFinding(bytes, at: bad))
            out.rejected = true
            return out
        }
        do {
            guard let headerLine = try scanner.nextRow(maxCells: limits.maxHeaderCells) else { return out }
            let (mapping, headerFindings) = matchHeader(scanner, line: headerLine, kind: kind)
            let headerRejected = headerFindings.contains { $0.code.severity == .error }
            let width = scanner.cellCount
            // One record view for the whole file: its ranges are rewritten row by row.
            var raw = RawRecord(line: 0, bytes: UnsafeBufferPointer(start: nil, count: 0), nulSeparatedLists: false)
            let columns = mapping.map { (column: $0.0, field: $0.1.ordinal) }
            // Rows are read to the end even when the header is bad: a CSV_SYNTAX or TOO_LARGE
            // further down comes first in the order of judging.
            while let line = try scanner.nextRow(keepCells: width + 1) {
                if headerRejected { continue }
                if scanner.rowIsBlank {
                    onRow(.blank(line: line))
                } else if scanner.cellCount != width {
                    onRow(.fieldCount(line: line, found: scanner.cellCount, expected: width))
                } else {
                    raw.line = line
                    for (col, field) in columns {
                        let s = scanner.starts[col], e = scanner.ends[col]
                        raw.ranges[field] = e > s ? s..<e : nil
                    }
                    scanner.withStorage { buf in
                        raw.bytes = buf
                        onRow(.record(raw))
                    }
                }
            }
            out.findings += headerFindings
            out.rejected = headerRejected
        } catch {
            switch error {
            case .unterminatedQuote(let line):
                out.findings.append(Finding(.CSV_SYNTAX, line: line, message: "a quoted field opened on this line is never closed"))
            case .fieldTooLarge(let line):
                out.findings.append(Finding(.TOO_LARGE, line: line, message: "a field starting on this line is longer than \(limits.maxFieldBytes) bytes"))
            case .headerTooLarge(let line):
                out.findings.append(Finding(.TOO_LARGE, line: line, message: "the header has more than \(limits.maxHeaderCells) cells"))
            }
            out.rejected = true
        }
        return out
    }

    static func encodingFinding(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Finding {
        let line = UTF8Check.line(of: offset, in: bytes)
        let what = bytes[offset] == 0 ? "a NUL byte" : "a byte that is not valid UTF-8 (0x\(String(bytes[offset], radix: 16, uppercase: true)))"
        return Finding(.ENCODING, line: line, message: "\(what): the file must be UTF-8 text")
    }

    /// Matches header cells to fields: trimmed, ASCII case-insensitive. Unknown columns are
    /// warnings; a missing required column or a column named twice rejects the file.
    static func matchHeader(_ s: CSVScanner, line: Int, kind: SubmissionKind) -> ([(Int, Field)], [Finding]) {
        var byName: [String: Field] = [:]
        for f in kind.fields { byName[f.rawValue] = f }
        var mapping: [(Int, Field)] = []
        var seen: [Field: Int] = [:]
        var findings: [Finding] = []
        var duplicated: [Field] = []
        for i in 0..<s.cellCount {
            let raw = s.cell(i)
            let lower = String(decoding: raw.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
            if let f = byName[lower] {
                if seen[f] != nil {
                    if !duplicated.contains(f) { duplicated.append(f) }
                } else {
                    seen[f] = i
                    mapping.append((i, f))
                }
            } else {
                let name = String(decoding: raw, as: UTF8.self)
                findings.append(Finding(.UNKNOWN_COLUMN, line: line, field: name,
                                        message: "unknown column \(WrittenBack.quoted(name)) is ignored"))
            }
        }
        for f in duplicated {
            findings.append(Finding(.DUPLICATE_COLUMN, line: line, field: f.rawValue,
                                    message: "column '\(f.rawValue)' is named more than once"))
        }
        for f in kind.requiredColumns where seen[f] == nil {
            findings.append(Finding(.MISSING_COLUMN, line: line, field: f.rawValue,
                                    message: "required column '\(f.rawValue)' is missing"))
        }
        return (mapping, findings)
    }
}
