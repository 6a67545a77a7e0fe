import CaseloadCore

/// An accepted submission that is used (not superseded), as the aggregation sees it.
public struct UsedSubmission: Sendable {
    public var kind: SubmissionKind
    public var facility: Facility
    public var period: Period
    public var records: [Record]

    public init(kind: SubmissionKind, facility: Facility, period: Period, records: [Record]) {
        self.kind = kind; self.facility = facility; self.period = period; self.records = records
    }
}

/// Every figure of indicators.md, as pure functions of the used submissions. Periods are taken
/// in order so that the report for P depends only on submissions for periods up to P.
public enum Aggregator {
    public static func figures(_ submissions: [UsedSubmission]) -> [PeriodFigures] {
        let periods = Set(submissions.map(\.period)).sorted()
        var detention: [Period: [(DetentionRecord, Facility)]] = [:]
        var shelter: [Period: [(ShelterRecord, Facility)]] = [:]
        var hasDetention = Set<Period>(), hasShelter = Set<Period>()
        for s in submissions {
            switch s.kind {
            case .detention: hasDetention.insert(s.period)
            case .shelter: hasShelter.insert(s.period)
            }
            for r in s.records {
                switch r {
                case .detention(let d): detention[s.period, default: []].append((d, s.facility))
                case .shelter(let v): shelter[s.period, default: []].append((v, s.facility))
                }
            }
        }
        var migrants = MigrantHistory()
        var victims = VictimHistory()
        var out: [PeriodFigures] = []
        for p in periods {
            let m = migrants.advance(to: p, records: detention[p] ?? [])
            let v = victims.advance(to: p, records: shelter[p] ?? [])
            out.append(PeriodFigures(period: p,
                                     migrants: hasDetention.contains(p) ? m.indicators : [],
                                     victims: hasShelter.contains(p) ? v : [],
                                     caseload: hasDetention.contains(p) ? m.caseload : []))
        }
        return out
    }
}

/// Counts of one indicator by dimension and category.
struct Tally {
    var counts: [String: [String: Int]] = [:]

    mutating func add(_ dimension: String, _ categories: [String], _ delta: Int = 1) {
        for c in categories {
            let n = (counts[dimension]?[c] ?? 0) + delta
            counts[dimension, default: [:]][c] = n == 0 ? nil : n
        }
    }

    func figures(_ name: String, _ dimensions: [String]) -> IndicatorFigures {
        IndicatorFigures(name: name, dimensions: dimensions.map {
            DimensionFigures(name: $0, multiValued: IndicatorCatalogue.multiValued.contains($0), counts: counts[$0] ?? [:])
        })
    }
}

/// The categories of one case, by dimension.
typealias Profile = [String: [String]]

extension Tally {
    mutating func add(_ profile: Profile, _ dimensions: [String], _ delta: Int = 1) {
        for d in dimensions { add(d, profile[d] ?? [], delta) }
    }
}

func listCategories<C: Code>(_ set: CodeSet<C>) -> [String] {
    set.isEmpty ? ["NONE"] : set.map(\.rawValue)
}

// MARK: - Migrants

struct MigrantCase {
    var principal: DetentionRecord
    var facility: Facility
    var vulnerabilities: CodeSet<Vulnerability>
    var services: CodeSet<Service>
    /// The unhcr_id of the first record by facility code that has one.
    var firstUNHCR: (facility: String, id: UNHCRID)?
}

struct MigrantHistory {
    /// Earliest arrival_date over all accepted detention records of the periods seen so far.
    var earliestArrival: [CaseID: Day] = [:]

    struct Result {
        var indicators: [IndicatorFigures]
        var caseload: [CaseloadRow]
    }

