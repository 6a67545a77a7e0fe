import CaseloadCore

/// Every figure of indicators.md, period by period. The report for P depends only on
/// submissions for periods up to P, so the history is advanced one period at a time: what it
/// keeps of the periods before is per case and small (the earliest arrival of each migrant, the
/// cumulative description of each victim), never their records.
public enum Aggregator {
    /// Every period's figures from the used submissions of all periods, with their shared cells
    /// rounded to multiples of `k` (tests and tools).
    public static func figures(_ submissions: [UsedSubmission], recordKeys: RecordKeys = RecordKeys(), k: Int = 5) -> [PeriodFigures] {
        var facilities: [String: Facility] = [:]
        for s in submissions { facilities[s.facility.code] = s.facility }
        var history = History(facilities: Array(facilities.values), recordKeys: recordKeys)
        var releases = KeyedRounding.Releases(k: k, facilities: Array(facilities.values))
        let periods = Set(submissions.map(\.period)).sorted()
        return periods.map { p in
            let mine = submissions.filter { $0.period == p }
            var f = history.advance(p, submissions: mine, cases: PeriodCases(mine))
            f.shared = releases.share(f)
            return f
        }
    }

    public struct MigrantFigures: Sendable {
        var indicators: [IndicatorFigures]
        var caseload: [CaseloadRow]
    }
}

/// The figures' history: fed each period's used submissions in order, it returns the period's
/// figures. A kind without a submission in a period has no figures there.
public struct History: Sendable {
    let labels: Labels
    let facilityIndex: [String: Int]
    let provinceIndex: [String: Int]
    var migrants = MigrantHistory()
    var victims: VictimHistory
    /// The record keys of the cases (keyed rounding), computed once a case.
    let recordKeys: RecordKeys

    public init(registry: Registry, recordKeys: RecordKeys = RecordKeys()) {
        self.init(facilities: Array(registry.facilities.values), recordKeys: recordKeys)
    }

    public init(facilities: [Facility], recordKeys: RecordKeys = RecordKeys()) {
        self.recordKeys = recordKeys
        // Facilities and provinces as indices, in code order (ties of principal records go to the
        // facility code that sorts first, which is then the smaller index).
        let codes = facilities.map(\.code).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let provinces = Set(facilities.map(\.province)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        labels = Labels(facilities: codes, provinces: provinces)
        facilityIndex = Dictionary(uniqueKeysWithValues: codes.enumerated().map { ($1, $0) })
        provinceIndex = Dictionary(uniqueKeysWithValues: provinces.enumerated().map { ($1, $0) })
        victims = VictimHistory(labels: labels)
    }

    /// The figures of period `p` (after every earlier period): `submissions` are its used
    /// submissions, `cases` the same read case by case.
    public mutating func advance(_ p: Period, submissions: [UsedSubmission], cases: PeriodCases) -> PeriodFigures {
        let pass = begin(p, submissions: submissions)
        cases.forEachCase { pass.visit($0) }
        return pass.finish()
    }

    /// A pass over period `p`, for a walk over its cases that other passes share (`visit` each
    /// case in case order, then `finish`).
    public func begin(_ p: Period, submissions: [UsedSubmission]) -> FiguresPass {
        let places = submissions.map { s in
            Place(
                facility: facilityIndex[s.facility.code]!, province: provinceIndex[s.facility.province]!,
                community: s.facility.kind == .COMMUNITY)
        }
        let view = SubmissionView(submissions)
        let m = submissions.contains { $0.kind == .detention } ? MigrantPass(migrants, p, submissions, view, places, labels, recordKeys) : nil
        let v = submissions.contains { $0.kind == .shelter } ? VictimPass(victims, p, view, places, recordKeys) : nil
        return FiguresPass(period: p, migrants: m, victims: v, facilities: labels.facilities)
    }

    public final class FiguresPass {
        let period: Period
        let migrants: MigrantPass?
        let victims: VictimPass?
        let facilities: [String]

        init(period: Period, migrants: MigrantPass?, victims: VictimPass?, facilities: [String]) {
            self.period = period; self.migrants = migrants; self.victims = victims; self.facilities = facilities
        }

        /// One case's records of the period.
        @inline(__always)
        public func visit(_ group: UnsafeBufferPointer<PeriodCases.Ref>) {
            migrants?.visit(group)
            victims?.visit(group)
        }

        /// The period's figures; the history now includes the period.
        public func finish() -> PeriodFigures {
            let m = migrants?.finish()
            let v = victims?.finish()
            return PeriodFigures(
                period: period, migrants: m?.indicators ?? [], victims: v ?? [], caseload: m?.caseload ?? [],
                facilities: facilities)
        }
    }
}

/// Where a record comes from, as indices.
struct Place {
    var facility: Int
    var province: Int
    var community: Bool
}

/// Whether a record from `a` is the principal over one from `b`: the later date, then the
/// facility code that sorts first.
@inline(__always)
func prefers(_ da: Day, _ a: Place, over db: Day, _ b: Place) -> Bool {
    da != db ? da > db : a.facility < b.facility
}

/// The dimensions of indicators.md as small integer categories, so that counting is array
/// arithmetic; names are given to the categories only when the figures are built.
enum Dim: Int, CaseIterable {
    case total, sex, ageGroup, sexAge, nationality, placement, facility, province, status, interception
    case vulnerability, service, exploitation, sector, exploitationCountry, trafficking, referral, assistance

