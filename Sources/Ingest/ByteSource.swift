import CaseloadCore
import Crypto
#if canImport(Glibc)
    import Glibc
#endif

/// The bytes of one submission, read once, in chunks, into the reader's own buffer: each chunk
/// is checked for UTF-8 and NUL bytes and added to the SHA-256 digest as it arrives, so a file is
/// never held whole and its bytes are walked by the parser only (memory follows the chunk, not the
/// file). At the first bad byte the reader sees the end of the bytes; `finish()` then reads what
/// is left for the digest alone.
public final class ByteSource {
    enum Backing {
        case file(fd: Int32, size: Int)
        case memory(UnsafeBufferPointer<UInt8>)
    }

    let backing: Backing
    /// Bytes taken from the backing so far (its next offset).
    public private(set) var consumed = 0
    private var hasher: SHA256?
    private var validator = UTF8Validator()
    /// The first byte that is not UTF-8 text (NUL included): its offset and value.
    public private(set) var bad: (offset: Int, byte: UInt8)?
    /// A read error, when the file could not be read to its end.
    public private(set) var ioError: String?
    private var ended = false

    /// A file opened by `FileReader.open`, read with `pread` up to the size it had when opened.
    /// The source does not close the descriptor.
    public init(fd: Int32, size: Int, digest: Bool = true) {
        backing = .file(fd: fd, size: size)
        hasher = digest ? SHA256() : nil
    }

    /// Bytes already in memory (tests and tools).
    public init(_ bytes: UnsafeBufferPointer<UInt8>, digest: Bool = false) {
        backing = .memory(bytes)
        hasher = digest ? SHA256() : nil
    }

    /// A new source over the same bytes from the start, with no digest (a second parse).
    public func rewound() -> ByteSource {
        switch backing {
        case .file(let fd, let size): return ByteSource(fd: fd, size: size, digest: false)
        case .memory(let b): return ByteSource(b, digest: false)
        }
    }

    /// The size of the backing as known when it was opened.
    public var size: Int {
        switch backing {
        case .file(_, let size): return size
        case .memory(let b): return b.count
        }
    }

    /// Fills up to `max` bytes at `dst` with the next checked bytes; 0 at the end, after a bad
    /// byte, or after a read error.
    public func read(into dst: UnsafeMutablePointer<UInt8>, max capacity: Int) -> Int {
        guard !ended, capacity > 0 else { return 0 }
        let got = take(into: dst, max: capacity)
        if got == 0 {
            ended = true
            if ioError == nil, bad == nil, let b = validator.finish() { bad = b }
            return 0
        }
        if hasher != nil { hasher!.update(bufferPointer: UnsafeRawBufferPointer(start: dst, count: got)) }
        if let b = validator.check(dst, got, at: consumed - got) {
            bad = b
            ended = true
            // The bytes before the bad one are handed over; nothing after it.
            return max(0, b.offset - (consumed - got))
        }
        return got
    }

    /// Reads the raw bytes from the backing, advancing `consumed`.
    private func take(into dst: UnsafeMutablePointer<UInt8>, max: Int) -> Int {
        switch backing {
        case .memory(let b):
            let n = min(max, b.count - consumed)
            if n <= 0 { return 0 }
            dst.update(from: b.baseAddress! + consumed, count: n)
            consumed += n
            return n
        case .file(let fd, let size):
            let want = min(max, size - consumed)
            if want <= 0 { return 0 }
            while true {
                let n = pread(fd, dst, want, off_t(consumed))
                if n < 0 {
                    if errno == EINTR { continue }
                    ioError = String(cString: strerror(errno))
                    return 0
                }
                consumed += n
                return n
            }
        }
    }

    /// Reads what the parser left: checked for UTF-8 up to the first bad byte, and into the
    /// digest to the end. The verdict (`bad`) is then the whole file's.
    public func finish() {
        if ended && (bad != nil || ioError != nil || consumed >= size) && hasher == nil { return }
        let chunk = 1 << 18
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { buf.deallocate() }
        while ioError == nil {
            let n = take(into: buf, max: chunk)
            if n == 0 { break }
            if hasher != nil { hasher!.update(bufferPointer: UnsafeRawBufferPointer(start: buf, count: n)) }
            if bad == nil, let b = validator.check(buf, n, at: consumed - n) { bad = b }
        }
        if bad == nil && ioError == nil, let b = validator.finish() { bad = b }
        ended = true
    }

    /// The SHA-256 of every byte taken (call `finish()` first), lower-case hex.
    public var sha256: String? {
        guard let h = hasher else { return nil }
        return Digest.hex(h.finalize())
    }

