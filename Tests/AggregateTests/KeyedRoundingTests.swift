import CaseloadCore
import Crypto
import Synth
import Testing
@testable import Aggregate

/// Keyed rounding (outputs.md, "Disclosure control"): record and cell keys against values worked
/// out apart from the code under test, the rounding rule, each containment of the nesting rule,
/// the releases rule, the median rule, and a property test over many random histories.
struct KeyedRoundingTests {
    // MARK: - Independent keys

    /// The record key as the contract states it, straight from the id's text (not through
    /// `RecordKeys`, which rebuilds the text from the packed id).
    static func independentKey(_ id: String, key: [UInt8]? = nil) -> UInt32 {
        let bytes: [UInt8]
        if let key {
            bytes = Array(HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: key)))
        } else {
            bytes = Array(SHA256.hash(data: Array(id.utf8)))
        }
        return UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    static func day(_ s: String) -> Day {
        let p = s.split(separator: "-").map { Int($0)! }
        return Day(year: p[0], month: p[1], day: p[2])!
    }

    static let key = Array("0123456789abcdef0123456789abcdef".utf8)

    @Test func recordKeysMatchTheContractsFormula() {
        // Python's hashlib and hmac, by hand: int.from_bytes(sha256(b'IDN-2011-004512').digest()[:4], 'big').
        #expect(RecordKeys().key(CaseID("IDN-2011-004512")!) == 1_594_118_819)
        #expect(RecordKeys().key(CaseID("IDN-2012-000001")!) == 1_355_435_820)
        #expect(RecordKeys(key: Self.key).key(CaseID("IDN-2011-004512")!) == 4_144_034_138)
        #expect(RecordKeys(key: Self.key).key(CaseID("IDN-2012-000001")!) == 919_804_497)
        // And for many ids, against swift-crypto called on the id's text.
        var rng = SeededRandom(seed: 12)
        for _ in 0..<300 {
            let letters = String((0..<3).map { _ in Character(Unicode.Scalar(UInt8(0x41 + rng.below(26)))) })
            let id = "\(letters)-\(1990 + rng.below(40))-\(String(1_000_000 + rng.below(1_000_000)).dropFirst())"
            #expect(RecordKeys().key(CaseID(id)!) == Self.independentKey(id), "\(id)")
            #expect(RecordKeys(key: Self.key).key(CaseID(id)!) == Self.independentKey(id, key: Self.key), "\(id)")
        }
    }

    @Test func theFingerprintIsTheContractsFormula() {
        // hashlib.sha256(b'caseload-key-fingerprint:' + key).hexdigest()
        #expect(RecordKeys.fingerprint(Self.key) == "2d690692515fd1002a2ec796154021a39c65dc8a4bdf32eb90d2e528ba1f828a")
    }

    // MARK: - Hand-made cases through the aggregation

    static let idc = Facility(code: "IDC-TPI", name: "Tanjung Pinang", kind: .IDC, province: "ID-KR", city: "x", opened: Period("2010-01")!, closed: nil)
    static let ch = Facility(code: "CH-MDN", name: "Medan", kind: .COMMUNITY, province: "ID-SU", city: "x", opened: Period("2010-01")!, closed: nil)
    static let shelter = Facility(code: "SH-JKT", name: "Jakarta", kind: .SHELTER, province: "ID-JK", city: "x", opened: Period("2010-01")!, closed: nil)

    static func migrant(
        _ id: String, sex: Sex = .M, born: Int = 1990, nationality: String = "AFG", arrival: String = "2012-03-01",
        status: Status = .PENDING_RSD, services: [Service] = []
    ) -> Record {
        .detention(
            DetentionRecord(
                caseID: CaseID(id)!, unhcrID: nil, sex: sex, birth: PartialDate(year: born, month: nil, day: nil),
                nationality: Country(code: nationality)!, arrival: Self.day(arrival), interception: nil, status: status,
                statusDate: status.isActive ? nil : Self.day(arrival), unaccompaniedMinor: false,
                vulnerabilities: CodeSet(), services: CodeSet(services)))
    }

    static func victim(
        _ id: String, nationality: String = "IDN", country: String = "MYS", admission: String = "2012-03-01",
        exploitation: [Exploitation] = [.LABOUR], assistance: [Assistance] = [.MEDICAL]
    ) -> Record {
        .shelter(
            ShelterRecord(
                caseID: CaseID(id)!, sex: .F, birth: PartialDate(year: 1990, month: nil, day: nil),
                nationality: Country(code: nationality)!, identification: Self.day(admission), admission: Self.day(admission),
                discharge: nil, exploitation: CodeSet(exploitation), sector: nil, exploitationCountry: Country(code: country)!,
                referral: nil, assistance: CodeSet(assistance), consentToShare: false))
    }

    static func ids(_ n: Int, from: Int = 1) -> [String] { (from..<(from + n)).map { "IDN-2011-" + String(String(1_000_000 + $0).dropFirst()) } }

    @Test func cellKeysAreTheSumsOfTheRecordKeysOfTheirCases() throws {
        let women = Self.ids(3), men = Self.ids(4, from: 10)
        let records = women.map { Self.migrant($0, sex: .F) } + men.map { Self.migrant($0, sex: .M, services: [.FOOD]) }
        let f = Aggregator.figures([UsedSubmission(kind: .detention, facility: Self.idc, period: Period("2012-03")!, records: records)])[0]
        let supported = try #require(f.indicator(.migrants, "supported"))
        func sum(_ ids: [String]) -> UInt32 { ids.reduce(UInt32(0)) { $0 &+ Self.independentKey($1) } }
        #expect(supported["total"]!.keys["ALL"] == sum(women + men))
        #expect(supported["sex"]!.keys == ["F": sum(women), "M": sum(men)])
        #expect(supported["sex"]!.counts == ["F": 3, "M": 4])
        let services = try #require(f.indicator(.migrants, "services"))
        #expect(services["service"]!.keys == ["FOOD": sum(men), "NONE": sum(women)])
    }

    @Test func cumulativeCellKeysFollowTheirCasesAcrossPeriods() throws {
        // A victim counted in LABOUR in March, and in LABOUR and SEXUAL from April: the cumulative
        // SEXUAL cell holds its key only from April, and the total counts it once.
        let a = "IDN-2011-000001", b = "IDN-2011-000002"
        let march = UsedSubmission(kind: .shelter, facility: Self.shelter, period: Period("2012-03")!, records: [Self.victim(a), Self.victim(b)])
        let april = UsedSubmission(
            kind: .shelter, facility: Self.shelter, period: Period("2012-04")!,
            records: [Self.victim(a, admission: "2012-04-02", exploitation: [.SEXUAL])])
        let f = Aggregator.figures([march, april])
        let ka = Self.independentKey(a), kb = Self.independentKey(b)
        let m = try #require(f[0].indicator(.victims, "assisted_cumulative")), ap = try #require(f[1].indicator(.victims, "assisted_cumulative"))
        #expect(m["exploitation"]!.keys == ["LABOUR": ka &+ kb])
        #expect(ap["exploitation"]!.keys == ["LABOUR": ka &+ kb, "SEXUAL": ka])
        #expect(ap["total"]!.keys["ALL"] == ka &+ kb)
        #expect(f[1].indicator(.victims, "assisted")!["total"]!.keys["ALL"] == ka)
        #expect(f[1].indicator(.victims, "new_cases")!["total"]!.counts.isEmpty)
    }

    // MARK: - The rounding rule

    @Test func aMultipleOfKIsUnchanged() {
        for key: UInt32 in [0, 1, 1 << 31, .max] {
            #expect(KeyedRounding.round(0, key: key, base: 5) == 0)
            #expect(KeyedRounding.round(10, key: key, base: 5) == 10)
            #expect(KeyedRounding.round(22, key: key, base: 11) == 22)
            #expect(KeyedRounding.round(7, key: key, base: 1) == 7)
        }
    }

    @Test func theDrawComparesTheKeyWithTheRemainder() {
        // Up exactly when K·k < r·2^32: for k = 5, r = 1 that is K < 858,993,459.2.
        #expect(KeyedRounding.round(1, key: 858_993_459, base: 5) == 5)
        #expect(KeyedRounding.round(1, key: 858_993_460, base: 5) == 0)
        #expect(KeyedRounding.round(4, key: 3_435_973_836, base: 5) == 5)  // 4·2^32/5 = 3,435,973,836.8
        #expect(KeyedRounding.round(4, key: 3_435_973_837, base: 5) == 0)
        #expect(KeyedRounding.round(23, key: 0, base: 5) == 25)
        #expect(KeyedRounding.round(23, key: .max, base: 5) == 20)
        // A very large base does not overflow.
        #expect(KeyedRounding.round(3, key: .max, base: Int(Int32.max)) == 0)
    }

    @Test func countsBelowKGoToZeroOrK() {
        var rng = SeededRandom(seed: 3)
        var seen: Set<Int> = []
        for _ in 0..<2_000 {
            let k = 2 + rng.below(12), n = 1 + rng.below(k - 1)
            let v = KeyedRounding.round(n, key: UInt32(truncatingIfNeeded: rng.next()), base: k)
            #expect(v == 0 || v == k)
            seen.insert(v == 0 ? 0 : 1)
        }
        #expect(seen == [0, 1])
    }

    @Test func twoIndicatorsCountingTheSameCasesShareTheirValue() throws {
        // Everyone supported is in care and arrived this month: supported, in_care_end and
        // new_arrivals count the same people, so they round alike in every cell they share.
        var rng = SeededRandom(seed: 5)
        for round in 0..<40 {
            let ids = Self.ids(1 + rng.below(30), from: 1 + round * 100)
            let records = ids.map { Self.migrant($0, sex: rng.chance(0.3) ? .F : .M) }
            let f = Aggregator.figures([UsedSubmission(kind: .detention, facility: Self.idc, period: Period("2012-03")!, records: records)])[0]
            func cells(_ indicator: String) -> [String: Int] {
                Dictionary(
                    uniqueKeysWithValues: f.shared.filter { $0.indicator == indicator && ["total", "sex"].contains($0.dimension) }
                        .map { ("\($0.dimension) \($0.category)", $0.value) })
            }
            #expect(cells("supported") == cells("in_care_end"))
            #expect(cells("supported") == cells("new_arrivals"))
        }
    }

    // MARK: - Nesting: one hand-made case for every kind of container

    /// A key that rounds a count of the form 5q + 1 up (at k = 5), and one that rounds it down.
    static let up: UInt32 = 0, down: UInt32 = .max

    static func dim(_ name: String, _ cells: [String: (Int, UInt32)]) -> DimensionFigures {
        DimensionFigures(
            name: name, multiValued: IndicatorCatalogue.multiValued.contains(name),
            counts: cells.mapValues(\.0), keys: cells.mapValues(\.1))
    }

    /// An indicator's figures from its dimensions' cells, each (count, key).
    static func ind(_ name: String, _ dims: (String, [String: (Int, UInt32)])...) -> IndicatorFigures {
        IndicatorFigures(name: name, dimensions: dims.map { dim($0.0, $0.1) })
    }

    static func share(
        migrants: [IndicatorFigures] = [], victims: [IndicatorFigures] = [], k: Int = 5,
        facilities: [Facility] = [idc, ch, shelter]
    ) -> [String: Int] {
        var releases = KeyedRounding.Releases(k: k, facilities: facilities)
        let f = PeriodFigures(period: Period("2012-03")!, migrants: migrants, victims: victims, caseload: [])
        return Dictionary(uniqueKeysWithValues: releases.share(f).map { ("\($0.indicator) \($0.dimension) \($0.category)", $0.value) })
    }

    @Test func aCellNeverShowsMoreThanTheTotalOfItsIndicator() {
        // 6 rounds down to 5; its only category 6 would round up to 10.
        let s = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (6, Self.down)]), ("nationality", ["AFG": (6, Self.up)]))
        ])
        #expect(s == ["supported total ALL": 5, "supported nationality AFG": 5])
    }

    @Test func servicesAreContainedByTheSupportedTotal() {
        let s = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (11, Self.down)])),
            Self.ind("services", ("service", ["FOOD": (11, Self.up), "MEDICAL": (3, Self.up)])),
        ])
        #expect(s == ["supported total ALL": 10, "services service FOOD": 10, "services service MEDICAL": 5])
    }

    @Test func sexAgeIsContainedByItsSexAndItsAgeGroup() {
        // F|18-59 (6, up: 10) is held by sex F (6, down: 5); M|0-4 (1, up: 5) by age group 0-4 (1, down: 0).
        let s = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (20, Self.up)]), ("sex", ["F": (6, Self.down), "M": (14, Self.up)]), ("age_group", ["0-4": (1, Self.down), "18-59": (19, Self.up)]), ("sex_age", ["F|18-59": (6, Self.up), "M|0-4": (1, Self.up), "M|18-59": (13, Self.up)]))
        ])
        #expect(s["supported sex_age F|18-59"] == 5)
        #expect(s["supported sex_age M|0-4"] == nil)  // 0: no row
        #expect(s["supported sex_age M|18-59"] == 15)
        #expect(s["supported sex M"] == 15 && s["supported age_group 18-59"] == 20 && s["supported total ALL"] == 20)
    }

    @Test func aFacilityIsContainedByItsProvinceAndItsPlacement() {
        // IDC-TPI sits in ID-KR and is an IDC: held first by its province, then by its placement.
        let byProvince = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (12, Self.up)]), ("placement", ["COMMUNITY": (6, Self.up), "IDC": (6, Self.up)]), ("facility", ["IDC-TPI": (6, Self.up), "CH-MDN": (6, Self.up)]), ("province", ["ID-KR": (6, Self.down), "ID-SU": (6, Self.up)]))
        ])
        #expect(byProvince["supported facility IDC-TPI"] == 5)
        #expect(byProvince["supported facility CH-MDN"] == 10)
        let byPlacement = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (12, Self.up)]), ("placement", ["COMMUNITY": (6, Self.down), "IDC": (6, Self.up)]), ("facility", ["IDC-TPI": (6, Self.up), "CH-MDN": (6, Self.up)]), ("province", ["ID-KR": (6, Self.up), "ID-SU": (6, Self.up)]))
        ])
        #expect(byPlacement["supported facility CH-MDN"] == 5)
        #expect(byPlacement["supported facility IDC-TPI"] == 10)
        // A victims' facility: its province only (assisted has no placement).
        let victims = Self.share(victims: [
            Self.ind("assisted", ("total", ["ALL": (6, Self.up)]), ("facility", ["SH-JKT": (6, Self.up)]), ("province", ["ID-JK": (6, Self.down)]))
        ])
        #expect(victims["assisted facility SH-JKT"] == 5)
    }

    @Test(arguments: ["XXA", "XXB", "XXC", "XXX"])
    func unknownTraffickingContainsTheStatelessRefugeesAndUnknown(_ code: String) {
        let s = Self.share(victims: [
            Self.ind("assisted", ("total", ["ALL": (16, Self.up)]), ("nationality", [code: (6, Self.up), "IDN": (6, Self.up)]), ("exploitation_country", ["XXX": (6, Self.up), "MYS": (6, Self.up)]), ("trafficking", ["UNKNOWN": (6, Self.down), "INTERNATIONAL": (6, Self.up)]))
        ])
        #expect(s["assisted nationality \(code)"] == 5)
        #expect(s["assisted nationality IDN"] == 10)
        #expect(s["assisted exploitation_country XXX"] == 5)
        #expect(s["assisted exploitation_country MYS"] == 10)
        // The migrants' nationality XXA is not held by a trafficking cell (they have none).
        let m = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (16, Self.up)]), ("nationality", ["XXA": (6, Self.up)]))
        ])
        #expect(m["supported nationality XXA"] == 10)
    }

    @Test(arguments: [("supported", "in_care_end"), ("supported", "new_arrivals"), ("supported", "exits"), ("supported", "uasc")])
    func theSupportedContainTheirSubsets(_ container: String, _ contained: String) {
        let s = Self.share(migrants: [
            IndicatorFigures(name: container, dimensions: [Self.dim("total", ["ALL": (20, Self.up)]), Self.dim("nationality", ["AFG": (6, Self.down)])]),
            IndicatorFigures(name: contained, dimensions: [Self.dim("total", ["ALL": (6, Self.up)]), Self.dim("nationality", ["AFG": (6, Self.up)])]),
        ])
        #expect(s["\(contained) nationality AFG"] == 5)
        // Its total too, held by the container's total here (20) only: 10 stays.
        #expect(s["\(contained) total ALL"] == 10)
    }

    @Test func theTotalOfAContainedIndicatorIsHeldByTheContainersTotal() {
        let s = Self.share(migrants: [
            Self.ind("supported", ("total", ["ALL": (6, Self.down)]), ("status", ["RESETTLED": (6, Self.up)])),
            Self.ind("exits", ("total", ["ALL": (6, Self.up)]), ("status", ["RESETTLED": (6, Self.up)])),
        ])
        #expect(s == ["supported total ALL": 5, "supported status RESETTLED": 5, "exits total ALL": 5, "exits status RESETTLED": 5])
    }

    @Test func victimsIndicatorsNest() {
        // new_cases ⊂ assisted ⊂ assisted_cumulative, down a chain: the cumulative 6 rounds down.
        let s = Self.share(victims: [
            Self.ind("assisted", ("total", ["ALL": (6, Self.up)]), ("sex", ["F": (6, Self.up)])),
            Self.ind("new_cases", ("total", ["ALL": (6, Self.up)]), ("sex", ["F": (6, Self.up)])),
            Self.ind("assisted_cumulative", ("total", ["ALL": (6, Self.down)]), ("sex", ["F": (6, Self.up)])),
        ])
        #expect(s.values.allSatisfy { $0 == 5 })
        #expect(s.count == 6)
    }

    // MARK: - Releases, the median

    @Test func cumulativeCellsNeverShowLessThanInThePreviousRelease() {
        var releases = KeyedRounding.Releases(k: 5, facilities: [Self.shelter])
        func period(_ p: String, total: (Int, UInt32), medical: (Int, UInt32), nationality: (Int, UInt32)) -> [String: Int] {
            let f = PeriodFigures(
                period: Period(p)!, migrants: [],
                victims: [
                    Self.ind("assisted_cumulative", ("total", ["ALL": total]), ("nationality", ["IDN": nationality]), ("assistance", ["MEDICAL": medical]))
                ], caseload: [])
            return Dictionary(uniqueKeysWithValues: releases.share(f).map { ("\($0.dimension) \($0.category)", $0.value) })
        }
        // March: 6 up → 10 everywhere.
        #expect(
            period("2012-03", total: (6, Self.up), medical: (6, Self.up), nationality: (6, Self.up))
                == ["total ALL": 10, "nationality IDN": 10, "assistance MEDICAL": 10])
        // April: 7 would round down to 5; the total and the multi-valued cell keep 10, the
        // single-valued nationality (whose cases can move away) does not.
        #expect(
            period("2012-04", total: (7, Self.down), medical: (7, Self.down), nationality: (7, Self.down))
                == ["total ALL": 10, "nationality IDN": 5, "assistance MEDICAL": 10])
        // A floor is held by its container after it: MEDICAL 10 under a total that stays 10.
        #expect(
            period("2012-05", total: (8, Self.down), medical: (8, Self.down), nationality: (8, Self.down))
                == ["total ALL": 10, "nationality IDN": 5, "assistance MEDICAL": 10])
    }

    @Test func theMedianStayIsSharedOnlyFromKCasesInCare() {
        func shared(inCare: Int, median: Int) -> [SharedCell] {
            var releases = KeyedRounding.Releases(k: 5, facilities: [Self.idc])
            return releases.share(
                PeriodFigures(
                    period: Period("2012-03")!,
                    migrants: [
                        Self.ind("supported", ("total", ["ALL": (inCare, 0)])),
                        Self.ind("in_care_end", ("total", ["ALL": (inCare, 0)])),
                        IndicatorFigures(name: "stay_median_days", dimensions: [DimensionFigures(name: "total", multiValued: false, counts: ["ALL": median])]),
                    ], victims: [], caseload: []))
        }
        #expect(shared(inCare: 4, median: 40).filter { $0.indicator == "stay_median_days" }.isEmpty)
        let five = shared(inCare: 5, median: 0).filter { $0.indicator == "stay_median_days" }
        #expect(five == [SharedCell(population: .migrants, indicator: "stay_median_days", dimension: "total", category: "ALL", value: 0, rounded: false)])
        #expect(
            shared(inCare: 6, median: 37).last
                == SharedCell(
                    population: .migrants, indicator: "stay_median_days", dimension: "total",
                    category: "ALL", value: 37, rounded: false))
    }

    // MARK: - Property: random histories

    /// The containers of a cell, written out again from outputs.md step 5 for the check.
    static func containersInTest(_ population: Population, _ i: String, _ d: String, _ c: String, has: (String, String) -> Bool) -> [String] {
        var out: [String] = []
        if d != "total" { out.append("\(i == "services" ? "supported" : i) total ALL") }
        if d == "sex_age" {
            let parts = c.split(separator: "|")
            out += ["\(i) sex \(parts[0])", "\(i) age_group \(parts[1])"]
        }
        if d == "facility" {
            let f = [idc, ch, shelter].first { $0.code == c }!
            if has(i, "province") { out.append("\(i) province \(f.province)") }
            if has(i, "placement") { out.append("\(i) placement \(f.kind == .COMMUNITY ? "COMMUNITY" : "IDC")") }
        }
        if population == .victims && has(i, "trafficking") && ((d == "nationality" && ["XXA", "XXB", "XXC", "XXX"].contains(c)) || (d == "exploitation_country" && c == "XXX")) {
            out.append("\(i) trafficking UNKNOWN")
        }
        let parents = [
            "in_care_end": "supported", "new_arrivals": "supported", "exits": "supported", "uasc": "supported",
            "new_cases": "assisted", "assisted": "assisted_cumulative",
        ]
        if let p = parents[i], has(p, d) { out.append("\(p) \(d) \(c)") }
        return out
    }

    @Test func propertyOverRandomHistories() throws {
        var rng = SeededRandom(seed: 2026)
        let nations = ["AFG", "IRN", "LKA", "MMR", "XXA", "XXX", "IDN"]
        let statuses: [Status] = [.PENDING_RSD, .RECOGNIZED, .RESETTLED, .TRANSFERRED]
        var checked = 0
        for history in 0..<60 {
            let k = [2, 3, 5, 5, 7, 11][history % 6]
            let keys = history % 2 == 0 ? RecordKeys() : RecordKeys(key: Array("key-of-history-\(history)-padding".utf8))
            var submissions: [UsedSubmission] = []
            let pool = Self.ids(20 + rng.below(120), from: 1 + history * 1_000)
            for (m, month) in ["2012-01", "2012-02", "2012-03", "2012-04"].enumerated() {
                let p = Period(month)!
                for facility in [Self.idc, Self.ch] {
                    let people = pool.filter { _ in rng.chance(0.35) }
                    submissions.append(
                        UsedSubmission(
                            kind: .detention, facility: facility, period: p,
                            records: people.map {
                                Self.migrant(
                                    $0, sex: rng.chance(0.3) ? .F : .M, born: 1950 + rng.below(62), nationality: nations[rng.below(nations.count)],
                                    arrival: "2012-0\(1 + rng.below(m + 1))-0\(1 + rng.below(9))", status: statuses[rng.below(statuses.count)],
                                    services: rng.chance(0.5) ? [.FOOD] : [])
                            }))
                }
                let victims = pool.filter { _ in rng.chance(0.3) }
                submissions.append(
                    UsedSubmission(
                        kind: .shelter, facility: Self.shelter, period: p,
                        records: victims.map {
                            Self.victim(
                                $0, nationality: nations[rng.below(nations.count)], country: rng.chance(0.2) ? "XXX" : "MYS",
                                admission: "\(month)-0\(1 + rng.below(9))",
                                exploitation: rng.chance(0.5) ? [.LABOUR] : [.SEXUAL, .LABOUR], assistance: rng.chance(0.5) ? [.MEDICAL] : [.PSYCHOSOCIAL])
                        }))
            }
            let figures = Aggregator.figures(submissions, recordKeys: keys, k: k)
            var previous: [String: Int] = [:]
            for f in figures {
                let shared = Dictionary(uniqueKeysWithValues: f.shared.map { ("\($0.indicator) \($0.dimension) \($0.category)", $0.value) })
                var now: [String: Int] = [:]
                for population in Population.allCases {
                    let indicators = f.indicators(of: population)
                    func has(_ i: String, _ d: String) -> Bool { indicators.first { $0.name == i }?[d] != nil }
                    for ind in indicators where ind.name != "stay_median_days" {
                        for dim in ind.dimensions {
                            for (c, n) in dim.counts {
                                let name = "\(ind.name) \(dim.name) \(c)"
                                let v = shared[name] ?? 0
                                #expect(v % k == 0, "\(name): \(v) not a multiple of \(k)")
                                #expect(abs(v - n) < k, "\(name): \(v) is \(n) ± \(k - 1) or more")
                                if n % k == 0 { #expect(v == n, "\(name): \(n) is a multiple of \(k) but shows \(v)") }
                                for container in Self.containersInTest(population, ind.name, dim.name, c, has: has) {
                                    #expect(v <= shared[container] ?? 0, "\(name) \(v) above \(container)")
                                }
                                if ind.name == "assisted_cumulative" && (dim.name == "total" || dim.multiValued) {
                                    #expect(v >= previous[name] ?? 0, "\(name) fell below the previous release")
                                    now[name] = v
                                }
                                checked += 1
                            }
                        }
                    }
                }
                // Nothing shared that is not a cell, nothing at 0.
                #expect(f.shared.allSatisfy { $0.value != 0 || !$0.rounded })
                previous = now
            }
        }
        #expect(checked > 25_000)
    }
}