    /// The contract's dimension.
    init(_ d: Dimension) {
        switch d {
        case .total: self = .total
        case .sex: self = .sex
        case .ageGroup: self = .ageGroup
        case .sexAge: self = .sexAge
        case .nationality: self = .nationality
        case .placement: self = .placement
        case .facility: self = .facility
        case .province: self = .province
        case .status: self = .status
        case .interception: self = .interception
        case .vulnerability: self = .vulnerability
        case .service: self = .service
        case .exploitation: self = .exploitation
        case .sector: self = .sector
        case .exploitationCountry: self = .exploitationCountry
        case .trafficking: self = .trafficking
        case .referral: self = .referral
        case .assistance: self = .assistance
        }
    }

}

/// How categories are named, per dimension (facilities and provinces by their sorted codes).
struct Labels: Sendable {
    let facilities: [String]
    let provinces: [String]
    static let trafficking = ["DOMESTIC", "INTERNATIONAL", "UNKNOWN"]

    func size(_ d: Dim) -> Int {
        switch d {
        case .total: return 1
        case .sex: return 3
        case .ageGroup: return 5
        case .sexAge: return 15
        case .nationality, .exploitationCountry: return countryCodes.count
        case .placement: return 2
        case .facility: return facilities.count
        case .province: return provinces.count
        case .status: return Status.count
        case .interception: return Interception.count + 1
        case .vulnerability: return Vulnerability.count + 1
        case .service: return Service.count + 1
        case .exploitation: return Exploitation.count + 1
        case .sector: return Sector.count + 1
        case .trafficking: return 3
        case .referral: return Referral.count + 1
        case .assistance: return Assistance.count + 1
        }
    }

    func name(_ d: Dim, _ i: Int) -> String {
        func code<C: Code>(_: C.Type, _ extra: String) -> String { i < C.count ? C(ordinal: i).rawValue : extra }
        switch d {
        case .total: return "ALL"
        case .sex: return Sex(ordinal: i).rawValue
        case .ageGroup: return AgeGroup.allCases[i].rawValue
        case .sexAge: return Sex(ordinal: i / 5).rawValue + "|" + AgeGroup.allCases[i % 5].rawValue
        case .nationality, .exploitationCountry: return countryCodes[i]
        case .placement: return i == 0 ? "IDC" : "COMMUNITY"
        case .facility: return facilities[i]
        case .province: return provinces[i]
        case .status: return Status(ordinal: i).rawValue
        case .interception: return code(Interception.self, "UNKNOWN")
        case .vulnerability: return code(Vulnerability.self, "NONE")
        case .service: return code(Service.self, "NONE")
        case .exploitation: return code(Exploitation.self, "NONE")
        case .sector: return code(Sector.self, "UNKNOWN")
        case .trafficking: return Labels.trafficking[i]
        case .referral: return code(Referral.self, "UNKNOWN")
        case .assistance: return code(Assistance.self, "NONE")
        }
    }
}

/// One case's categories: one per single-valued dimension, a bit set per list (`NONE` is the bit
/// after the list's codes). Reused case after case.
final class Categories {
    let single = UnsafeMutablePointer<Int>.allocate(capacity: Dim.allCases.count)
    let bits = UnsafeMutablePointer<UInt32>.allocate(capacity: Dim.allCases.count)

