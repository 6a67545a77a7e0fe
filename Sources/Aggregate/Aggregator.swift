import CaseloadCore

/// An accepted submission that is used (not superseded), as the aggregation sees it.
public struct UsedSubmission: Sendable {
    public var kind: SubmissionKind
    public var facility: Facility
    public var period: Period
    /// The judged file's own records: shared, never copied.
    public var records: RecordList

    public init(kind: SubmissionKind, facility: Facility, period: Period, records: RecordList) {
        self.kind = kind; self.facility = facility; self.period = period; self.records = records
    }

    public init(kind: SubmissionKind, facility: Facility, period: Period, records: [Record]) {
        self.init(kind: kind, facility: facility, period: period, records: RecordList(records))
    }
}

/// Every figure of indicators.md, as pure functions of the used submissions. Periods are taken
/// in order so that the report for P depends only on submissions for periods up to P.
public enum Aggregator {
    public static func figures(_ submissions: [UsedSubmission]) -> [PeriodFigures] {
        let plan = Plan(submissions)
        return plan.assemble(migrants: plan.migrants(), victims: plan.victims())
    }

    /// What both histories need: the periods in order, the labels, and each period's used
    /// submissions by kind, as indices (records are read where they are, never copied). The two
    /// histories are independent of each other, so they may run at the same time.
    public struct Plan: Sendable {
        let submissions: [UsedSubmission]
        let periods: [Period]
        let labels: Labels
        var detention: [Period: [(Int, Place)]] = [:]
        var shelter: [Period: [(Int, Place)]] = [:]

        public init(_ submissions: [UsedSubmission]) {
            self.submissions = submissions
            periods = Set(submissions.map(\.period)).sorted()
            // Facilities and provinces as indices, in code order (ties of principal records go
            // to the facility code that sorts first, which is then the smaller index).
            let facilityCodes = Set(submissions.map(\.facility.code)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let provinces = Set(submissions.map(\.facility.province)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            labels = Labels(facilities: facilityCodes, provinces: provinces)
            let facilityIndex = Dictionary(uniqueKeysWithValues: facilityCodes.enumerated().map { ($1, $0) })
            let provinceIndex = Dictionary(uniqueKeysWithValues: provinces.enumerated().map { ($1, $0) })
            for (i, s) in submissions.enumerated() {
                let place = Place(facility: facilityIndex[s.facility.code]!, province: provinceIndex[s.facility.province]!,
                                  community: s.facility.kind == .COMMUNITY)
                switch s.kind {
                case .detention: detention[s.period, default: []].append((i, place))
                case .shelter: shelter[s.period, default: []].append((i, place))
                }
            }
        }

        /// The migrants' figures and caseload of every period, in order.
        public func migrants() -> [MigrantFigures] {
            var history = MigrantHistory(labels: labels)
            return periods.map { history.advance(to: $0, from: submissions, detention[$0] ?? []) }
        }

        /// The victims' figures of every period, in order.
        public func victims() -> [[IndicatorFigures]] {
            var history = VictimHistory(labels: labels)
            return periods.map { history.advance(to: $0, from: submissions, shelter[$0] ?? []) }
        }

        /// Both together, period by period; a kind without a submission in a period has no figures there.
        public func assemble(migrants m: [MigrantFigures], victims v: [[IndicatorFigures]]) -> [PeriodFigures] {
            periods.indices.map { i in
                let p = periods[i]
                let d = detention[p] != nil, s = shelter[p] != nil
                return PeriodFigures(period: p, migrants: d ? m[i].indicators : [], victims: s ? v[i] : [],
                                     caseload: d ? m[i].caseload : [])
            }
        }
    }

    public struct MigrantFigures: Sendable {
        var indicators: [IndicatorFigures]
        var caseload: [CaseloadRow]
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

    init(_ name: String) {
        switch name {
        case "total": self = .total
        case "sex": self = .sex
        case "age_group": self = .ageGroup
        case "sex_age": self = .sexAge
        case "nationality": self = .nationality
        case "placement": self = .placement
        case "facility": self = .facility
        case "province": self = .province
        case "status": self = .status
        case "interception": self = .interception
        case "vulnerability": self = .vulnerability
        case "service": self = .service
        case "exploitation": self = .exploitation
        case "sector": self = .sector
        case "exploitation_country": self = .exploitationCountry
        case "trafficking": self = .trafficking
        case "referral": self = .referral
        default: self = .assistance
        }
    }

    var isMulti: Bool { self == .vulnerability || self == .service || self == .exploitation || self == .assistance }
}

/// How categories are named, per dimension (facilities and provinces by their sorted codes).
struct Labels {
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
        case .status: return Status.allCases.count
        case .interception: return Interception.allCases.count + 1
        case .vulnerability: return Vulnerability.allCases.count + 1
        case .service: return Service.allCases.count + 1
        case .exploitation: return Exploitation.allCases.count + 1
        case .sector: return Sector.allCases.count + 1
        case .trafficking: return 3
        case .referral: return Referral.allCases.count + 1
        case .assistance: return Assistance.allCases.count + 1
        }
    }

