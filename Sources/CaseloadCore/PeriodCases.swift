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
        var list = RecordList(records)
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
/// across files and the figures read a period this way, one pass each.
public struct PeriodCases: Sendable {
    /// One record: its case, its submission (index into the period's list, which is in path
    /// order) and its index there.
    public struct Ref: Sendable {
        public var caseID: UInt64
        public var submission: Int32
        public var index: Int32
    }

    /// Every record of the period, by case, then by submission.
    public let refs: [Ref]

    public init(_ submissions: [UsedSubmission]) {
        let total = submissions.reduce(0) { $0 + $1.count }
        let view = SubmissionView(submissions)
        let counts = submissions.map(\.count)
        @inline(__always)
        func caseID(_ s: Int, _ i: Int) -> UInt64 {
            view.isDetention[s] ? view.detention[s]![i].record.caseID.packed : view.shelter[s]![i].record.caseID.packed
        }
        var out: [Ref] = []
        out.reserveCapacity(total)
        // A binary heap of cursors, one per submission, ordered by (case, submission).
        var heap: [(caseID: UInt64, submission: Int32, index: Int32)] = []
        heap.reserveCapacity(submissions.count)
        for s in submissions.indices where counts[s] > 0 {
            heap.append((caseID(s, 0), Int32(s), 0))
        }
        @inline(__always)
        func less(_ a: (caseID: UInt64, submission: Int32, index: Int32), _ b: (caseID: UInt64, submission: Int32, index: Int32)) -> Bool {
            a.caseID != b.caseID ? a.caseID < b.caseID : a.submission < b.submission
        }
        func siftDown(_ start: Int) {
            var i = start
            let n = heap.count
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < n && less(heap[l], heap[m]) { m = l }
                if r < n && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        if heap.count > 1 { for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) } }
        while let top = heap.first {
            out.append(Ref(caseID: top.caseID, submission: top.submission, index: top.index))
            let s = Int(top.submission)
            let next = Int(top.index) + 1
            if next < counts[s] {
                heap[0] = (caseID(s, next), top.submission, Int32(next))
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        refs = out
    }

    /// Calls `body` with the records of each case in turn (in case order): a slice of `refs`.
    @inline(__always)
    public func forEachCase(_ body: (ArraySlice<Ref>) -> Void) {
        var g = 0
        let n = refs.count
        while g < n {
            let id = refs[g].caseID
            var h = g + 1
            while h < n && refs[h].caseID == id { h += 1 }
            body(refs[g..<h])
            g = h
        }
    }
}