    /// The 1-based line of a byte offset (`\n`, `\r\n` and `\r` end a line), read again from the
    /// start: only ever asked for the one bad byte of a rejected file.
    public func line(of offset: Int) -> Int {
        switch backing {
        case .memory(let b): return UTF8Check.line(of: offset, in: b)
        case .file(let fd, let size):
            var counter = LineCounter()
            let chunk = 1 << 16
            let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
            defer { buf.deallocate() }
            var at = 0
            // One byte past the offset: a CR just before it needs to know what follows.
            let stop = min(size, offset + 1)
            while at < stop {
                let n = pread(fd, buf, min(chunk, stop - at), off_t(at))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                counter.count(UnsafeBufferPointer(start: buf, count: n), upTo: min(n, offset - at))
                at += n
            }
            return counter.line
        }
    }
}

/// Counts lines across chunks as `UTF8Check.line` does in one buffer.
struct LineCounter {
    var line = 1
    private var pendingCR = false

    /// Counts the line ends before `limit` in `b`; bytes from `limit` on are only looked at to
    /// settle a CR just before it.
    mutating func count(_ b: UnsafeBufferPointer<UInt8>, upTo limit: Int) {
        var i = 0
        if pendingCR, b.count > 0 {
            if b[0] != 0x0A { line += 1 }
            pendingCR = false
        }
        while i < limit {
            let c = b[i]
            if c == 0x0A {
                line += 1
            } else if c == 0x0D {
                if i + 1 < b.count {
                    if b[i + 1] != 0x0A { line += 1 }
                } else {
                    pendingCR = true
                }
            }
            i += 1
        }
    }
}

/// UTF-8 (and no NUL byte) checked chunk by chunk, a sequence cut by a chunk's end carried over:
/// the same verdicts and offsets as `UTF8Check.firstBadByte` on the whole file.
struct UTF8Validator {
    /// Continuation bytes still expected, the bounds of the next one, and where the sequence began.
    private var need = 0
    private var lo: UInt8 = 0x80
    private var hi: UInt8 = 0xBF
    private var start = 0
    private var lead: UInt8 = 0

    /// Checks `n` bytes that begin at offset `base` of the stream; the first bad byte (the lead
    /// of an ill-formed sequence), if any.
    mutating func check(_ b: UnsafePointer<UInt8>, _ n: Int, at base: Int) -> (offset: Int, byte: UInt8)? {
        var i = 0
        while i < n {
            if need == 0 {
                // Fast path: ASCII without NUL, 32 bytes and then eight at a time.
                let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
                while i &+ 32 <= n {
                    let r = UnsafeRawPointer(b + i)
                    let w0 = r.loadUnaligned(as: UInt64.self), w1 = r.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    let w2 = r.loadUnaligned(fromByteOffset: 16, as: UInt64.self), w3 = r.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                    let zero = ((w0 &- ones) & ~w0) | ((w1 &- ones) & ~w1) | ((w2 &- ones) & ~w2) | ((w3 &- ones) & ~w3)
                    if (w0 | w1 | w2 | w3 | zero) & highs != 0 { break }
                    i &+= 32
                }
                while i &+ 8 <= n {
                    let w = UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self)
                    if (w | ((w &- ones) & ~w)) & highs != 0 { break }
                    i &+= 8
                }
                if i >= n { break }
                let c = b[i]
                if c == 0 { return (base + i, c) }
                if c < 0x80 { i += 1; continue }
                start = base + i
                lead = c
                guard let (continuation, first, last) = UTF8Check.lead(c) else { return (start, c) }
                need = continuation
                lo = first
                hi = last
                i += 1
            } else {
                let c = b[i]
                guard c >= lo, c <= hi else { return (start, lead) }
                lo = 0x80; hi = 0xBF
                need -= 1
                i += 1
            }
        }
        return nil
    }

    /// At the end of the stream: a sequence left open is bad at its lead.
    func finish() -> (offset: Int, byte: UInt8)? { need > 0 ? (start, lead) : nil }
}

/// Appends `n` bytes to a buffer of `count` bytes that holds `capacity`, doubling it as needed
/// (the readers' buffers of cell and field values).
@inline(__always)
func appendBytes(_ p: UnsafePointer<UInt8>, _ n: Int, to buffer: inout UnsafeMutablePointer<UInt8>, count: inout Int, capacity: inout Int) {
    if count + n > capacity {
        var c = capacity * 2
        while c < count + n { c *= 2 }
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
        bigger.update(from: buffer, count: count)
        buffer.deallocate()
        buffer = bigger
        capacity = c
    }
    (buffer + count).update(from: p, count: n)
    count += n
}