    init() {
        single.initialize(repeating: 0, count: Dim.allCases.count)
        bits.initialize(repeating: 0, count: Dim.allCases.count)
    }

    deinit {
        single.deallocate()
        bits.deallocate()
    }

    @inline(__always)
    subscript(_ d: Dim) -> Int {
        get { single[d.rawValue] }
        set { single[d.rawValue] = newValue }
    }

    @inline(__always)
    func list(_ d: Dim, bits b: UInt16, codes: Int) {
        bits[d.rawValue] = b == 0 ? UInt32(1) << UInt32(codes) : UInt32(b)
    }
}

/// Counts of every indicator of one population, by indicator, dimension and category index, in
/// one flat block: counting a case is a few additions at fixed offsets.
final class Tallies: @unchecked Sendable {
    /// For each indicator, its dimensions: `first[k]..<first[k + 1]` of `dims` and `offsets`.
    let first: [Int]
    let dims: [Dim]
    let dimCodes: UnsafeMutablePointer<Int>
    let multi: UnsafeMutablePointer<Bool>
    let offsets: UnsafeMutablePointer<Int>
    let counts: UnsafeMutablePointer<Int>
    /// The cell keys, beside the counts: each case adds its record key where it adds 1.
    let keys: UnsafeMutablePointer<UInt32>
    let size: Int

    /// The indicators of one population, in their order.
    let indicators: [Indicator]

    init(_ population: Population, _ labels: Labels) {
        indicators = Indicator.allCases.filter { $0.population == population }
        var first: [Int] = [], dims: [Dim] = [], offsets: [Int] = [], isMulti: [Bool] = []
        var offset = 0
        for indicator in indicators {
            first.append(dims.count)
            for dimension in indicator.dimensions {
                let d = Dim(dimension)
                dims.append(d)
                isMulti.append(dimension.isMultiValued)
                offsets.append(offset)
                offset += labels.size(d)
            }
        }
        first.append(dims.count)
        self.first = first
        self.dims = dims
        dimCodes = .allocate(capacity: dims.count)
        multi = .allocate(capacity: dims.count)
        self.offsets = .allocate(capacity: dims.count)
        for (i, d) in dims.enumerated() {
            (dimCodes + i).initialize(to: d.rawValue)
            (multi + i).initialize(to: isMulti[i])
            (self.offsets + i).initialize(to: offsets[i])
        }
        size = offset
        counts = .allocate(capacity: max(1, offset))
        counts.initialize(repeating: 0, count: max(1, offset))
        keys = .allocate(capacity: max(1, offset))
        keys.initialize(repeating: 0, count: max(1, offset))
    }

    deinit {
        dimCodes.deallocate()
        multi.deallocate()
        offsets.deallocate()
        counts.deallocate()
        keys.deallocate()
    }

    /// Counts a case (`delta` 1) or takes it out again (-1), with its record key.
    @inline(__always)
    func add(_ indicator: Int, _ c: Categories, key: UInt32, _ delta: Int = 1) {
        let key = delta > 0 ? key : 0 &- key
        var j = first[indicator]
        let end = first[indicator + 1]
        while j < end {
            let d = dimCodes[j]
            if multi[j] {
                var b = c.bits[d]
                while b != 0 {
                    let o = offsets[j] + b.trailingZeroBitCount
                    counts[o] += delta
                    keys[o] &+= key
                    b &= b - 1
                }
            } else {
                let o = offsets[j] + c.single[d]
                counts[o] += delta
                keys[o] &+= key
            }
            j += 1
        }
    }

