import CaseloadCore
import Synth
import Testing
#if canImport(Glibc)
    import Glibc
#endif
@testable import Aggregate

struct AggregatorUnitTests {
    @Test func lowerMedians() {
        #expect(lowerMedian([]) == nil)
        #expect(lowerMedian([7]) == 7)
        #expect(lowerMedian([9, 1]) == 1)
        #expect(lowerMedian([11, 30, 30, 50, 121, 150]) == 30)
        #expect(lowerMedian([5, 1, 3]) == 3)
        // Selection in place agrees with sorting, on many shapes (ties, runs, sorted, reversed).
        var rng = SeededRandom(seed: 4)
        for n in 1...300 {
            let spread = [2, 7, 1_000, 100_000][n % 4]
            var values = (0..<n).map { _ in Int(rng.next() % UInt64(spread)) }
            if n % 5 == 0 { values.sort() }
            if n % 7 == 0 { values.sort(by: >) }
            #expect(lowerMedian(values) == values.sorted()[(n - 1) / 2], "n = \(n)")
        }
    }

    static func victim(nationality: String, country: String) -> ShelterRecord {
        ShelterRecord(
            caseID: CaseID("IDN-2012-000001")!, sex: .F, birth: PartialDate(year: 1990, month: nil, day: nil),
            nationality: Country(code: nationality)!, identification: Day(year: 2012, month: 3, day: 1)!,
            admission: Day(year: 2012, month: 3, day: 1)!, discharge: nil, exploitation: CodeSet([.LABOUR]), sector: nil,
            exploitationCountry: Country(code: country)!, referral: nil, assistance: CodeSet([.MEDICAL]), consentToShare: false)
    }

    @Test(arguments: [
        ("IDN", "IDN", "DOMESTIC"), ("IDN", "MYS", "INTERNATIONAL"), ("XXA", "IDN", "UNKNOWN"), ("XXB", "XXB", "UNKNOWN"),
        ("XXC", "MYS", "UNKNOWN"), ("IDN", "XXX", "UNKNOWN"), ("XXX", "XXX", "UNKNOWN"), ("MMR", "IDN", "INTERNATIONAL"),
    ])
    func traffickingCategories(_ nationality: String, _ country: String, _ expected: String) {
        #expect(trafficking(Self.victim(nationality: nationality, country: country)) == expected)
    }

    @Test func cumulativeVictimsUseTheLatestPeriodAndUnionTheirLists() {
        let shelter = Facility(code: "SH-JKT", name: "x", kind: .SHELTER, province: "ID-JK", city: "y", opened: Period("2010-01")!, closed: nil)
        var early = Self.victim(nationality: "IDN", country: "MYS")
        early.birth = PartialDate(year: 1994, month: 6, day: 1)  // 17 at the end of 2012-03? no: 17 until 2012-06
        early.assistance = CodeSet([.MEDICAL])
        var late = early
        late.assistance = CodeSet([.PSYCHOSOCIAL])
        late.admission = Day(year: 2012, month: 6, day: 1)!
        let figures = Aggregator.figures([
            UsedSubmission(kind: .shelter, facility: shelter, period: Period("2012-03")!, records: [.shelter(early)]),
            UsedSubmission(kind: .shelter, facility: shelter, period: Period("2012-05")!, records: [Record]()),
            UsedSubmission(kind: .shelter, facility: shelter, period: Period("2012-06")!, records: [.shelter(late)]),
        ])
        #expect(figures.map(\.period.description) == ["2012-03", "2012-05", "2012-06"])
        let may = figures[1].indicator(.victims, "assisted_cumulative")!
        #expect(may.total == 1)
        #expect(may["age_group"]!.counts == ["12-17": 1])  // described by 2012-03, its age at the end of 2012-03
        #expect(figures[1].indicator(.victims, "assisted")!.total == 0)
        let june = figures[2]
        #expect(june.indicator(.victims, "new_cases")!.total == 0)
        #expect(june.indicator(.victims, "assisted_cumulative")!["age_group"]!.counts == ["18-59": 1])
        #expect(june.indicator(.victims, "assisted_cumulative")!["assistance"]!.counts == ["MEDICAL": 1, "PSYCHOSOCIAL": 1])
        #expect(june.indicator(.victims, "assisted")!["assistance"]!.counts == ["PSYCHOSOCIAL": 1])
        #expect(june.migrants.isEmpty)
    }
}

