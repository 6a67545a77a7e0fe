import CaseloadCore
import CCaseload
#if canImport(Glibc)
    import Glibc
#endif

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
/// trimmed of spaces and tabs, as slices of the bytes themselves (no per-cell copy, no Strings);
/// only a cell whose value differs from its bytes (a `""` inside quotes, text after a closing
/// quote) is assembled in a side buffer.
///
/// The bytes are either all in memory, or read from a `ByteSource` into a window of the scanner's
/// own: a row cut by the window's end is moved to its front and scanned again once more bytes
/// have come (the window doubles when one row fills it), so memory follows the longest row, not
/// the file.
public final class CSVScanner {
    /// The window: `base[0..<end]`, of which the current row starts at `pos`.
    private var base: UnsafePointer<UInt8>
    private var owned: UnsafeMutablePointer<UInt8>?
    private var capacity: Int
    private var end: Int
    private var pos: Int
    private var eof: Bool
    private let source: ByteSource?

    /// The physical line the scanner is on (1-based).
    public private(set) var line = 1
    public private(set) var delimiter: UInt8 = 0x2C
    /// Whether anything but line ends follows the byte-order mark.
    public private(set) var hasHeaderLine = false
    let limits: Limits

    /// The cells of the last row: window offsets (≥ 0) or side-buffer offsets (`-1 - offset`),
    /// and lengths.
    private var cellStart: UnsafeMutablePointer<Int>
    private var cellLength: UnsafeMutablePointer<Int>
    private var cellCapacity: Int
    private var kept = 0
    private var droppedCells = 0
    private var side: UnsafeMutablePointer<UInt8>
    private var sideCount = 0
    private var sideCapacity: Int

    /// Cells of the last row, those past `keepCells` included (they are counted, not kept).
    public var cellCount: Int { kept + droppedCells }
    /// Whether every cell of the last row is empty (after trimming), those not kept included.
    public private(set) var rowIsBlank = true

    /// Bytes in memory (the registry, tests).
    public convenience init(_ bytes: UnsafeBufferPointer<UInt8>, limits: Limits = Limits()) {
        self.init(memory: bytes, source: nil, limits: limits)
    }

    /// Bytes read from a source, in chunks.
    public convenience init(source: ByteSource, limits: Limits = Limits(), chunk: Int = 1 << 18) {
        self.init(memory: nil, source: source, limits: limits, chunk: chunk)
    }

    private init(memory: UnsafeBufferPointer<UInt8>?, source: ByteSource?, limits: Limits, chunk: Int = 0) {
        self.limits = limits
        self.source = source
        if let memory {
            base = UnsafePointer(memory.baseAddress) ?? UnsafePointer(bitPattern: 1)!
            end = memory.count
            capacity = memory.count
            eof = true
        } else {
            let o = ChunkPool.take(max(chunk, 4))
            owned = o
            base = UnsafePointer(o)
            capacity = max(chunk, 4)
            end = 0
            eof = false
        }
        pos = 0
        cellCapacity = 64
        cellStart = .allocate(capacity: cellCapacity)
        cellLength = .allocate(capacity: cellCapacity)
        sideCapacity = 256
        side = .allocate(capacity: sideCapacity)
        prepare()
    }

    deinit {
        if let owned { ChunkPool.give(owned, capacity) }
        cellStart.deallocate()
        cellLength.deallocate()
        side.deallocate()
    }

    /// Where cell `i` of the last row starts and how long it is, without making a buffer: for a
    /// reader that copies many cells a row. `nil` start for an empty cell.
    @inline(__always)
    public func cellSlice(_ i: Int) -> (UnsafePointer<UInt8>?, Int) {
        let n = cellLength[i]
        if n == 0 { return (nil, 0) }
        let s = cellStart[i]
        return (s >= 0 ? base + s : UnsafePointer(side) + (-1 - s), n)
    }

    /// The value of cell `i` of the last row (valid until the next row is read).
    @inline(__always)
    public func cell(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let s = cellStart[i]
        return UnsafeBufferPointer(start: s >= 0 ? base + s : UnsafePointer(side) + (-1 - s), count: cellLength[i])
    }

    /// Skips a UTF-8 byte-order mark; picks `;` when the first non-empty line contains `;` and no
    /// `,`.
    private func prepare() {
        while end - pos < 3 && refill() {}
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
        // Find the header line (bytes, not rows) for the delimiter.
        var q = pos
        while true {
            while q < end && (base[q] == 0x0A || base[q] == 0x0D) { q += 1 }
            if q < end || eof { break }
            let consumed = q - pos
            guard refill() else { break }
            q = pos + consumed
        }
        hasHeaderLine = q < end
        var semi = false, comma = false
        while true {
            while q < end && base[q] != 0x0A && base[q] != 0x0D {
                if base[q] == 0x3B { semi = true } else if base[q] == 0x2C { comma = true }
                q += 1
            }
            if q < end || eof { break }
            let consumed = q - pos
            guard refill() else { break }
            q = pos + consumed
        }
        delimiter = semi && !comma ? 0x3B : 0x2C
    }