    /// The figures of the `indicator`-th indicator, its categories named.
    func figures(_ indicator: Int, _ labels: Labels) -> IndicatorFigures {
        let ind = indicators[indicator]
        return IndicatorFigures(
            name: ind.rawValue,
            dimensions: ind.dimensions.enumerated().map { k, dimension in
                let j = first[indicator] + k
                let d = dims[j], offset = offsets[j]
                var named: [String: Int] = [:], cellKeys: [String: UInt32] = [:]
                for i in 0..<labels.size(d) where counts[offset + i] != 0 {
                    let label = labels.name(d, i)
                    named[label] = counts[offset + i]
                    cellKeys[label] = keys[offset + i]
                }
                return DimensionFigures(name: dimension.rawValue, multiValued: dimension.isMultiValued, counts: named, keys: cellKeys)
            })
    }
}

/// The median; with an even number of values, the lower of the two middle ones.
public func lowerMedian(_ values: [Int]) -> Int? {
    guard !values.isEmpty else { return nil }
    var v = values
    return v.withUnsafeMutableBufferPointer { select($0, ($0.count - 1) / 2) }
}

/// The same, for day counts kept in 32 bits (the values are reordered).
func lowerMedian(_ values: inout [Int32]) -> Int? {
    guard !values.isEmpty else { return nil }
    return Int(values.withUnsafeMutableBufferPointer { select($0, ($0.count - 1) / 2) })
}

/// The k-th smallest value (0-based), partitioning in place (quickselect, median of three).
func select<T: Comparable>(_ a: UnsafeMutableBufferPointer<T>, _ k: Int) -> T {
    var lo = 0, hi = a.count - 1
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        // The median of three as the pivot, moved out of the way.
        if a[mid] < a[lo] { a.swapAt(mid, lo) }
        if a[hi] < a[lo] { a.swapAt(hi, lo) }
        if a[hi] < a[mid] { a.swapAt(hi, mid) }
        let pivot = a[mid]
        var i = lo, j = hi
        while i <= j {
            while a[i] < pivot { i += 1 }
            while a[j] > pivot { j -= 1 }
            if i <= j {
                a.swapAt(i, j)
                i += 1
                j -= 1
            }
        }
        if k <= j { hi = j } else if k >= i { lo = i } else { return a[k] }
    }
    return a[k]
}

// MARK: - Migrants

struct MigrantHistory: Sendable {
    /// Every migrant case seen so far, sorted, with the earliest arrival_date over all its
    /// accepted detention records of the periods seen so far (the low 32 bits, a day number) and
    /// its record key (the high 32 bits, computed once, when the case is first seen).
    let earliest = SortedStore<UInt64>()

    @inline(__always) static func pack(arrival: Int32, key: UInt32) -> UInt64 { UInt64(key) << 32 | UInt64(UInt32(bitPattern: arrival)) }

    static let indices: (supported: Int, inCare: Int, arrivals: Int, exits: Int, uasc: Int, services: Int) = {
        let migrants = Indicator.allCases.filter { $0.population == .migrants }
        func index(_ i: Indicator) -> Int { migrants.firstIndex(of: i)! }
        return (index(.supported), index(.inCareEnd), index(.newArrivals), index(.exits), index(.uasc), index(.services))
    }()
}

/// One period of the migrants' history: fed the period's cases one by one, then finished.
final class MigrantPass {
    let history: MigrantHistory
    let p: Period
    let labels: Labels
    let view: SubmissionView
    let places: [Place]
    let tallies: Tallies
    let cat = Categories()
    let first: Day, end: Day
    var stays: [Int32] = []
    var caseload: [CaseloadRow] = []
    let recordKeys: RecordKeys
    var cursor: SortedStore<UInt64>.Cursor
    var added: [(UInt64, UInt64)] = []

