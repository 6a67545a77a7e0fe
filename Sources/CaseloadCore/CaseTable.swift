import CCaseload
#if canImport(Glibc)
    import Glibc
#endif

/// Case ids (packed, 48 bits) to a small value: an open-addressing table with linear probing and
/// a multiplicative hash, in memory of its own (no `Hasher`, no reference counting on the hot
/// path). Keys are stored plus one (0 marks an empty slot).
public final class CaseTable<Value> {
    private var keys: UnsafeMutablePointer<UInt64>
    private var values: UnsafeMutablePointer<Value>
    private var size: Int
    private var shift: UInt64
    public private(set) var count = 0

    public init(capacity: Int = 64) {
        precondition(_isPOD(Value.self), "plain values only")
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        self.size = size
        keys = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values = .allocate(capacity: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The slot that holds `key`, or the empty slot where it would go (linear probing).
    @inline(__always)
    private func probe(_ key: UInt64) -> Int {
        let mask = size - 1
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key || k == 0 { return i }
            i = (i + 1) & mask
        }
    }

    /// The value stored for `id`.
    @inline(__always)
    public func find(_ id: CaseID) -> Value? {
        let key = id.packed &+ 1
        let i = probe(key)
        return keys[i] == key ? values[i] : nil
    }

    /// Asks for the memory `insertIfAbsent(id, _)` will read first.
    @inline(__always)
    public func prefetch(_ id: CaseID) {
        caseload_prefetch(keys + slot(id.packed &+ 1))
    }

    /// Stores `value` for `id` unless it has one; returns the value it already had.
    @inline(__always)
    public func insertIfAbsent(_ id: CaseID, _ value: Value) -> Value? {
        if (count + 1) * 2 > size { grow() }
        let key = id.packed &+ 1
        let i = probe(key)
        if keys[i] == key { return values[i] }
        keys[i] = key
        (values + i).initialize(to: value)
        count += 1
        return nil
    }

    private func grow() {
        let oldKeys = keys, oldValues = values, oldSize = size
        size *= 2
        shift -= 1
        keys = .allocate(capacity: size)
        keys.initialize(repeating: 0, count: size)
        values = .allocate(capacity: size)
        let mask = size - 1
        for j in 0..<oldSize where oldKeys[j] != 0 {
            var i = slot(oldKeys[j])
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = oldKeys[j]
            (values + i).initialize(to: oldValues[j])
        }
        oldKeys.deallocate()
        oldValues.deallocate()
    }
}
