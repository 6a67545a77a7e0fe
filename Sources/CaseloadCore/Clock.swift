#if canImport(Glibc)
    import Glibc
#endif

/// Seconds from the system's clocks, for timings in the log (never in an output).
public enum Clock {
    /// A monotonic wall clock.
    public static func wall() -> Double { read(CLOCK_MONOTONIC) }
    /// Seconds since 1970 (the metrics file's timestamps; never in an output).
    public static func unixTime() -> Double { read(CLOCK_REALTIME) }
    /// The CPU time of the calling thread.
    public static func threadCPU() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }

    static func read(_ c: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(c, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// A decimal as text without exponent or binary noise, from a value rounded to `places`
/// decimals: all of them (`0.450` for seconds in the log), or with trailing zeros trimmed
/// (`0.2`, `1` in the manifest).
public func decimalText(_ v: Double, places: Int, trimmed: Bool) -> String {
    var scale = 1
    for _ in 0..<places { scale *= 10 }
    let scaled = Int((v * Double(scale)).rounded())
    let whole = scaled / scale, frac = abs(scaled % scale)
    var f = String(frac)
    f = String(repeating: "0", count: places - f.count) + f
    if trimmed {
        while f.hasSuffix("0") { f.removeLast() }
    }
    let sign = scaled < 0 && whole == 0 ? "-" : ""
    return f.isEmpty ? "\(sign)\(whole)" : "\(sign)\(whole).\(f)"
}

/// A pthread mutex (which ThreadSanitizer understands, unlike the futex of the standard
/// library's `Mutex`), at an address of its own, for the few places where threads share a value.
public final class SystemLock: @unchecked Sendable {
    private let m: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        m = .allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
    }

    deinit {
        pthread_mutex_destroy(m)
        m.deallocate()
    }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(m)
        defer { pthread_mutex_unlock(m) }
        return try body()
    }
}

/// Bytes as lower-case hex (digests, key fingerprints).
public func lowerHex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
    return String(decoding: out, as: UTF8.self)
}
