#if canImport(Glibc)
    import Glibc
#endif

/// An accepted submission that is used (not superseded), as the rules across files and the
/// figures see it.
public struct UsedSubmission: Sendable {
    public var kind: SubmissionKind
    public var facility: Facility
    public var period: Period
    /// The judged file's own records, sorted by case: shared, never copied.
    public var records: RecordList
    /// The file's index among the judged files (path order), where its issues are placed.
    public var file: Int

    public init(kind: SubmissionKind, facility: Facility, period: Period, records: RecordList, file: Int = 0) {
        self.kind = kind; self.facility = facility; self.period = period; self.records = records; self.file = file
    }

    /// For tests and tools: records in any order (they are sorted here).
    public init(kind: SubmissionKind, facility: Facility, period: Period, records: [Record], file: Int = 0) {
        let list = RecordList(records)
        list.sortByCase()
        self.init(kind: kind, facility: facility, period: period, records: list, file: file)
    }

    /// The number of records of the submission's kind.
    @inline(__always)
    public var count: Int { kind == .detention ? records.detention.count : records.shelter.count }

    @inline(__always)
    public func caseID(at i: Int) -> UInt64 {
        kind == .detention ? records.detention[i].record.caseID.packed : records.shelter[i].record.caseID.packed
    }
}

/// The records of a period's submissions as plain pointers, for the passes that read them case
/// by case (the submissions, which own them, outlive the view).
public struct SubmissionView {
    public let isDetention: [Bool]
    public let detention: [UnsafeMutablePointer<Located<DetentionRecord>>?]
    public let shelter: [UnsafeMutablePointer<Located<ShelterRecord>>?]

    public init(_ submissions: [UsedSubmission]) {
        isDetention = submissions.map { $0.kind == .detention }
        detention = submissions.map { $0.records.detention.base }
        shelter = submissions.map { $0.records.shelter.base }
    }
}

/// The records of one period case by case: the used submissions (each sorted by case) merged,
/// so that every record of a case comes together, in path order of the files. Both the rules
/// across files and the figures read a period this way, one pass each; the merge runs during the
/// pass (a heap of one cursor per submission), so nothing is kept per record.
public struct PeriodCases {
    /// One record: its case, its submission (index into the period's list, which is in path
    /// order) and its index there.
    public struct Ref: Sendable {
        public var caseID: UInt64
        public var submission: Int32
        public var index: Int32
    }

    let view: SubmissionView
    let counts: [Int]
    /// Each submission's records as raw memory, and their stride: a record's case id is its
    /// first eight bytes, whichever its kind.
    let bases: [UnsafeRawPointer?]
    let strides: [Int]

    public init(_ submissions: [UsedSubmission]) {
        let v = SubmissionView(submissions)
        view = v
        counts = submissions.map(\.count)
        precondition(
            MemoryLayout<Located<DetentionRecord>>.offset(of: \.record.caseID) == 0
                && MemoryLayout<Located<ShelterRecord>>.offset(of: \.record.caseID) == 0)
        bases = submissions.indices.map { s in
            v.isDetention[s] ? v.detention[s].map { UnsafeRawPointer($0) } : v.shelter[s].map { UnsafeRawPointer($0) }
        }
        strides = submissions.indices.map { v.isDetention[$0] ? MemoryLayout<Located<DetentionRecord>>.stride : MemoryLayout<Located<ShelterRecord>>.stride }
    }

