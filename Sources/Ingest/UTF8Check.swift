import CaseloadCore

/// Checks a whole file for valid UTF-8 and NUL bytes before any parsing.
public enum UTF8Check {
    /// What a lead byte of a multi-byte UTF-8 sequence asks for (the Unicode standard's table 3-7):
    /// how many continuation bytes, and the range of the first one; nil for a byte that cannot lead.
    @inline(__always)
    static func lead(_ c: UInt8) -> (continuation: Int, lo: UInt8, hi: UInt8)? {
        switch c {
        case 0xC2...0xDF: return (1, 0x80, 0xBF)
        case 0xE0: return (2, 0xA0, 0xBF)
        case 0xE1...0xEC, 0xEE, 0xEF: return (2, 0x80, 0xBF)
        case 0xED: return (2, 0x80, 0x9F)
        case 0xF0: return (3, 0x90, 0xBF)
        case 0xF1...0xF3: return (3, 0x80, 0xBF)
        case 0xF4: return (3, 0x80, 0x8F)
        default: return nil
        }
    }

    /// The `ENCODING` issue of the first bad byte, for every reader.
    static func finding(_ byte: UInt8, line: Int) -> Finding {
        let what = byte == 0 ? "a NUL byte" : "a byte that is not valid UTF-8 (0x\(String(byte, radix: 16, uppercase: true)))"
        return Finding(.ENCODING, line: line, message: "\(what): the file must be UTF-8 text")
    }

    /// The byte offset of the first NUL byte or ill-formed UTF-8 sequence, if any.
    public static func firstBadByte(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let n = b.count
        var i = 0
        while i < n {
            // Fast path: eight ASCII bytes without NUL at a time.
            if i + 8 <= n {
                let w = UnsafeRawPointer(b.baseAddress! + i).loadUnaligned(as: UInt64.self)
                let hasHigh = w & 0x8080_8080_8080_8080
                let hasZero = (w &- 0x0101_0101_0101_0101) & ~w & 0x8080_8080_8080_8080
                if hasHigh == 0 && hasZero == 0 { i += 8; continue }
            }
            let c = b[i]
            if c == 0 { return i }
            if c < 0x80 { i += 1; continue }
            guard let (continuation, lo, hi) = lead(c) else { return i }
            let len = continuation + 1
            guard i + len <= n else { return i }
            let c1 = b[i + 1]
            guard c1 >= lo, c1 <= hi else { return i }
            for k in 2..<len where b[i + k] < 0x80 || b[i + k] > 0xBF { return i }
            i += len
        }
        return nil
    }

    /// The 1-based physical line of a byte offset (`\n`, `\r\n` and `\r` end a line).
    public static func line(of offset: Int, in b: UnsafeBufferPointer<UInt8>) -> Int {
        var line = 1
        var i = 0
        while i < offset {
            let c = b[i]
            if c == 0x0A {
                line += 1
            } else if c == 0x0D && !(i + 1 < b.count && b[i + 1] == 0x0A) {
                line += 1
            }
            i += 1
        }
        return line
    }
}