    mutating func advance(to p: Period, records: [(DetentionRecord, Facility)]) -> Result {
        var cases: [CaseID: MigrantCase] = [:]
        for (r, f) in records {
            if let e = earliestArrival[r.caseID] { if r.arrival < e { earliestArrival[r.caseID] = r.arrival } } else { earliestArrival[r.caseID] = r.arrival }
            if var c = cases[r.caseID] {
                if Principal.prefers(.detention(r), f.code, over: .detention(c.principal), c.facility.code) {
                    c.principal = r
                    c.facility = f
                }
                c.vulnerabilities = c.vulnerabilities.union(r.vulnerabilities)
                c.services = c.services.union(r.services)
                if let u = r.unhcrID, c.firstUNHCR.map({ Array(f.code.utf8).lexicographicallyPrecedes(Array($0.facility.utf8)) }) ?? true {
                    c.firstUNHCR = (f.code, u)
                }
                cases[r.caseID] = c
            } else {
                cases[r.caseID] = MigrantCase(principal: r, facility: f, vulnerabilities: r.vulnerabilities, services: r.services,
                                              firstUNHCR: r.unhcrID.map { (f.code, $0) })
            }
        }
        let end = p.last
        var tallies: [String: Tally] = [:]
        var stays: [Int] = []
        var caseload: [CaseloadRow] = []
        let catalogue = Dictionary(uniqueKeysWithValues: IndicatorCatalogue.migrants.map { ($0.indicator, $0.dimensions) })
        for (id, c) in cases {
            let r = c.principal
            let age = r.birth.age(on: end)
            let group = AgeGroup(age: age).rawValue
            let earliest = earliestArrival[id]!
            let profile: Profile = [
                "total": ["ALL"], "sex": [r.sex.rawValue], "age_group": [group], "sex_age": ["\(r.sex.rawValue)|\(group)"],
                "nationality": [r.nationality.code], "placement": [c.facility.kind.rawValue], "facility": [c.facility.code],
                "province": [c.facility.province], "status": [r.status.rawValue], "interception": [r.interception?.rawValue ?? "UNKNOWN"],
                "vulnerability": listCategories(c.vulnerabilities), "service": listCategories(c.services),
            ]
            func count(_ indicator: String) { tallies[indicator, default: Tally()].add(profile, catalogue[indicator]!) }
            count("supported")
            count("services")
            if r.status.isActive {
                count("in_care_end")
                stays.append(end - earliest)
            } else {
                count("exits")
            }
            if earliest >= p.first { count("new_arrivals") }
            if r.unaccompaniedMinor && age < 18 { count("uasc") }
            if let u = r.unhcrID ?? c.firstUNHCR?.id {
                caseload.append(CaseloadRow(unhcrID: u.description, sex: r.sex.rawValue, ageGroup: group, nationality: r.nationality.code,
                                            facility: c.facility.code, placement: c.facility.kind.rawValue, status: r.status.rawValue,
                                            statusDate: r.statusDate?.description ?? "", arrivalDate: earliest.description))
            }
        }
        var indicators: [IndicatorFigures] = []
        for (name, dims) in IndicatorCatalogue.migrants {
            if name == "stay_median_days" {
                var t = Tally()
                if let m = lowerMedian(stays) { t.counts["total"] = ["ALL": m] }
                indicators.append(t.figures(name, dims))
            } else {
                indicators.append((tallies[name] ?? Tally()).figures(name, dims))
            }
        }
        caseload.sort { a, b in
            if a.unhcrID != b.unhcrID { return a.unhcrID.utf8.lexicographicallyPrecedes(b.unhcrID.utf8) }
            for (x, y) in zip(a.cells, b.cells) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
            return false
        }
        return Result(indicators: indicators, caseload: caseload)
    }
}

/// The median; with an even number of values, the lower of the two middle ones.
public func lowerMedian(_ values: [Int]) -> Int? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    return sorted[(sorted.count - 1) / 2]
}

// MARK: - Victims

struct VictimCase {
    var principal: ShelterRecord
    var facility: Facility
    var exploitation: CodeSet<Exploitation>
    var assistance: CodeSet<Assistance>
}

