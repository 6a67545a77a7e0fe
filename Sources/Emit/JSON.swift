/// A small JSON value with a deterministic rendering: keys in the order given, two-space
/// indentation, `\n` line ends, no floating-point surprises.
public indirect enum JSON: Sendable, Equatable {
    case object([(String, JSON)])
    case array([JSON])
    case string(String)
    case int(Int)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSON, b: JSON) -> Bool { a.rendered() == b.rendered() }

    public func rendered() -> String { String(decoding: bytes(), as: UTF8.self) }

    /// The rendering as UTF-8 bytes, ending with a line feed.
    public func bytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 14)
        write(into: &out, indent: 0)
        out.append(0x0A)
        return out
    }

    func write(into out: inout [UInt8], indent: Int) {
        @inline(__always) func pad(_ n: Int) { for _ in 0..<(2 * n) { out.append(0x20) } }
        switch self {
        case .object(let members):
            if members.isEmpty { out.append(0x7B); out.append(0x7D); return }
            out.append(0x7B); out.append(0x0A)
            for (i, (k, v)) in members.enumerated() {
                pad(indent + 1)
                JSON.quote(k, into: &out)
                out.append(0x3A); out.append(0x20)
                v.write(into: &out, indent: indent + 1)
                if i < members.count - 1 { out.append(0x2C) }
                out.append(0x0A)
            }
            pad(indent); out.append(0x7D)
        case .array(let items):
            if items.isEmpty { out.append(0x5B); out.append(0x5D); return }
            if items.allSatisfy({
                if case .object = $0 { return false }; if case .array = $0 { return false }; return true
            }) {
                out.append(0x5B)
                for (i, v) in items.enumerated() {
                    if i > 0 { out.append(0x2C); out.append(0x20) }
                    v.write(into: &out, indent: 0)
                }
                out.append(0x5D)
                return
            }
            out.append(0x5B); out.append(0x0A)
            for (i, v) in items.enumerated() {
                pad(indent + 1)
                v.write(into: &out, indent: indent + 1)
                if i < items.count - 1 { out.append(0x2C) }
                out.append(0x0A)
            }
            pad(indent); out.append(0x5D)
        case .string(let s): JSON.quote(s, into: &out)
        case .int(let n): JSON.integer(n, into: &out)
        case .number(let s): out += s.utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .null: out += "null".utf8
        }
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out: [UInt8] = []
        quote(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A JSON string literal, written as bytes: `"` and `\` escaped, line ends and tabs by their
    /// letters, other control characters as `\u00XX`, everything else as it is.
    public static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0..<0x20, 0x7F:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out += [0x5C, 0x75, 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// A whole number in decimal.
    static func integer(_ n: Int, into out: inout [UInt8]) {
        if n < 0 { out.append(0x2D) }
        var v = n.magnitude
        var digits:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var k = 0
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[k] = UInt8(v % 10) + 0x30
                v /= 10
                k += 1
            } while v > 0
            while k > 0 { k -= 1; out.append(d[k]) }
        }
    }
}