struct SortedStoreTests {
    /// New cases merged in period after period stay sorted, keep their values, and are found by
    /// a cursor walking in case order.
    @Test func mergesKeepOrderAndValues() {
        let store = SortedStore<Int32>()
        var rng = SeededRandom(seed: 9)
        var truth: [UInt64: Int32] = [:]
        for round in 0..<40 {
            var added: [UInt64: Int32] = [:]
            for _ in 0..<(round * 37 % 500) {
                let k = rng.next() % 1_000_000
                if truth[k] == nil { added[k] = Int32(truncatingIfNeeded: k &* 7) }
            }
            store.merge(added.keys.sorted().map { ($0, added[$0]!) })
            truth.merge(added) { a, _ in a }
            var cursor = store.cursor()
            for (i, k) in truth.keys.sorted().enumerated() {
                #expect(cursor.seek(k) == i)
                #expect(store[i] == truth[k])
            }
            #expect(store.count == truth.count)
        }
        var cursor = store.cursor()
        #expect(cursor.seek(2_000_000) == nil)
    }
}

struct PeriodCasesTests {
    static func migrant(_ id: String, arrival: Int) -> Record {
        .detention(
            DetentionRecord(
                caseID: CaseID(id)!, unhcrID: nil, sex: .M, birth: PartialDate(year: 1990, month: nil, day: nil),
                nationality: Country(code: "AFG")!, arrival: Day(ordinal: Int32(arrival)), interception: nil,
                status: .PENDING_RSD, statusDate: nil, unaccompaniedMinor: false,
                vulnerabilities: CodeSet(), services: CodeSet()))
    }

    /// Every record of a case comes together, cases in order, and within a case the files in
    /// their own (path) order.
    @Test func casesComeTogetherInPathOrder() {
        let f = Facility(code: "IDC-TPI", name: "x", kind: .IDC, province: "ID-KR", city: "y", opened: Period("2010-01")!, closed: nil)
        let p = Period("2012-03")!
        let a = UsedSubmission(kind: .detention, facility: f, period: p, records: [Self.migrant("IDN-2011-000003", arrival: 1), Self.migrant("IDN-2011-000001", arrival: 2)])
        let b = UsedSubmission(kind: .detention, facility: f, period: p, records: [Self.migrant("IDN-2011-000002", arrival: 3), Self.migrant("IDN-2011-000003", arrival: 4)])
        let c = UsedSubmission(kind: .detention, facility: f, period: p, records: [Record]())
        let cases = PeriodCases([a, c, b])
        var groups: [[String]] = []
        cases.forEachCase { g in groups.append(g.map { "\(CaseID(packed: $0.caseID)) \($0.submission)" }) }
        #expect(groups == [["IDN-2011-000001 0"], ["IDN-2011-000002 2"], ["IDN-2011-000003 0", "IDN-2011-000003 2"]])
    }

