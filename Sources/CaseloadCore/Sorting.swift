/// Sorting in place, without borrowing memory: the standard library's sort is a merge sort that
/// takes a scratch buffer of half the elements (0.9 MB for a month's caseload rows at a million
/// records, 180 KB for a file of 9,000 records), and it is taken at the moment a period's memory
/// peaks. This is an introsort: quicksort on the median of three (Hoare's partition), insertion
/// sort for short ranges, heapsort past a depth of twice the bits of the count, and nothing to do
/// for input that is already in order. Not stable: `less` must order every pair of elements that
/// are not interchangeable (the callers compare a unique key, then the rest).
@inlinable
public func sortInPlace<T>(_ a: UnsafeMutableBufferPointer<T>, by less: (T, T) -> Bool) {
    sortInPlace(a, depthLimit: 2 * (Int.bitWidth - a.count.leadingZeroBitCount), by: less)
}

/// The same with the depth past which a range is heap-sorted given (the tests make it small).
@inlinable
public func sortInPlace<T>(_ a: UnsafeMutableBufferPointer<T>, depthLimit: Int, by less: (T, T) -> Bool) {
    guard a.count > 1 else { return }
    var sorted = true
    for i in 1..<a.count where less(a[i], a[i - 1]) { sorted = false; break }
    if sorted { return }
    introsort(a, a.startIndex, a.endIndex - 1, depthLimit, less)
}

/// Sorts `a[lo...hi]`.
@inlinable
func introsort<T>(_ a: UnsafeMutableBufferPointer<T>, _ lo: Int, _ hi: Int, _ depth: Int, _ less: (T, T) -> Bool) {
    var lo = lo, hi = hi, depth = depth
    while hi - lo >= 16 {
        if depth == 0 {
            heapsort(a, lo, hi, less)
            return
        }
        depth -= 1
        // The median of the first, middle and last as the pivot value.
        let mid = lo + (hi - lo) / 2
        if less(a[mid], a[lo]) { a.swapAt(mid, lo) }
        if less(a[hi], a[lo]) { a.swapAt(hi, lo) }
        if less(a[hi], a[mid]) { a.swapAt(hi, mid) }
        let pivot = a[mid]
        // Hoare: a[lo...j] are not after the pivot, a[j+1...hi] not before it, both non-empty.
        var i = lo - 1, j = hi + 1
        while true {
            repeat { i += 1 } while less(a[i], pivot)
            repeat { j -= 1 } while less(pivot, a[j])
            if i >= j { break }
            a.swapAt(i, j)
        }
        // The shorter side by recursion, the longer by the loop: the stack stays logarithmic.
        if j - lo < hi - j {
            introsort(a, lo, j, depth, less)
            lo = j + 1
        } else {
            introsort(a, j + 1, hi, depth, less)
            hi = j
        }
    }
    // Insertion sort of a short range.
    var k = lo + 1
    while k <= hi {
        let x = a[k]
        var m = k
        while m > lo && less(x, a[m - 1]) {
            a[m] = a[m - 1]
            m -= 1
        }
        a[m] = x
        k += 1
    }
}

/// Heapsort of `a[lo...hi]`.
@inlinable
func heapsort<T>(_ a: UnsafeMutableBufferPointer<T>, _ lo: Int, _ hi: Int, _ less: (T, T) -> Bool) {
    let n = hi - lo + 1
    func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while 2 * root + 1 < end {
            var child = 2 * root + 1
            if child + 1 < end && less(a[lo + child], a[lo + child + 1]) { child += 1 }
            guard less(a[lo + root], a[lo + child]) else { return }
            a.swapAt(lo + root, lo + child)
            root = child
        }
    }
    var start = n / 2 - 1
    while start >= 0 {
        siftDown(start, n)
        start -= 1
    }
    var end = n - 1
    while end > 0 {
        a.swapAt(lo, lo + end)
        siftDown(0, end)
        end -= 1
    }
}
