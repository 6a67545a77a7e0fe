/// Case ids (packed in 64 bits) to dense integers 0, 1, 2, … in order of first sight: an
/// open-addressing table with linear probing and a multiplicative hash, so that per-case state
/// lives in arrays and the hot loops never go through `Hasher`.
struct DenseIDs {
    private var keys: [UInt64]
    private var values: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 1024) {
        var size = 1024
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        values = [Int32](repeating: -1, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The dense id of `key`, if it has one.
    @inline(__always)
    func find(_ key: UInt64) -> Int? {
        var i = slot(key)
        let mask = keys.count - 1
        while values[i] >= 0 {
            if keys[i] == key { return Int(values[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    /// The dense id of `key`, given the next free one when it is new; `isNew` says which.
    @inline(__always)
    mutating func id(_ key: UInt64) -> (id: Int, isNew: Bool) {
        if (count + 1) * 2 > keys.count { grow() }
        var i = slot(key)
        let mask = keys.count - 1
        while values[i] >= 0 {
            if keys[i] == key { return (Int(values[i]), false) }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = Int32(count)
        count += 1
        return (count - 1, true)
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Int32](repeating: -1, count: oldKeys.count * 2)
        shift -= 1
        let mask = keys.count - 1
        for (k, v) in zip(oldKeys, oldValues) where v >= 0 {
            var i = slot(k)
            while values[i] >= 0 { i = (i + 1) & mask }
            keys[i] = k
            values[i] = v
        }
    }
}
