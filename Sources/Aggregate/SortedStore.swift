#if canImport(Glibc)
    import Glibc
#endif

/// Per-case state kept from one period to the next: case ids (packed) in ascending order with
/// one small value each, in two arrays of exactly their size (12 or 16 bytes a case, no hash table
/// slack). A period's cases come in case order, so they are found by walking a cursor along the
/// keys, and the new ones are merged in at the end of the period, from the back, in place.
final class SortedStore<Value>: @unchecked Sendable {
    private(set) var keys: UnsafeMutablePointer<UInt64>?
    private(set) var values: UnsafeMutablePointer<Value>?
    private(set) var count = 0

    init() { precondition(_isPOD(Value.self), "plain values only") }

    deinit {
        free(keys)
        free(values)
    }

    subscript(_ i: Int) -> Value {
        get { values![i] }
        set { values![i] = newValue }
    }

    /// A walk along the keys, for ids asked in ascending order.
    struct Cursor {
        let keys: UnsafeMutablePointer<UInt64>?
        let count: Int
        var at = 0

        /// The index of `id`, if it is stored; ids must be asked in ascending order.
        @inline(__always)
        mutating func seek(_ id: UInt64) -> Int? {
            guard let keys else { return nil }
            while at < count && keys[at] < id { at += 1 }
            return at < count && keys[at] == id ? at : nil
        }
    }

    func cursor() -> Cursor { Cursor(keys: keys, count: count) }

    /// Adds new ids (ascending, none already stored) with their values.
    func merge(_ added: [(UInt64, Value)]) {
        guard !added.isEmpty else { return }
        let total = count + added.count
        guard let k = realloc(keys, total * MemoryLayout<UInt64>.stride),
            let v = realloc(values, total * MemoryLayout<Value>.stride)
        else {
            fatalError("out of memory for \(total) cases")
        }
        let nk = k.assumingMemoryBound(to: UInt64.self), nv = v.assumingMemoryBound(to: Value.self)
        keys = nk
        values = nv
        // From the back: the largest of what is left goes last.
        var i = count - 1, j = added.count - 1, w = total - 1
        while j >= 0 {
            if i >= 0 && nk[i] > added[j].0 {
                nk[w] = nk[i]
                (nv + w).initialize(to: nv[i])
                i -= 1
            } else {
                nk[w] = added[j].0
                (nv + w).initialize(to: added[j].1)
                j -= 1
            }
            w -= 1
        }
        count = total
    }
}