struct VictimHistory {
    /// For cumulative figures: each case's principal record of the latest period in which it
    /// has one (with that period), and its lists over every period so far.
    var cumulative: [CaseID: (period: Period, victim: VictimCase)] = [:]
    /// The running `assisted_cumulative` counts: a case's old description is taken out when it
    /// gets a newer one, so each period costs what it adds, not the whole history.
    var cumulativeTally = Tally()

    static let cumulativeDimensions = IndicatorCatalogue.victims.first { $0.indicator == "assisted_cumulative" }!.dimensions

    static func cumulativeProfile(_ period: Period, _ v: VictimCase) -> Profile {
        let r = v.principal
        let group = AgeGroup(age: r.birth.age(on: period.last)).rawValue
        return ["total": ["ALL"], "sex": [r.sex.rawValue], "age_group": [group], "nationality": [r.nationality.code],
                "exploitation": listCategories(v.exploitation), "assistance": listCategories(v.assistance)]
    }

    mutating func advance(to p: Period, records: [(ShelterRecord, Facility)]) -> [IndicatorFigures] {
        var cases: [CaseID: VictimCase] = [:]
        for (r, f) in records {
            if var c = cases[r.caseID] {
                if Principal.prefers(.shelter(r), f.code, over: .shelter(c.principal), c.facility.code) {
                    c.principal = r
                    c.facility = f
                }
                c.exploitation = c.exploitation.union(r.exploitation)
                c.assistance = c.assistance.union(r.assistance)
                cases[r.caseID] = c
            } else {
                cases[r.caseID] = VictimCase(principal: r, facility: f, exploitation: r.exploitation, assistance: r.assistance)
            }
        }
        let catalogue = Dictionary(uniqueKeysWithValues: IndicatorCatalogue.victims.map { ($0.indicator, $0.dimensions) })
        var tallies: [String: Tally] = [:]
        let dims = Self.cumulativeDimensions
        for (id, c) in cases {
            let r = c.principal
            let group = AgeGroup(age: r.birth.age(on: p.last)).rawValue
            let profile: Profile = [
                "total": ["ALL"], "sex": [r.sex.rawValue], "age_group": [group], "sex_age": ["\(r.sex.rawValue)|\(group)"],
                "nationality": [r.nationality.code], "facility": [c.facility.code], "province": [c.facility.province],
                "exploitation": listCategories(c.exploitation), "sector": [r.sector?.rawValue ?? "UNKNOWN"],
                "exploitation_country": [r.exploitationCountry.code], "trafficking": [trafficking(r)],
                "referral": [r.referral?.rawValue ?? "UNKNOWN"], "assistance": listCategories(c.assistance),
            ]
            tallies["assisted", default: Tally()].add(profile, catalogue["assisted"]!)
            var merged = c
            if let earlier = cumulative[id] {
                cumulativeTally.add(Self.cumulativeProfile(earlier.period, earlier.victim), dims, -1)
                merged.exploitation = merged.exploitation.union(earlier.victim.exploitation)
                merged.assistance = merged.assistance.union(earlier.victim.assistance)
            } else {
                tallies["new_cases", default: Tally()].add(profile, catalogue["new_cases"]!)
            }
            cumulative[id] = (p, merged)
            cumulativeTally.add(Self.cumulativeProfile(p, merged), dims)
        }
        tallies["assisted_cumulative"] = cumulativeTally
        return IndicatorCatalogue.victims.map { (tallies[$0.indicator] ?? Tally()).figures($0.indicator, $0.dimensions) }
    }
}

/// `UNKNOWN` when either country is `XXX` or the nationality is stateless or refugee;
/// `DOMESTIC` when exploited in the country of nationality; otherwise `INTERNATIONAL`.
func trafficking(_ r: ShelterRecord) -> String {
    if r.exploitationCountry.isUnknown || r.nationality.isUnknown || r.nationality.isStatelessOrRefugee { return "UNKNOWN" }
    return r.exploitationCountry == r.nationality ? "DOMESTIC" : "INTERNATIONAL"
}
