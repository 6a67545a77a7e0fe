import CaseloadCore
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Buffers of the reading chunk's size (256 KiB), kept for the next file when a file is done.
///
/// Blocks that large are served straight from the system (`Memory.configure` fixes glibc's
/// threshold at 128 KiB), so a fresh one per file costs its 64 page faults and an unmap; the
/// workers read hundreds of files. The pool keeps at most `limit` of them (2 MiB), which bounds
/// what it holds whatever the number of workers beyond that; any other size is allocated and
/// freed as usual. The contents of a buffer taken from the pool are whatever was last in it.
public enum ChunkPool {
    public static let size = 1 << 18
    static let limit = 8

    /// The free buffers, behind the system's mutex.
    private final class Free: @unchecked Sendable {
        let lock = SystemLock()
        var buffers: [UnsafeMutablePointer<UInt8>] = []

        func withLock<T>(_ body: (Free) -> T) -> T { lock.withLock { body(self) } }
    }

    private static let free = Free()

    /// The size of buffer to read a file of `bytes` bytes through: the file's size when it is
    /// small (the heap serves it), else the chunk's (from the pool).
    public static func capacity(for bytes: Int) -> Int {
        bytes <= 1 << 17 ? max(bytes, 4) : size
    }

    /// A buffer of `capacity` bytes: from the pool when it is the chunk's size.
    public static func take(_ capacity: Int) -> UnsafeMutablePointer<UInt8> {
        if capacity == size, let p = free.withLock({ $0.buffers.popLast() }) {
            return p
        }
        return .allocate(capacity: capacity)
    }

    /// Gives back a buffer from `take` (or any buffer allocated for `capacity` bytes).
    public static func give(_ buffer: UnsafeMutablePointer<UInt8>, _ capacity: Int) {
        if capacity == size {
            let kept = free.withLock { f -> Bool in
                guard f.buffers.count < limit else { return false }
                f.buffers.append(buffer)
                return true
            }
            if kept { return }
        }
        buffer.deallocate()
    }
}
