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
        func pad(_ n: Int) { for _ in 0..<(2 * n) { out.append(0x20) } }
        switch self {
        case .object(let members):
            if members.isEmpty { out += Array("{}".utf8); return }
            out.append(0x7B); out.append(0x0A)
            for (i, (k, v)) in members.enumerated() {
                pad(indent + 1)
                out += JSON.quote(k).utf8
                out.append(0x3A); out.append(0x20)
                v.write(into: &out, indent: indent + 1)
                if i < members.count - 1 { out.append(0x2C) }
                out.append(0x0A)
            }
            pad(indent); out.append(0x7D)
        case .array(let items):
            if items.isEmpty { out += Array("[]".utf8); return }
            if items.allSatisfy({ if case .object = $0 { return false }; if case .array = $0 { return false }; return true }) {
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
        case .string(let s): out += JSON.quote(s).utf8
        case .int(let n): out += String(n).utf8
        case .number(let s): out += s.utf8
        case .bool(let b): out += (b ? "true" : "false").utf8
        case .null: out += "null".utf8
        }
    }

    /// A JSON string literal.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