    /// Calls `body` with the records of each case in turn, in case order (the buffer is valid
    /// during the call only; a case has at most one record a submission).
    ///
    /// `consuming`: the records are read once, by this walk, and their memory is given back to the
    /// system as the walk leaves them behind (whole pages of each submission's buffer, at least
    /// `RecordPages.step` bytes at a time, and the rest at the end), so that a period's records
    /// do not stay resident beside the next period's while they are folded into the per-case
    /// state. Once it returns, the submissions' records read as zeros: the caller must let them
    /// go without reading them.
    public func forEachCase(consuming: Bool = false, _ body: (UnsafeBufferPointer<Ref>) -> Void) {
        let k = counts.count
        guard k > 0 else { return }
        let heap = UnsafeMutablePointer<Ref>.allocate(capacity: k)
        let group = UnsafeMutablePointer<Ref>.allocate(capacity: k)
        defer { heap.deallocate(); group.deallocate() }
        let bases = UnsafeMutablePointer<UnsafeRawPointer?>.allocate(capacity: k)
        let strides = UnsafeMutablePointer<Int>.allocate(capacity: k)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: k)
        defer { bases.deallocate(); strides.deallocate(); counts.deallocate() }
        for s in 0..<k { bases[s] = self.bases[s]; strides[s] = self.strides[s]; counts[s] = self.counts[s] }
        // Per submission, the offset up to which its buffer has been given back.
        let given = UnsafeMutablePointer<Int>.allocate(capacity: k)
        given.initialize(repeating: 0, count: k)
        defer { given.deallocate() }
        @inline(__always) func caseID(_ s: Int, _ i: Int) -> UInt64 { bases[s]!.load(fromByteOffset: i &* strides[s], as: UInt64.self) }
        var n = 0
        for s in 0..<k where counts[s] > 0 {
            heap[n] = Ref(caseID: caseID(s, 0), submission: Int32(s), index: 0)
            n += 1
        }
        @inline(__always)
        func less(_ a: Ref, _ b: Ref) -> Bool { a.caseID != b.caseID ? a.caseID < b.caseID : a.submission < b.submission }
        @inline(__always)
        func siftDown(_ start: Int) {
            var i = start
            let item = heap[i]
            while true {
                let l = 2 &* i &+ 1
                if l >= n { break }
                var m = l
                if l &+ 1 < n && less(heap[l &+ 1], heap[l]) { m = l &+ 1 }
                if !less(heap[m], item) { break }
                heap[i] = heap[m]
                i = m
            }
            heap[i] = item
        }
        if n > 1 { for i in stride(from: n / 2 - 1, through: 0, by: -1) { siftDown(i) } }
        var g = 0
        while n > 0 {
            let top = heap[0]
            if g > 0 && group[0].caseID != top.caseID {
                body(UnsafeBufferPointer(start: group, count: g))
                g = 0
            }
            group[g] = top
            g &+= 1
            let s = Int(top.submission)
            // Every record of the submission before this one belongs to a case already visited.
            if consuming { RecordPages.passed(bases[s]!, to: Int(top.index) &* strides[s], given: &given[s]) }
            let next = Int(top.index) &+ 1
            if next < counts[s] {
                heap[0] = Ref(caseID: caseID(s, next), submission: top.submission, index: Int32(next))
            } else {
                n &-= 1
                heap[0] = heap[n]
            }
            if n > 1 { siftDown(0) }
        }
        if g > 0 { body(UnsafeBufferPointer(start: group, count: g)) }
        // Every record has been read: what is left of each buffer goes back too.
        if consuming {
            for s in 0..<k where counts[s] > 0 { RecordPages.passed(bases[s]!, to: counts[s] &* strides[s], given: &given[s], all: true) }
        }
    }
}

/// Giving the pages of records already read back to the system, inside a buffer that stays
/// allocated (`madvise(MADV_DONTNEED)`: the pages are freed at once and read as zeros if touched
/// again; the allocator's own bytes, before the buffer's first whole page, are never touched).
public enum RecordPages {
    /// Records are given back by at least this many bytes at a time (one call to the system). A
    /// constant, not a stored static: it is read once a case, from other modules too.
    @inlinable public static var step: Int { 64 << 10 }
    static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// A reader of `base` has passed the byte offset `to`: gives back the whole pages behind it
    /// once it is `step` bytes past `given`, the offset given back so far (`all`: at once).
    @inline(__always)
    public static func passed(_ base: UnsafeRawPointer, to: Int, given: inout Int, all: Bool = false) {
        if all || to &- given >= step { given = giveBack(base, from: given, to: to) }
    }

    /// Gives back the whole pages of `base[from..<to]` (byte offsets) and returns the offset up to
    /// which the buffer has now been given back (`from` when no whole page lies between).
    public static func giveBack(_ base: UnsafeRawPointer, from: Int, to: Int) -> Int {
        let address = Int(bitPattern: base)
        let start = (address &+ from &+ page &- 1) & ~(page &- 1)
        let end = (address &+ to) & ~(page &- 1)
        guard end > start else { return from }
        madvise(UnsafeMutableRawPointer(bitPattern: start), end &- start, MADV_DONTNEED)
        return end &- address
    }
}