    /// Keeps `base[pos..<end]`, moved to the front, and reads more after it; the window doubles
    /// when what is kept leaves less than half of it free. False at the end of the bytes.
    private func refill() -> Bool {
        guard !eof, let source, let buffer = owned else {
            eof = true
            return false
        }
        let keep = end - pos
        if pos > 0 {
            if keep > 0 { memmove(buffer, buffer + pos, keep) }
            pos = 0
            end = keep
        }
        if capacity - end < capacity / 2 {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            ChunkPool.give(buffer, capacity)
            owned = bigger
            base = UnsafePointer(bigger)
            capacity *= 2
        }
        let got = source.read(into: owned! + end, max: capacity - end)
        if got == 0 { eof = true } else { end += got }
        return true
    }

    private enum Step { case row(Int), end, more }

    static let quotes: UInt64 = 0x2222_2222_2222_2222
    static let lineFeeds: UInt64 = 0x0A0A_0A0A_0A0A_0A0A
    static let returns: UInt64 = 0x0D0D_0D0D_0D0D_0D0D

    /// Reads the next non-empty row into the cells; returns its first line, or nil at the end.
    /// `maxCells` bounds the number of cells (for the header). Cells past `keepCells` are only
    /// counted: a row of millions of cells costs no memory for them (it can only be a `FIELD_COUNT`).
    public func nextRow(maxCells: Int = .max, keepCells: Int = .max) throws(CSVFailure) -> Int? {
        while true {
            switch try scanRow(maxCells: maxCells, keepCells: keepCells) {
            case .row(let l): return l
            case .end: return nil
            case .more: _ = refill()
            }
        }
    }