    init(
        _ history: MigrantHistory, _ p: Period, _ submissions: [UsedSubmission], _ view: SubmissionView, _ places: [Place], _ labels: Labels,
        _ recordKeys: RecordKeys
    ) {
        self.history = history; self.recordKeys = recordKeys
        self.p = p; self.labels = labels; self.view = view; self.places = places
        tallies = Tallies(.migrants, labels)
        first = p.first
        end = p.last
        cursor = history.earliest.cursor()
        // At most one row per record with a UNHCR number, one stay per active record: the lists
        // are given their room at once.
        var numbered = 0, active = 0
        for (s, sub) in submissions.enumerated() where view.isDetention[s] {
            for i in 0..<sub.count {
                let r = view.detention[s]![i].record
                if r.unhcrID != nil { numbered += 1 }
                if r.status.isActive { active += 1 }
            }
        }
        caseload.reserveCapacity(numbered)
        stays.reserveCapacity(active)
    }

    /// One case's records of the period (those of shelter files are not for this pass).
    @inline(__always)
    func visit(_ group: UnsafeBufferPointer<PeriodCases.Ref>) {
        // The principal record (the latest arrival, then the facility code first), the unions
        // of the lists, the first UNHCR number by facility code, the earliest arrival.
        var principal: DetentionRecord?
        var place = Place(facility: 0, province: 0, community: false)
        var vulnerabilities: UInt16 = 0, services: UInt16 = 0
        var firstUNHCR: (facility: Int, id: UNHCRID)?
        var minArrival = Int32.max
        for r in group {
            let s = Int(r.submission)
            guard view.isDetention[s] else { continue }
            let d = view.detention[s]![Int(r.index)].record
            let pl = places[s]
            if let c = principal {
                if prefers(d.arrival, pl, over: c.arrival, place) { principal = d; place = pl }
            } else {
                principal = d
                place = pl
            }
            vulnerabilities |= d.vulnerabilities.bits
            services |= d.services.bits
            if let u = d.unhcrID, firstUNHCR.map({ pl.facility < $0.facility }) ?? true { firstUNHCR = (pl.facility, u) }
            minArrival = min(minArrival, d.arrival.ordinal)
        }
        guard let r = principal else { return }
        let id = group[0].caseID
        var arrival = minArrival
        let key: UInt32
        let earliest = history.earliest
        if let i = cursor.seek(id) {
            let kept = earliest[i]
            key = UInt32(truncatingIfNeeded: kept >> 32)
            arrival = min(arrival, Int32(bitPattern: UInt32(truncatingIfNeeded: kept)))
            earliest[i] = MigrantHistory.pack(arrival: arrival, key: key)
        } else {
            key = recordKeys.key(CaseID(packed: id))
            added.append((id, MigrantHistory.pack(arrival: arrival, key: key)))
        }
        let early = Day(ordinal: arrival)
        let age = r.birth.age(atEndOf: p)
        let group5 = AgeGroup(age: age)
        let sex = r.sexOrdinal
        let cat = self.cat, tallies = self.tallies, ix = MigrantHistory.indices
        cat[Dim.sex] = sex
        cat[Dim.ageGroup] = group5.index
        cat[Dim.sexAge] = sex * 5 + group5.index
        cat[Dim.nationality] = Int(r.nationality.index)
        cat[Dim.placement] = place.community ? 1 : 0
        cat[Dim.facility] = place.facility
        cat[Dim.province] = place.province
        cat[Dim.status] = r.statusOrdinal
        cat[Dim.interception] = r.interceptionOrdinal
        cat.list(.vulnerability, bits: vulnerabilities, codes: Vulnerability.count)
        cat.list(.service, bits: services, codes: Service.count)
        tallies.add(ix.supported, cat, key: key)
        tallies.add(ix.services, cat, key: key)
        let status = r.status
        if status.isActive {
            tallies.add(ix.inCare, cat, key: key)
            stays.append(Int32(end - early))
        } else {
            tallies.add(ix.exits, cat, key: key)
        }
        if early >= first { tallies.add(ix.arrivals, cat, key: key) }
        if r.unaccompaniedMinor && age < 18 { tallies.add(ix.uasc, cat, key: key) }
        if let u = r.unhcrID ?? firstUNHCR?.id {
            caseload.append(
                CaseloadRow(
                    unhcrID: u, sex: r.sex, ageGroup: group5, nationality: r.nationality,
                    facility: place.facility, community: place.community,
                    status: status, statusDate: r.statusDate, arrivalDate: early))
        }
    }

