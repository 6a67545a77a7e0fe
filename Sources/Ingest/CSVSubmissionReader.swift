import CaseloadCore

/// Reads one CSV submission: the header against the fields of its kind, then every row as a
/// `RowEvent`. File-level problems come back as findings; `rejected` says whether one of them
/// rejects the file (then its row events must be discarded by the caller).
public enum CSVSubmissionReader {
    public struct Outcome: Sendable {
        public var findings: [Finding] = []
        public var rejected = false
        public init(findings: [Finding] = [], rejected: Bool = false) { self.findings = findings; self.rejected = rejected }
    }

    /// Reads bytes in memory: the whole of them is checked for UTF-8 first.
    public static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, kind: SubmissionKind, limits: Limits = Limits(),
        onRow: (RowEvent) -> Void
    ) -> Outcome {
        let scanner = CSVScanner(bytes, limits: limits)
        if !scanner.hasHeaderLine {
            return Outcome(findings: [Finding(.EMPTY_FILE, message: "the file has no header line")], rejected: true)
        }
        if let bad = UTF8Check.firstBadByte(bytes) {
            return Outcome(findings: [UTF8Check.finding(bytes[bad], line: UTF8Check.line(of: bad, in: bytes))], rejected: true)
        }
        return read(scanner, kind: kind, limits: limits, onRow: onRow)
    }

    /// Reads a file in chunks. Its bytes are checked for UTF-8 as they come: a bad byte ends the
    /// reading, and rejects the file whatever the rows before it said (`ENCODING` comes first in the
    /// order of judging, after `EMPTY_FILE`, which a bad byte rules out).
    public static func read(
        source: ByteSource, kind: SubmissionKind, limits: Limits = Limits(),
        onRow: (RowEvent) -> Void
    ) -> Outcome {
        // A window of 256 KiB, or the whole of a smaller file (it grows for a longer row).
        let scanner = CSVScanner(source: source, limits: limits, chunk: ChunkPool.capacity(for: source.size + 64))
        var out: Outcome
        if !scanner.hasHeaderLine {
            out = Outcome(findings: [Finding(.EMPTY_FILE, message: "the file has no header line")], rejected: true)
        } else {
            out = read(scanner, kind: kind, limits: limits, onRow: onRow)
        }
        if let bad = source.bad {
            out = Outcome(findings: [UTF8Check.finding(bad.byte, line: source.line(of: bad.offset))], rejected: true)
        }
        return out
    }

    static func read(_ scanner: CSVScanner, kind: SubmissionKind, limits: Limits, onRow: (RowEvent) -> Void) -> Outcome {
        var out = Outcome()
        do {
            guard let headerLine = try scanner.nextRow(maxCells: limits.maxHeaderCells) else { return out }
            let (mapping, headerFindings) = matchHeader(scanner, line: headerLine, kind: kind)
            let headerRejected = headerFindings.contains { $0.code.severity == .error }
            let width = scanner.cellCount
            // One record view for the whole file: its slices are rewritten row by row.
            let fields = RawFields()
            var raw = RawRecord(line: 0, fields: fields, nulSeparatedLists: false)
            let columns = mapping.map(\.0), ordinals = mapping.map { $0.1.ordinal }
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
                    let starts = fields.starts, counts = fields.counts
                    for k in 0..<columns.count {
                        let (p, n) = scanner.cellSlice(columns[k])
                        starts[ordinals[k]] = p
                        counts[ordinals[k]] = n
                    }
                    onRow(.record(raw))
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
                findings.append(
                    Finding(
                        .UNKNOWN_COLUMN, line: line, field: name,
                        message: "unknown column \(WrittenBack.quoted(name)) is ignored"))
            }
        }
        for f in duplicated {
            findings.append(
                Finding(
                    .DUPLICATE_COLUMN, line: line, field: f.rawValue,
                    message: "column '\(f.rawValue)' is named more than once"))
        }
        for f in kind.requiredColumns where seen[f] == nil {
            findings.append(
                Finding(
                    .MISSING_COLUMN, line: line, field: f.rawValue,
                    message: "required column '\(f.rawValue)' is missing"))
        }
        return (mapping, findings)
    }
}