    private func scanRow(maxCells: Int, keepCells: Int) throws(CSVFailure) -> Step {
        let b = base, n = end, atEnd = eof
        var p = pos
        // Empty lines, consumed for good.
        while p < n {
            let c = b[p]
            if c == 0x0A {
                p += 1
            } else if c == 0x0D {
                if p + 1 < n { p += b[p + 1] == 0x0A ? 2 : 1 } else if atEnd { p += 1 } else { pos = p; return .more }
            } else {
                break
            }
            line += 1
            pos = p
        }
        if p >= n { pos = p; return atEnd ? .end : .more }
        let rowLine = line
        var ln = line
        kept = 0
        droppedCells = 0
        sideCount = 0
        rowIsBlank = true
        let d = delimiter
        let maxField = limits.maxFieldBytes
        // The common row first: no quote in it, and its line end in the window. One pass in C
        // (`caseload_split_row`, sixteen bytes at a time) finds its end, whether a quote comes
        // before it, and its cells, trimmed.
        var count = 0, firstLong = 0
        var blank: Int32 = 0, quoted: Int32 = 0
        var rowEnd = caseload_split_row(
            b + p, n &- p, d, p, cellStart, cellLength, min(keepCells, cellCapacity), maxField,
            &count, &firstLong, &blank, &quoted)
        if quoted == 0 && (p &+ rowEnd < n || atEnd) {
            // The first cell past a limit decides which limit is reported.
            if firstLong >= 0 && firstLong < maxCells { throw .fieldTooLarge(line: rowLine) }
            if count > maxCells { throw .headerTooLarge(line: rowLine) }
            let keep = min(count, keepCells)
            if keep > cellCapacity {
                while cellCapacity < keep { growCells() }
                rowEnd = caseload_split_row(
                    b + p, n &- p, d, p, cellStart, cellLength, keep, maxField,
                    &count, &firstLong, &blank, &quoted)
            }
            kept = keep
            droppedCells = count &- keep
            rowIsBlank = blank != 0
            rowEnd &+= p
            var q = rowEnd
            if q < n {
                if b[q] == 0x0D {
                    if q + 1 < n { q += b[q + 1] == 0x0A ? 2 : 1 } else if atEnd { q += 1 } else { return .more }
                } else {
                    q += 1
                }
            }
            line = rowLine + 1
            pos = q
            return .row(rowLine)
        }
        // A quote, or no line end yet: cell by cell (which also stops a field past the limit
        // before the window grows for it).
        let delimiters = UInt64(d) &* 0x0101_0101_0101_0101
        while true {
            if kept + droppedCells >= maxCells { throw .headerTooLarge(line: rowLine) }
            let fieldLine = ln
            let cellBegin = p
            var q = p
            while q < n && (b[q] == 0x20 || b[q] == 0x09) { q += 1 }
            if q >= n && !atEnd { return .more }
            // The value's bounds: in the window, or (inSide) in the side buffer.
            var s: Int, e: Int
            var inSide = false
            let sideStart = sideCount
            if q < n && b[q] == 0x22 {
                var r = q + 1
                var segment = r
                var escaped = false
                var close = -1
                while true {
                    r = firstOf(b, r, n, CSVScanner.quotes, CSVScanner.lineFeeds, CSVScanner.returns)
                    if (sideCount - sideStart) + (r - segment) > maxField { throw .fieldTooLarge(line: fieldLine) }
                    if r >= n {
                        if atEnd { throw .unterminatedQuote(line: fieldLine) }
                        return .more
                    }
                    let c = b[r]
                    if c == 0x22 {
                        if r + 1 < n {
                            if b[r + 1] == 0x22 {
                                // `""` is one quote: the value so far, up to and with that quote.
                                appendSide(b + segment, r + 1 - segment)
                                escaped = true
                                r += 2
                                segment = r
                                if sideCount - sideStart > maxField { throw .fieldTooLarge(line: fieldLine) }
                                continue
                            }
                        } else if !atEnd {
                            return .more
                        }
                        close = r
                        r += 1
                        break
                    }
                    // A line break inside quotes is data.
                    if c == 0x0D {
                        if r + 1 < n { r += b[r + 1] == 0x0A ? 2 : 1 } else if atEnd { r += 1 } else { return .more }
                    } else {
                        r += 1
                    }
                    ln += 1
                    if (sideCount - sideStart) + (r - segment) > maxField { throw .fieldTooLarge(line: fieldLine) }
                }
                // Text after the closing quote, up to the delimiter or the line end, is appended.
                let t = firstOf(b, r, n, delimiters, CSVScanner.lineFeeds, CSVScanner.returns)
                if (sideCount - sideStart) + (close - segment) + (t - r) > maxField { throw .fieldTooLarge(line: fieldLine) }
                if t >= n && !atEnd { return .more }
                if escaped || t > r {
                    appendSide(b + segment, close - segment)
                    appendSide(b + r, t - r)
                    inSide = true
                    s = sideStart
                    e = sideCount
                } else {
                    s = q + 1
                    e = close
                }
                p = t
            } else {
                let t = firstOf(b, q, n, delimiters, CSVScanner.lineFeeds, CSVScanner.returns)
                if t - cellBegin > maxField { throw .fieldTooLarge(line: fieldLine) }
                if t >= n && !atEnd { return .more }
                s = q
                e = t
                p = t
            }
            // Trim spaces and tabs.
            let v = inSide ? UnsafePointer(side) : b
            while s < e && (v[s] == 0x20 || v[s] == 0x09) { s += 1 }
            while e > s && (v[e - 1] == 0x20 || v[e - 1] == 0x09) { e -= 1 }
            if e > s { rowIsBlank = false }
            if kept < keepCells {
                if kept == cellCapacity { growCells() }
                cellStart[kept] = inSide ? -1 - s : s
                cellLength[kept] = e - s
                kept += 1
            } else {
                droppedCells += 1
                sideCount = sideStart
            }
            if p < n && b[p] == d {
                p += 1
                continue
            }
            // The end of the row: a line end, or the end of the bytes.
            if p < n {
                if b[p] == 0x0D {
                    if p + 1 < n { p += b[p + 1] == 0x0A ? 2 : 1 } else if atEnd { p += 1 } else { return .more }
                } else {
                    p += 1
                }
            }
            line = ln + 1
            pos = p
            return .row(rowLine)
        }
    }

    private func appendSide(_ p: UnsafePointer<UInt8>, _ count: Int) {
        if count <= 0 { return }
        appendBytes(p, count, to: &side, count: &sideCount, capacity: &sideCapacity)
    }

    private func growCells() {
        let c = cellCapacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: c)
        let l = UnsafeMutablePointer<Int>.allocate(capacity: c)
        s.update(from: cellStart, count: cellCapacity)
        l.update(from: cellLength, count: cellCapacity)
        cellStart.deallocate()
        cellLength.deallocate()
        cellStart = s
        cellLength = l
        cellCapacity = c
    }
}

/// The first offset in `b[from..<n]` whose byte is one of three (each given repeated in every
/// byte of a word), or `n`: eight bytes at a time, then one by one.
@inline(__always)
func firstOf(_ b: UnsafePointer<UInt8>, _ from: Int, _ n: Int, _ m1: UInt64, _ m2: UInt64, _ m3: UInt64) -> Int {
    var i = from
    let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
    while i + 8 <= n {
        let w = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
        let x1 = w ^ m1, x2 = w ^ m2, x3 = w ^ m3
        let z = ((x1 &- ones) & ~x1 | (x2 &- ones) & ~x2 | (x3 &- ones) & ~x3) & highs
        if z != 0 { return i + z.trailingZeroBitCount >> 3 }
        i += 8
    }
    let c1 = UInt8(truncatingIfNeeded: m1), c2 = UInt8(truncatingIfNeeded: m2), c3 = UInt8(truncatingIfNeeded: m3)
    while i < n {
        let c = b[i]
        if c == c1 || c == c2 || c == c3 { return i }
        i += 1
    }
    return n
}
