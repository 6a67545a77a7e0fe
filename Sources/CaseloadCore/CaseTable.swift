/// Case ids (packed, 48 bits) to a small value: an open-addressing table with linear probing and
/// a multiplicative hash, so that the hot loops never go through `Hasher`. Keys are stored plus
/// one (0 marks an empty slot).
public struct CaseTable<Value> {
    private var keys: [UInt64]
    private var values: [Value]
    private var shift: UInt64
    private let empty: Value
    public private(set) var count = 0

    public init(empty: Value, capacity: Int = 64) {
        var size = 64
        while size < capacity * 2 { size <<= 1 }
        self.empty = empty
        keys = [UInt64](repeating: 0, count: size)
        values = [Value](repeating: empty, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift) }

    /// The value stored for `id`.
    @inline(__always)
    public func find(_ id: CaseID) -> Value? {
        let key = id.packed &+ 1
        let mask = keys.count - 1
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Stores `value` for `id` unless it has one; returns the value it already had.
    @inline(__always)
    public mutating func insertIfAbsent(_ id: CaseID, _ value: Value) -> Value? {
        if (count + 1) * 2 > keys.count { grow() }
        let key = id.packed &+ 1
        let mask = keys.count - 1
        var i = slot(key)
        while true {
            let k = keys[i]
            if k == key { return values[i] }
            if k == 0 { break }
            i = (i + 1) & mask
        }
        keys[i] = key
        values[i] = value
        count += 1
        return nil
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        keys = [UInt64](repeating: 0, count: oldKeys.count * 2)
        values = [Value](repeating: empty, count: oldKeys.count * 2)
        shift -= 1
        let mask = keys.count - 1
        for (k, v) in zip(oldKeys, oldValues) where k != 0 {
            var i = slot(k)
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = k
            values[i] = v
        }
    }
}