    func name(_ d: Dim, _ i: Int) -> String {
        func code<C: Code>(_: C.Type, _ extra: String) -> String { i < C.allCases.count ? C.allCases[i].rawValue : extra }
        switch d {
        case .total: return "ALL"
        case .sex: return Sex.allCases[i].rawValue
        case .ageGroup: return AgeGroup.allCases[i].rawValue
        case .sexAge: return Sex.allCases[i / 5].rawValue + "|" + AgeGroup.allCases[i % 5].rawValue
        case .nationality, .exploitationCountry: return countryCodes[i]
        case .placement: return i == 0 ? "IDC" : "COMMUNITY"
        case .facility: return facilities[i]
        case .province: return provinces[i]
        case .status: return Status.allCases[i].rawValue
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
/// after the list's codes).
struct Categories {
    var single = [Int](repeating: 0, count: Dim.allCases.count)
    var bits = [UInt32](repeating: 0, count: Dim.allCases.count)

    mutating func list<C: Code>(_ d: Dim, _ set: CodeSet<C>) {
        bits[d.rawValue] = set.isEmpty ? UInt32(1) << UInt32(C.allCases.count) : UInt32(set.bits)
    }
}

/// Counts of one indicator, by dimension and category index.
struct Tally {
    let dims: [Dim]
    var counts: [[Int]]

    init(_ dimensions: [String], _ labels: Labels) {
        dims = dimensions.map(Dim.init)
        counts = dims.map { [Int](repeating: 0, count: labels.size($0)) }
    }

    @inline(__always)
    mutating func add(_ c: Categories, _ delta: Int = 1) {
        for (k, d) in dims.enumerated() {
            if d.isMulti {
                var b = c.bits[d.rawValue]
                while b != 0 {
                    let i = b.trailingZeroBitCount
                    counts[k][i] += delta
                    b &= b - 1
                }
            } else {
                counts[k][c.single[d.rawValue]] += delta
            }
        }
    }

    func figures(_ name: String, _ dimensions: [String], _ labels: Labels) -> IndicatorFigures {
        IndicatorFigures(name: name, dimensions: dimensions.enumerated().map { k, dname in
            var named: [String: Int] = [:]
            for (i, v) in counts[k].enumerated() where v != 0 { named[labels.name(dims[k], i)] = v }
            return DimensionFigures(name: dname, multiValued: IndicatorCatalogue.multiValued.contains(dname), counts: named)
        })
    }
}

/// The median; with an even number of values, the lower of the two middle ones.
public func lowerMedian(_ values: [Int]) -> Int? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[(sorted.count - 1) / 2]
}

// MARK: - Migrants

struct MigrantCase {
    var principal: DetentionRecord
    var place: Place
    var vulnerabilities: CodeSet<Vulnerability>
    var services: CodeSet<Service>
    /// The unhcr_id of the first record by facility code that has one.
    var firstUNHCR: (facility: Int, id: UNHCRID)?
}

struct MigrantHistory {
    let labels: Labels
    /// Every case seen so far, as a dense id; per id: the earliest arrival_date over all accepted
    /// detention records of the periods seen so far, and where the case sits in this period.
    var ids = DenseIDs()
    var earliestArrival: [Day] = []
    var slot: [Int32] = []
    var stamp: [Int32] = []

    init(labels: Labels) { self.labels = labels }

    static let indices: (supported: Int, inCare: Int, arrivals: Int, exits: Int, uasc: Int, services: Int) = {
        func index(_ name: String) -> Int { IndicatorCatalogue.migrants.firstIndex { $0.indicator == name }! }
        return (index("supported"), index("in_care_end"), index("new_arrivals"), index("exits"), index("uasc"), index("services"))
    }()

    mutating func advance(to p: Period, from submissions: [UsedSubmission], _ used: [(Int, Place)]) -> Aggregator.MigrantFigures {
        var cases: [MigrantCase] = []
        var caseIDs: [Int] = []
        cases.reserveCapacity(used.reduce(0) { $0 + submissions[$1.0].records.count })
        for (i, place) in used {
          for located in submissions[i].records.detention {
            let r = located.record
            let (id, isNew) = ids.id(r.caseID.packed)
            if isNew {
                earliestArrival.append(r.arrival)
                slot.append(0)
                stamp.append(-1)
            } else if r.arrival < earliestArrival[id] {
                earliestArrival[id] = r.arrival
            }
            if stamp[id] == p.index {
                var c = cases[Int(slot[id])]
                if prefers(r.arrival, place, over: c.principal.arrival, c.place) {
                    c.principal = r
                    c.place = place
                }
                c.vulnerabilities = c.vulnerabilities.union(r.vulnerabilities)
                c.services = c.services.union(r.services)
                if let u = r.unhcrID, c.firstUNHCR.map({ place.facility < $0.facility }) ?? true {
                    c.firstUNHCR = (place.facility, u)
                }
                cases[Int(slot[id])] = c
            } else {
                stamp[id] = p.index
                slot[id] = Int32(cases.count)
                cases.append(MigrantCase(principal: r, place: place, vulnerabilities: r.vulnerabilities, services: r.services,
                                         firstUNHCR: r.unhcrID.map { (place.facility, $0) }))
                caseIDs.append(id)
            }
          }
        }
        let end = p.last
        var tallies = IndicatorCatalogue.migrants.map { Tally($0.dimensions, labels) }
        let ix = Self.indices
        var stays: [Int] = []
        var caseload: [CaseloadRow] = []
        var cat = Categories()
        for (k, c) in cases.enumerated() {
            let r = c.principal
            let age = r.birth.age(on: end)
            let group = AgeGroup(age: age)
            let earliest = earliestArrival[caseIDs[k]]
            cat.single[Dim.sex.rawValue] = r.sex.ordinal
            cat.single[Dim.ageGroup.rawValue] = group.index
            cat.single[Dim.sexAge.rawValue] = r.sex.ordinal * 5 + group.index
            cat.single[Dim.nationality.rawValue] = Int(r.nationality.index)
            cat.single[Dim.placement.rawValue] = c.place.community ? 1 : 0
            cat.single[Dim.facility.rawValue] = c.place.facility
            cat.single[Dim.province.rawValue] = c.place.province
            cat.single[Dim.status.rawValue] = r.status.ordinal
            cat.single[Dim.interception.rawValue] = r.interception?.ordinal ?? Interception.allCases.count
            cat.list(.vulnerability, c.vulnerabilities)
            cat.list(.service, c.services)
            tallies[ix.supported].add(cat)
            tallies[ix.services].add(cat)
            if r.status.isActive {
                tallies[ix.inCare].add(cat)
                stays.append(end - earliest)
            } else {
                tallies[ix.exits].add(cat)
            }
            if earliest >= p.first { tallies[ix.arrivals].add(cat) }
            if r.unaccompaniedMinor && age < 18 { tallies[ix.uasc].add(cat) }
            if let u = r.unhcrID ?? c.firstUNHCR?.id {
                caseload.append(CaseloadRow(unhcrID: u, sex: r.sex, ageGroup: group, nationality: r.nationality,
                                            facility: labels.facilities[c.place.facility], community: c.place.community,
                                            status: r.status, statusDate: r.statusDate, arrivalDate: earliest))
            }
        }
        var indicators: [IndicatorFigures] = []
        for (k, (name, dims)) in IndicatorCatalogue.migrants.enumerated() {
            if name == "stay_median_days" {
                var counts: [String: Int] = [:]
                if let m = lowerMedian(stays) { counts["ALL"] = m }
                indicators.append(IndicatorFigures(name: name, dimensions: [DimensionFigures(name: "total", multiValued: false, counts: counts)]))
            } else {
                indicators.append(tallies[k].figures(name, dims, labels))
            }
        }
        // Sort small keys, not the rows (a row holds a String): by the UNHCR number's byte-order
        // key, and by the whole row only when two cases share a number.
        let keys = caseload.map(\.unhcrID.sortKey)
        let order = caseload.indices.sorted { a, b in
            keys[a] != keys[b] ? keys[a] < keys[b] : CaseloadRow.order(caseload[a], caseload[b])
        }
        caseload = order.map { caseload[$0] }
        return Aggregator.MigrantFigures(indicators: indicators, caseload: caseload)
    }
}

// MARK: - Victims

struct VictimCase {
    var principal: ShelterRecord
    var place: Place
    var exploitation: CodeSet<Exploitation>
    var assistance: CodeSet<Assistance>
}

struct VictimHistory {
    let labels: Labels
    /// For cumulative figures: each case's principal record of the latest period in which it
    /// has one (with that period), and its lists over every period so far.
    var ids = DenseIDs()
    var cumulative: [(period: Period, victim: VictimCase)?] = []
    var slot: [Int32] = []
    var stamp: [Int32] = []
    /// The running `assisted_cumulative` counts: a case's old description is taken out when it
    /// gets a newer one, so each period costs what it adds, not the whole history.
    var cumulativeTally: Tally

    static let cumulativeDimensions = IndicatorCatalogue.victims.first { $0.indicator == "assisted_cumulative" }!.dimensions

    init(labels: Labels) {
        self.labels = labels
        cumulativeTally = Tally(Self.cumulativeDimensions, labels)
    }

    static func categories(_ period: Period, _ v: VictimCase, into c: inout Categories) {
        let r = v.principal
        let group = AgeGroup(age: r.birth.age(on: period.last))
        c.single[Dim.sex.rawValue] = r.sex.ordinal
        c.single[Dim.ageGroup.rawValue] = group.index
        c.single[Dim.sexAge.rawValue] = r.sex.ordinal * 5 + group.index
        c.single[Dim.nationality.rawValue] = Int(r.nationality.index)
        c.single[Dim.facility.rawValue] = v.place.facility
        c.single[Dim.province.rawValue] = v.place.province
        c.single[Dim.sector.rawValue] = r.sector?.ordinal ?? Sector.allCases.count
        c.single[Dim.exploitationCountry.rawValue] = Int(r.exploitationCountry.index)
        c.single[Dim.trafficking.rawValue] = Labels.trafficking.firstIndex(of: trafficking(r))!
        c.single[Dim.referral.rawValue] = r.referral?.ordinal ?? Referral.allCases.count
        c.list(.exploitation, v.exploitation)
        c.list(.assistance, v.assistance)
    }

    mutating func advance(to p: Period, from submissions: [UsedSubmission], _ used: [(Int, Place)]) -> [IndicatorFigures] {
        var cases: [VictimCase] = []
        var caseIDs: [Int] = []
        for (i, place) in used {
          for located in submissions[i].records.shelter {
            let r = located.record
            let (id, isNew) = ids.id(r.caseID.packed)
            if isNew {
                cumulative.append(nil)
                slot.append(0)
                stamp.append(-1)
            }
            if stamp[id] == p.index {
                var c = cases[Int(slot[id])]
                if prefers(r.admission, place, over: c.principal.admission, c.place) {
                    c.principal = r
                    c.place = place
                }
                c.exploitation = c.exploitation.union(r.exploitation)
                c.assistance = c.assistance.union(r.assistance)
                cases[Int(slot[id])] = c
            } else {
                stamp[id] = p.index
                slot[id] = Int32(cases.count)
                cases.append(VictimCase(principal: r, place: place, exploitation: r.exploitation, assistance: r.assistance))
                caseIDs.append(id)
            }
          }
        }
        var tallies = IndicatorCatalogue.victims.map { Tally($0.dimensions, labels) }
        let assisted = 0, newCases = 1
        var cat = Categories(), old = Categories()
        for (k, c) in cases.enumerated() {
            let id = caseIDs[k]
            Self.categories(p, c, into: &cat)
            tallies[assisted].add(cat)
            var merged = c
            if let earlier = cumulative[id] {
                Self.categories(earlier.period, earlier.victim, into: &old)
                cumulativeTally.add(old, -1)
                merged.exploitation = merged.exploitation.union(earlier.victim.exploitation)
                merged.assistance = merged.assistance.union(earlier.victim.assistance)
            } else {
                tallies[newCases].add(cat)
            }
            cumulative[id] = (p, merged)
            Self.categories(p, merged, into: &cat)
            cumulativeTally.add(cat)
        }
        tallies[2] = cumulativeTally
        return IndicatorCatalogue.victims.enumerated().map { k, e in tallies[k].figures(e.indicator, e.dimensions, labels) }
    }
}

/// `UNKNOWN` when either country is `XXX` or the nationality is stateless or refugee;
/// `DOMESTIC` when exploited in the country of nationality; otherwise `INTERNATIONAL`.
func trafficking(_ r: ShelterRecord) -> String {
    if r.exploitationCountry.isUnknown || r.nationality.isUnknown || r.nationality.isStatelessOrRefugee { return "UNKNOWN" }
    return r.exploitationCountry == r.nationality ? "DOMESTIC" : "INTERNATIONAL"
}