    func finish() -> Aggregator.MigrantFigures {
        history.earliest.merge(added)
        var indicators: [IndicatorFigures] = []
        for (k, indicator) in tallies.indicators.enumerated() {
            if indicator.isCount {
                indicators.append(tallies.figures(k, labels))
            } else {
                var counts: [String: Int] = [:]
                if let m = lowerMedian(&stays) { counts["ALL"] = m }
                indicators.append(IndicatorFigures(name: indicator.rawValue, dimensions: [DimensionFigures(name: "total", multiValued: false, counts: counts)]))
            }
        }
        // In place: by the UNHCR number's byte-order key, and by the whole row only when two
        // cases share a number.
        let facilities = labels.facilities
        caseload.withUnsafeMutableBufferPointer { rows in
            sortInPlace(rows) { a, b in a.key != b.key ? a.key < b.key : CaseloadRow.order(a, b, facilities) }
        }
        return Aggregator.MigrantFigures(indicators: indicators, caseload: caseload)
    }
}

// MARK: - Victims

/// What the cumulative figures keep of a victim: the categories of its principal record of the
/// latest period in which it has one (sex, age group at the end of that period, nationality) and
/// the union of its lists over every period so far, packed in 32 bits by `VictimLayout`.
struct VictimDescription {
    var packed: UInt32

    init(sex: Int, ageGroup: Int, nationality: Int, exploitation: UInt16, assistance: UInt16, _ l: VictimLayout) {
        packed =
            UInt32(sex) | UInt32(ageGroup) << l.ageShift | UInt32(nationality) << l.nationalityShift
            | (UInt32(exploitation) & l.exploitationMask) << l.exploitationShift | (UInt32(assistance) & l.assistanceMask) << l.assistanceShift
    }

    init(packed: UInt32) { self.packed = packed }

    func sex(_ l: VictimLayout) -> Int { Int(packed & l.sexMask) }
    func ageGroup(_ l: VictimLayout) -> Int { Int(packed >> l.ageShift & l.ageMask) }
    func nationality(_ l: VictimLayout) -> Int { Int(packed >> l.nationalityShift & l.nationalityMask) }
    func exploitation(_ l: VictimLayout) -> UInt16 { UInt16(packed >> l.exploitationShift & l.exploitationMask) }
    func assistance(_ l: VictimLayout) -> UInt16 { UInt16(packed >> l.assistanceShift & l.assistanceMask) }

    func categories(into c: Categories, _ l: VictimLayout) {
        c[Dim.sex] = sex(l)
        c[Dim.ageGroup] = ageGroup(l)
        c[Dim.nationality] = nationality(l)
        c.list(.exploitation, bits: exploitation(l), codes: Exploitation.count)
        c.list(.assistance, bits: assistance(l), codes: Assistance.count)
    }
}

/// The bits of a `VictimDescription`, each field as wide as its code list needs (a list's codes
/// are one bit each): made from the lists' counts, so a new code widens its field, and a layout
/// that no longer fits in 32 bits stops the program at once (and a test) instead of mixing
/// fields.
struct VictimLayout: Sendable {
    let widths: (sex: Int, ageGroup: Int, nationality: Int, exploitation: Int, assistance: Int)
    let ageShift: UInt32, nationalityShift: UInt32, exploitationShift: UInt32, assistanceShift: UInt32
    let sexMask: UInt32, ageMask: UInt32, nationalityMask: UInt32, exploitationMask: UInt32, assistanceMask: UInt32

