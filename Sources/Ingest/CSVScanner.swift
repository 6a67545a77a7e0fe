import CaseloadCore

/// Why a CSV file could not be read to its end.
public enum CSVFailure: Error, Equatable, Sendable {
    /// A quoted field is never closed (the line where it opened).
    case unterminatedQuote(line: Int)
    /// A field grew past the limit (the line where it starts).
    case fieldTooLarge(line: Int)
    /// The header has more cells than allowed (the header line).
    case headerTooLarge(line: Int)
}

/// A byte-level scanner for the CSV dialect of submissions.md: RFC 4180 quoting, lenient as
/// common readers are, `\n`, `\r\n` or `\r` line ends, empty lines skipped. Cells come out
/// trimmed of spaces and tabs, in one reusable buffer (no per-cell allocation, no Strings).
public struct CSVScanner {
    let b: UnsafeBufferPointer<UInt8>
    public private(set) var pos: Int
    /// The physical line the scanner is on (1-based).
    public private(set) var line = 1
    public let delimiter: UInt8
    let limits: Limits

    /// The cells of the last row: `storage[starts[i]..<ends[i]]`.
    public private(set) var storage: [UInt8] = []
    public private(set) var starts: [Int] = []
    public private(set) var ends: [Int] = []

    /// Cells of the last row, those past `keepCells` included (they are counted, not kept).
    public var cellCount: Int { ends.count + droppedCells }
    private var droppedCells = 0
    /// Whether every cell of the last row is empty (after trimming), those not kept included.
    public private(set) var rowIsBlank = true

    @inline(__always)
    public func cell(_ i: Int) -> ArraySlice<UInt8> { storage[starts[i]..<ends[i]] }

    /// The cells' buffer, for views that point into it.
    public func withStorage<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        storage.withUnsafeBufferPointer(body)
    }

    /// Starts after a UTF-8 byte-order mark; picks `;` when the first non-empty line contains
    /// `;` and no `,`.
    public init(_ bytes: UnsafeBufferPointer<UInt8>, limits: Limits = Limits()) {
        b = bytes
        var p = 0
        if b.count >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { p = 3 }
        pos = p
        self.limits = limits
        // Find the header line for delimiter detection.
        var q = p
        while q < b.count && (b[q] == 0x0A || b[q] == 0x0D) { q += 1 }
        var semi = false, comma = false
        while q < b.count && b[q] != 0x0A && b[q] != 0x0D {
            if b[q] == 0x3B { semi = true } else if b[q] == 0x2C { comma = true }
            q += 1
        }
        delimiter = semi && !comma ? 0x3B : 0x2C
        storage.reserveCapacity(4096)
    }

    /// Whether anything but line ends follows the byte-order mark.
    public var hasHeaderLine: Bool {
        var q = pos
        while q < b.count {
            if b[q] != 0x0A && b[q] != 0x0D { return true }
            q += 1
        }
        return false
    }

    @inline(__always)
    mutating func endLine() {
        if pos < b.count {
            if b[pos] == 0x0D {
                pos += 1
                if pos < b.count && b[pos] == 0x0A { pos += 1 }
            } else {
                pos += 1
            }
        }
        line += 1
    }

    /// Reads the next non-empty row into the cells; returns its first line, or nil at the end.
    /// `maxCells` bounds the number of cells (for the header). Cells past `keepCells` are only
    /// counted: a row of millions of cells costs no memory (it can only be a `FIELD_COUNT`).
    public mutating func nextRow(maxCells: Int = .max, keepCells: Int = .max) throws(CSVFailure) -> Int? {
        let n = b.count
        while pos < n && (b[pos] == 0x0A || b[pos] == 0x0D) { endLine() }
        if pos >= n { return nil }
        let rowLine = line
        storage.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        droppedCells = 0
        rowIsBlank = true
        let d = delimiter
        let maxField = limits.maxFieldBytes
        while true {
            if cellCount >= maxCells { throw .headerTooLarge(line: rowLine) }
            let fieldLine = line
            let start = storage.count
            var p = pos
            while p < n && (b[p] == 0x20 || b[p] == 0x09) { p += 1 }
            if p < n && b[p] == 0x22 {
                pos = p + 1
                var closed = false
                while pos < n {
                    // Copy a run up to the next quote or line end.
                    var q = pos
                    while q < n {
                        let c = b[q]
                        if c == 0x22 || c == 0x0A || c == 0x0D { break }
                        q += 1
                    }
                    if q > pos {
                        if storage.count - start + (q - pos) > maxField { throw .fieldTooLarge(line: fieldLine) }
                        storage.append(contentsOf: UnsafeBufferPointer(rebasing: b[pos..<q]))
                        pos = q
                    }
                    if pos >= n { break }
                    let c = b[pos]
                    if c == 0x22 {
                        if pos + 1 < n && b[pos + 1] == 0x22 {
                            storage.append(0x22)
                            pos += 2
                        } else {
                            pos += 1
                            closed = true
                            break
                        }
                    } else {
                        // A line break inside quotes is data.
                        storage.append(c)
                        if c == 0x0D && pos + 1 < n && b[pos + 1] == 0x0A {
                            storage.append(0x0A)
                            pos += 1
                        }
                        pos += 1
                        line += 1
                    }
                    if storage.count - start > maxField { throw .fieldTooLarge(line: fieldLine) }
                }
                if !closed { throw .unterminatedQuote(line: fieldLine) }
            }
            // Unquoted text, or text after a closing quote, up to the delimiter or line end.
            var q = pos
            while q < n {
                let c = b[q]
                if c == d || c == 0x0A || c == 0x0D { break }
                q += 1
            }
            if storage.count - start + (q - pos) > maxField { throw .fieldTooLarge(line: fieldLine) }
            if q > pos { storage.append(contentsOf: UnsafeBufferPointer(rebasing: b[pos..<q])) }
            pos = q
            // Trim spaces and tabs.
            var s = start, e = storage.count
            while s < e && (storage[s] == 0x20 || storage[s] == 0x09) { s += 1 }
            while e > s && (storage[e - 1] == 0x20 || storage[e - 1] == 0x09) { e -= 1 }
            if e > s { rowIsBlank = false }
            if ends.count < keepCells {
                starts.append(s)
                ends.append(e)
            } else {
                droppedCells += 1
                storage.removeLast(storage.count - start)
            }
            if pos < n && b[pos] == d {
                pos += 1
                continue
            }
            endLine()
            return rowLine
        }
    }
}
