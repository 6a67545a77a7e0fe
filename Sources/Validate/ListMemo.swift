#if canImport(Glibc)
    import Glibc
#endif

/// The code lists already read in a file, by their exact bytes: a facility's lists repeat (a few
/// hundred distinct service lists among thousands of people), so a list cell seen before costs a
/// hash and a comparison instead of a parse. Only lists that parsed without fault are kept, at
/// most `capacity` of them, so a file of ever-new values costs no more than a small table.
final class ListMemo {
    static let slots = 1024
    static let capacity = 512
    static let arenaSize = 1 << 16
    private var hashes: UnsafeMutablePointer<UInt64>!
    private var offsets: UnsafeMutablePointer<Int32>!
    private var lengths: UnsafeMutablePointer<Int32>!
    private var bits: UnsafeMutablePointer<UInt16>!
    private var arena: UnsafeMutablePointer<UInt8>!
    private var used = 0
    private var count = 0

    /// Nothing is allocated until a first list is kept (a small file may have none to keep).
    init() {}

    private func allocate() {
        hashes = .allocate(capacity: ListMemo.slots)
        offsets = .allocate(capacity: ListMemo.slots)
        lengths = .allocate(capacity: ListMemo.slots)
        lengths.initialize(repeating: -1, count: ListMemo.slots)
        bits = .allocate(capacity: ListMemo.slots)
        arena = .allocate(capacity: ListMemo.arenaSize)
    }

    deinit {
        guard hashes != nil else { return }
        hashes.deallocate()
        offsets.deallocate()
        lengths.deallocate()
        bits.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        var i = 0
        while i &+ 8 <= n {
            h = (h ^ UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h &>> 29
            i &+= 8
        }
        var tail: UInt64 = 0
        while i < n {
            tail = tail &<< 8 | UInt64(p[i])
            i &+= 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        return h ^ (h &>> 31)
    }

    /// The code bits of a list cell seen before.
    @inline(__always)
    func find(_ cell: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> UInt16? {
        guard count > 0, let p = cell.baseAddress else { return nil }
        let n = cell.count
        var s = Int(truncatingIfNeeded: h) & (ListMemo.slots - 1)
        while lengths[s] >= 0 {
            if hashes[s] == h && Int(lengths[s]) == n && memcmp(arena + Int(offsets[s]), p, n) == 0 { return bits[s] }
            s = (s + 1) & (ListMemo.slots - 1)
        }
        return nil
    }

    /// Keeps a list cell's code bits, while there is room.
    func insert(_ cell: UnsafeBufferPointer<UInt8>, hash h: UInt64, _ value: UInt16) {
        guard let p = cell.baseAddress else { return }
        let n = cell.count
        guard count < ListMemo.capacity, used + n <= ListMemo.arenaSize else { return }
        if hashes == nil { allocate() }
        var s = Int(truncatingIfNeeded: h) & (ListMemo.slots - 1)
        while lengths[s] >= 0 { s = (s + 1) & (ListMemo.slots - 1) }
        (arena + used).update(from: p, count: n)
        hashes[s] = h
        offsets[s] = Int32(used)
        lengths[s] = Int32(n)
        bits[s] = value
        used += n
        count += 1
    }
}
