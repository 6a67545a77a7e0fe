import Crypto

public enum Digest {
    /// SHA-256 of the bytes, lower-case hex.
    public static func sha256(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        hex(SHA256.hash(data: UnsafeRawBufferPointer(bytes)))
    }

    /// A digest as lower-case hex.
    public static func hex(_ d: SHA256Digest) -> String {
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in d { out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    public static func sha256(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { sha256($0) } }
}
