import CaseloadCore
import Crypto

public enum Digest {
    /// SHA-256 of the bytes, lower-case hex.
    public static func sha256(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        hex(SHA256.hash(data: UnsafeRawBufferPointer(bytes)))
    }

    /// A digest as lower-case hex.
    public static func hex(_ d: SHA256Digest) -> String { lowerHex(d) }

    public static func sha256(_ bytes: [UInt8]) -> String { bytes.withUnsafeBufferPointer { sha256($0) } }
}

/// SHA-256 over bytes that come in pieces (a file written as it is made).
public final class StreamingDigest {
    private var hasher = SHA256()
    public init() {}
    public func update(_ b: UnsafeBufferPointer<UInt8>) { hasher.update(bufferPointer: UnsafeRawBufferPointer(b)) }
    public func hex() -> String { Digest.hex(hasher.finalize()) }
}
