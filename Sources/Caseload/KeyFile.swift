import Aggregate
import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// The key of keyed rounding (`--key-file`, outputs.md): the file's bytes with trailing spaces,
/// tabs, CR and LF removed, 16 to 1,024 bytes. Anything else is a configuration error, said in one
/// line, before the run takes its lock or writes anything.
public enum KeyFile {
    public static let minimum = 16, maximum = 1_024

    /// The key in `path`.
    public static func load(_ path: String) throws(ConfigurationError) -> [UInt8] {
        // Followed if it is a link (a secrets mount often is), but only a regular file is read:
        // a FIFO would block the night.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            throw ConfigurationError("--key-file \(path): cannot be opened (\(String(cString: strerror(errno))))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigurationError("--key-file \(path): not a regular file")
        }
        // Read a little past the limit: more than that is too long whatever follows.
        let cap = 64 * 1_024
        var bytes = [UInt8](repeating: 0, count: cap + 1)
        var n = 0
        while n < bytes.count {
            let got = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + n, $0.count - n) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else { throw ConfigurationError("--key-file \(path): cannot be read (\(String(cString: strerror(errno))))") }
            if got == 0 { break }
            n += got
        }
        guard n <= cap else { throw ConfigurationError("--key-file \(path): the key is longer than \(maximum) bytes") }
        var key = Array(bytes[..<n])
        while let last = key.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A { key.removeLast() }
        guard key.count >= minimum else {
            throw ConfigurationError("--key-file \(path): the key has \(key.count) bytes, at least \(minimum) are needed (caseload keygen writes one)")
        }
        guard key.count <= maximum else {
            throw ConfigurationError("--key-file \(path): the key has \(key.count) bytes, at most \(maximum) are allowed")
        }
        return key
    }

    public enum GenerateError: Error, CustomStringConvertible {
        /// The file exists: a key is never overwritten (a new key re-draws every rounding).
        case exists(String)
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .exists(let p): return "\(p) already exists; caseload keygen never overwrites a key (keep one key for good)"
            case .cannotWrite(let why): return why
            }
        }
    }

    /// Writes a new key: 32 bytes from the system's random source, as 64 lower-case hex digits and
    /// a newline, into a new file of mode 0600 (an existing file is never touched).
    public static func generate(_ path: String) throws(GenerateError) {
        var rng = SystemRandomNumberGenerator()
        let hex = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for _ in 0..<32 {
            let b = UInt8.random(in: 0...255, using: &rng)
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 15)])
        }
        text.append(0x0A)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw .exists(path) }
            throw .cannotWrite("\(path): cannot be created (\(String(cString: strerror(errno))))")
        }
        // The mode whatever the umask.
        _ = fchmod(fd, 0o600)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd) == 0
        close(fd)
        guard written == text.count, synced else {
            unlink(path)
            throw .cannotWrite("\(path): the key could not be written")
        }
    }

    /// The record keys of a run: HMAC under the key file's key, or plain SHA-256 without one.
    static func recordKeys(_ key: [UInt8]?) -> RecordKeys { key.map { RecordKeys(key: $0) } ?? RecordKeys() }
}
