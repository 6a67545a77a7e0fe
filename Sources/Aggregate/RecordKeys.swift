import CaseloadCore
import Crypto

/// The record key of a case (outputs.md, keyed rounding, step 1): the first four bytes, read as a
/// big-endian unsigned 32-bit integer, of HMAC-SHA256(key, case_id) when the run has a key, else
/// of SHA-256(case_id), `case_id` as its UTF-8 bytes. A cell's key is the sum of the record keys
/// of the distinct cases it counts, modulo 2^32; it fixes which way the cell is rounded.
public struct RecordKeys: @unchecked Sendable {
    /// HMAC over the key, set up once (its inner and outer states); copied for each case.
    private let hmac: HMAC<SHA256>?

    /// Keys from SHA-256 of the case id (no key file).
    public init() { hmac = nil }

    /// Keys from HMAC-SHA256 under `key` (the key file's bytes, already trimmed).
    public init(key: [UInt8]) { hmac = HMAC<SHA256>(key: SymmetricKey(data: key)) }

    public var isKeyed: Bool { hmac != nil }

    /// The record key of a case id as written (`IDN-2011-004512`).
    public func key(_ caseID: CaseID) -> UInt32 {
        // The id's 15 bytes, rebuilt from its packed form on the stack.
        var bytes: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var v = caseID.packed
            for i in stride(from: 14, through: 9, by: -1) { p[i] = UInt8(v % 10) &+ 0x30; v /= 10 }
            p[8] = 0x2D
            for i in stride(from: 7, through: 4, by: -1) { p[i] = UInt8(v % 10) &+ 0x30; v /= 10 }
            p[3] = 0x2D
            for i in stride(from: 2, through: 0, by: -1) { p[i] = UInt8(v % 26) &+ 0x41; v /= 26 }
            let text = UnsafeRawBufferPointer(start: raw.baseAddress, count: 15)
            if var h = hmac {
                h.update(data: text)
                return Self.first4(h.finalize())
            }
            return Self.first4(SHA256.hash(data: text))
        }
    }

    static func first4<S: Sequence>(_ digest: S) -> UInt32 where S.Element == UInt8 {
        var k: UInt32 = 0, n = 0
        for b in digest {
            k = k << 8 | UInt32(b)
            n += 1
            if n == 4 { break }
        }
        return k
    }

    /// The fingerprint of a key written into the manifest: SHA-256 of `caseload-key-fingerprint:`
    /// followed by the key, as lower-case hex. It names the key without revealing it.
    public static func fingerprint(_ key: [UInt8]) -> String {
        lowerHex(SHA256.hash(data: Array("caseload-key-fingerprint:".utf8) + key))
    }
}