    /// Bits to hold the values 0..<n.
    static func bits(_ n: Int) -> Int { n <= 1 ? 0 : Int.bitWidth - (n - 1).leadingZeroBitCount }

    static var needed: Int {
        bits(Sex.count) + bits(AgeGroup.allCases.count) + bits(countryCodes.count) + Exploitation.count + Assistance.count
    }

    init() {
        widths = (Self.bits(Sex.count), Self.bits(AgeGroup.allCases.count), Self.bits(countryCodes.count), Exploitation.count, Assistance.count)
        precondition(Self.needed <= 32, "a victim's description needs \(Self.needed) bits, more than its 32: widen VictimDescription")
        func mask(_ w: Int) -> UInt32 { w >= 32 ? .max : (1 << UInt32(w)) - 1 }
        ageShift = UInt32(widths.sex)
        nationalityShift = ageShift + UInt32(widths.ageGroup)
        exploitationShift = nationalityShift + UInt32(widths.nationality)
        assistanceShift = exploitationShift + UInt32(widths.exploitation)
        sexMask = mask(widths.sex)
        ageMask = mask(widths.ageGroup)
        nationalityMask = mask(widths.nationality)
        exploitationMask = mask(widths.exploitation)
        assistanceMask = mask(widths.assistance)
    }
}

struct VictimHistory: Sendable {
    let labels: Labels
    /// Every victim case seen so far, sorted, with its cumulative description (the low 32 bits)
    /// and its record key (the high 32 bits, computed once, when the case is first seen).
    let cumulative = SortedStore<VictimKept>()
    /// The running `assisted_cumulative` counts: a case's old description is taken out when it
    /// gets a newer one, so each period costs what it adds, not the whole history.
    let cumulativeTally: Tallies
    let layout = VictimLayout()
    static let cumulativeIndex = Indicator.allCases.filter { $0.population == .victims }.firstIndex(of: .assistedCumulative)!

    init(labels: Labels) {
        self.labels = labels
        cumulativeTally = Tallies(.victims, labels)
    }
}

/// What is kept of a victim case from one period to the next: its record key and cumulative
/// description (`cumulative`, as `VictimDescription`), and what the CTDC file needs of it
/// (`ctdc`, `CTDCVictim.packed`: its principal record of the latest period with one, the union of
/// its exploitation codes over all its records).
struct VictimKept {
    var cumulative: UInt64
    var ctdc: UInt64
}

extension History {
    /// Every victim case assisted so far, for the CTDC file, packed (`CTDCVictim.packed`; in no
    /// particular order).
    public var ctdcVictims: [UInt64] {
        let store = victims.cumulative
        return (0..<store.count).map { store[$0].ctdc }
    }
}

/// One period of the victims' history: fed the period's cases one by one, then finished.
final class VictimPass {
    let history: VictimHistory
    let p: Period
    let view: SubmissionView
    let places: [Place]
    let tallies: Tallies
    let cat = Categories(), old = Categories()
    let layout: VictimLayout
    let recordKeys: RecordKeys
    var cursor: SortedStore<VictimKept>.Cursor
    var added: [(UInt64, VictimKept)] = []

    init(_ history: VictimHistory, _ p: Period, _ view: SubmissionView, _ places: [Place], _ recordKeys: RecordKeys) {
        self.history = history; self.recordKeys = recordKeys; layout = history.layout
        self.p = p; self.view = view; self.places = places
        tallies = Tallies(.victims, history.labels)
        cursor = history.cumulative.cursor()
    }

