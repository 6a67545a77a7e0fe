import Testing
@testable import CaseloadCore

/// `sortInPlace` orders as the standard library's sort does, keeps every element, and needs no
/// memory of its own: on random arrays with few and many distinct keys, on the shapes that trip
/// quicksorts (sorted, reversed, organ pipe, all equal), and with the heapsort taking over at
/// once or after one level.
struct SortingTests {
    struct Mix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static func shapes(_ n: Int, _ g: inout Mix) -> [[Int]] {
        [
            (0..<n).map { _ in Int.random(in: 0..<max(1, n), using: &g) },
            (0..<n).map { _ in Int.random(in: 0..<3, using: &g) },
            Array(0..<n),
            Array((0..<n).reversed()),
            (0..<n).map { $0 < n / 2 ? $0 : n - $0 },
            [Int](repeating: 7, count: n),
            (0..<n).map { $0 % 2 == 0 ? $0 : n - $0 },
        ]
    }

    @Test func ordersLikeTheStandardSortAndKeepsEveryElement() {
        var g = Mix(state: 2012)
        var checked = 0
        for n in [0, 1, 2, 3, 15, 16, 17, 31, 64, 100, 257, 1_000, 4_096] {
            for keys in Self.shapes(n, &g) {
                for depth in [nil, 0, 1] as [Int?] {
                    // Each element tagged with its position: the multiset is kept when the
                    // (key, tag) pairs, sorted by both, are the original ones sorted by both.
                    var a = keys.enumerated().map { (key: $0.element, tag: $0.offset) }
                    a.withUnsafeMutableBufferPointer { b in
                        if let depth { sortInPlace(b, depthLimit: depth) { $0.key < $1.key } } else { sortInPlace(b) { $0.key < $1.key } }
                    }
                    #expect(a.map(\.key) == keys.sorted(), "n \(n) depth \(String(describing: depth))")
                    let pairs = { (x: [(key: Int, tag: Int)]) in x.map { [$0.key, $0.tag] }.sorted { $0.lexicographicallyPrecedes($1) } }
                    #expect(pairs(a) == pairs(keys.enumerated().map { (key: $0.element, tag: $0.offset) }))
                    checked += 1
                }
            }
        }
        #expect(checked == 13 * 7 * 3)
    }

    /// A total order (a unique key, then the rest) gives the standard sort's result exactly.
    @Test func aTotalOrderGivesTheStandardResult() {
        var g = Mix(state: 31)
        for _ in 0..<50 {
            let rows = (0..<Int.random(in: 0..<3_000, using: &g)).map { _ in (UInt64.random(in: 0..<500, using: &g), Int.random(in: 0..<4, using: &g)) }
            let less = { (a: (UInt64, Int), b: (UInt64, Int)) in a.0 != b.0 ? a.0 < b.0 : a.1 < b.1 }
            var mine = rows
            mine.withUnsafeMutableBufferPointer { sortInPlace($0, by: less) }
            #expect(mine.map { [Int($0.0), $0.1] } == rows.sorted(by: less).map { [Int($0.0), $0.1] })
        }
    }
}