    /// A consuming walk sees every record as the plain walk does, and once it is over every whole
    /// page of the records is given back (no longer resident, by `mincore`, and reading as zeros),
    /// and not a byte outside them: the bytes before the first whole page and after the last are
    /// those of before the walk.
    @Test func aConsumingWalkGivesBackWhatItLeavesBehind() throws {
        let f = Facility(code: "IDC-TPI", name: "x", kind: .IDC, province: "ID-KR", city: "y", opened: Period("2010-01")!, closed: nil)
        let p = Period("2012-03")!
        func submissions() -> [UsedSubmission] {
            [(0, 3), (1, 5), (2, 7)].map { offset, step in
                UsedSubmission(
                    kind: .detention, facility: f, period: p,
                    records: (0..<9_000).map {
                        Self.migrant("IDN-2011-" + String(String(1_000_000 + $0 * step + offset).dropFirst()), arrival: $0)
                    })
            }
        }
        var plain: [[UInt64]] = []
        let kept = submissions()
        PeriodCases(kept).forEachCase { g in plain.append(g.map { $0.caseID }) }
        let used = submissions()
        let stride = MemoryLayout<Located<DetentionRecord>>.stride
        let before = used.map { Array(UnsafeRawBufferPointer(start: $0.records.detention.base, count: $0.records.detention.count * stride)) }
        var consumed: [[UInt64]] = []
        var arrivals: [Int32] = []
        let view = SubmissionView(used)
        PeriodCases(used).forEachCase(consuming: true) { g in
            consumed.append(g.map { $0.caseID })
            arrivals += g.map { view.detention[Int($0.submission)]![Int($0.index)].record.arrival.ordinal }
        }
        #expect(plain.count > 9_000 && consumed == plain)
        #expect(arrivals.sorted() == (0..<9_000).flatMap { [Int32($0), Int32($0), Int32($0)] })
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        for (s, sub) in used.enumerated() {
            let buffer = sub.records.detention
            let base = Int(bitPattern: buffer.base!), bytes = buffer.count * stride
            // The whole pages of the buffer: [first, last).
            let first = (base + page - 1) / page * page, last = (base + bytes) / page * page
            try #require(last - first > 4 * RecordPages.step)
            var resident = [UInt8](repeating: 1, count: (last - first) / page)
            #expect(mincore(UnsafeMutableRawPointer(bitPattern: first), last - first, &resident) == 0)
            #expect(resident.allSatisfy { $0 & 1 == 0 })
            let now = UnsafeRawBufferPointer(start: buffer.base, count: bytes)
            #expect(now[(first - base)..<(last - base)].allSatisfy { $0 == 0 })
            #expect(Array(now[..<(first - base)]) == Array(before[s][..<(first - base)]))
            #expect(Array(now[(last - base)...]) == Array(before[s][(last - base)...]))
        }
    }
}

/// `RecordPages.giveBack` frees whole pages only, never a byte outside the range it is given.
struct RecordPagesTests {
    @Test func onlyWholePagesInsideTheRangeAreGivenBack() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let size = 64 * page
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: page)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0xA5, count: size)
        // From byte 100 to byte 10 pages + 100: pages 1 to 9 are whole; 0 and 10 are not.
        let given = RecordPages.giveBack(raw, from: 100, to: 10 * page + 100)
        #expect(given == 10 * page)
        let bytes = UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: size)
        #expect(bytes[0..<page].allSatisfy { $0 == 0xA5 })
        #expect(bytes[page..<(10 * page)].allSatisfy { $0 == 0 })
        #expect(bytes[(10 * page)..<size].allSatisfy { $0 == 0xA5 })
        // Nothing whole between: nothing given back, and the offset stays.
        #expect(RecordPages.giveBack(raw, from: 10 * page, to: 11 * page - 1) == 10 * page)
        #expect(bytes[(10 * page)..<size].allSatisfy { $0 == 0xA5 })
    }
}

/// What the aggregation sizes from the code lists.
struct LayoutTests {
    /// A victim's cumulative description is packed in 32 bits, each field as wide as its list:
    /// a code added to exploitation or assistance widens its field, and this fails when the
    /// whole no longer fits.
    @Test func theVictimsDescriptionFitsAndIsSizedFromTheLists() {
        #expect(VictimLayout.needed <= 32)
        let l = VictimLayout()
        #expect(l.widths.exploitation == Exploitation.count && l.widths.assistance == Assistance.count)
        #expect(1 << l.widths.nationality >= countryCodes.count && 1 << l.widths.sex >= Sex.count)
        // Every field survives the packing at its largest value.
        let d = VictimDescription(
            sex: Sex.count - 1, ageGroup: AgeGroup.allCases.count - 1, nationality: countryCodes.count - 1,
            exploitation: UInt16((1 << Exploitation.count) - 1), assistance: UInt16((1 << Assistance.count) - 1), l)
        #expect(d.sex(l) == Sex.count - 1 && d.ageGroup(l) == AgeGroup.allCases.count - 1 && d.nationality(l) == countryCodes.count - 1)
        #expect(d.exploitation(l) == UInt16((1 << Exploitation.count) - 1) && d.assistance(l) == UInt16((1 << Assistance.count) - 1))
    }

    /// The dense dimension index of the aggregation follows the contract's dimensions one to one.
    @Test func theDenseDimensionsAreTheContractsOnes() {
        #expect(Dimension.allCases.map { Dim($0).rawValue } == Array(0..<Dim.allCases.count))
    }
}