    @inline(__always)
    func visit(_ group: UnsafeBufferPointer<PeriodCases.Ref>) {
        var principal: ShelterRecord?
        var place = Place(facility: 0, province: 0, community: false)
        var exploitation: UInt16 = 0, assistance: UInt16 = 0
        for r in group {
            let s = Int(r.submission)
            guard !view.isDetention[s] else { continue }
            let v = view.shelter[s]![Int(r.index)].record
            let pl = places[s]
            if let c = principal {
                if prefers(v.admission, pl, over: c.admission, place) { principal = v; place = pl }
            } else {
                principal = v
                place = pl
            }
            exploitation |= v.exploitation.bits
            assistance |= v.assistance.bits
        }
        guard let r = principal else { return }
        let id = group[0].caseID
        let assisted = 0, newCases = 1, cumulativeIndex = VictimHistory.cumulativeIndex
        let cat = self.cat, tallies = self.tallies, cumulative = history.cumulative
        let group5 = AgeGroup(age: r.birth.age(atEndOf: p)).index
        let sex = r.sexOrdinal
        cat[Dim.sex] = sex
        cat[Dim.ageGroup] = group5
        cat[Dim.sexAge] = sex * 5 + group5
        cat[Dim.nationality] = Int(r.nationality.index)
        cat[Dim.facility] = place.facility
        cat[Dim.province] = place.province
        cat[Dim.sector] = r.sectorOrdinal
        cat[Dim.exploitationCountry] = Int(r.exploitationCountry.index)
        cat[Dim.trafficking] = traffickingIndex(r)
        cat[Dim.referral] = r.referralOrdinal
        cat.list(.exploitation, bits: exploitation, codes: Exploitation.count)
        cat.list(.assistance, bits: assistance, codes: Assistance.count)
        var merged = (exploitation, assistance)
        let slot = cursor.seek(id)
        let key: UInt32
        if let i = slot {
            let kept = cumulative[i].cumulative
            key = UInt32(truncatingIfNeeded: kept >> 32)
            tallies.add(assisted, cat, key: key)
            let earlier = VictimDescription(packed: UInt32(truncatingIfNeeded: kept))
            earlier.categories(into: old, layout)
            history.cumulativeTally.add(cumulativeIndex, old, key: key, -1)
            merged = (exploitation | earlier.exploitation(layout), assistance | earlier.assistance(layout))
        } else {
            key = recordKeys.key(CaseID(packed: id))
            tallies.add(assisted, cat, key: key)
            tallies.add(newCases, cat, key: key)
        }
        let now = VictimDescription(
            sex: sex, ageGroup: group5, nationality: Int(r.nationality.index),
            exploitation: merged.0, assistance: merged.1, layout)
        let identified = r.identification.civil
        let fresh = CTDCVictim(
            identificationYear: identified.year, ageAtIdentification: r.birth.age(year: identified.year, month: identified.month, day: identified.day),
            sex: r.sex,
            nationality: r.nationality, exploitationCountry: r.exploitationCountry, exploitation: CodeSet(bits: exploitation),
            sector: r.sector, consent: r.consentToShare
        ).packed
        let kept = UInt64(key) << 32 | UInt64(now.packed)
        if let i = slot {
            cumulative[i] = VictimKept(cumulative: kept, ctdc: CTDCVictim.merged(cumulative[i].ctdc, fresh))
        } else {
            added.append((id, VictimKept(cumulative: kept, ctdc: fresh)))
        }
        now.categories(into: cat, layout)
        history.cumulativeTally.add(cumulativeIndex, cat, key: key)
    }

    func finish() -> [IndicatorFigures] {
        history.cumulative.merge(added)
        let cumulativeIndex = VictimHistory.cumulativeIndex
        return tallies.indicators.indices.map { k in
            (k == cumulativeIndex ? history.cumulativeTally : tallies).figures(k, history.labels)
        }
    }
}

/// `UNKNOWN` when either country is `XXX` or the nationality is stateless or refugee;
/// `DOMESTIC` when exploited in the country of nationality; otherwise `INTERNATIONAL`.
func trafficking(_ r: ShelterRecord) -> String { Labels.trafficking[traffickingIndex(r)] }

@inline(__always)
func traffickingIndex(_ r: ShelterRecord) -> Int {
    if r.exploitationCountry.isUnknown || r.nationality.isUnknown || r.nationality.isStatelessOrRefugee { return 2 }
    return r.exploitationCountry == r.nationality ? 0 : 1
}
