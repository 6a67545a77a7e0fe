/// The figures of indicators.md: computed once by the Aggregate stage, rendered by the
/// emitters (report.json, aggregates.csv, report.html), never recomputed.

/// The two populations.
public enum Population: String, Sendable, Hashable, CaseIterable {
    case migrants, victims
}

/// One dimension of an indicator, with its counts by category (categories with a count of 0
/// are absent) and the cell key of each (outputs.md, keyed rounding: the sum of the record keys
/// of the cases the cell counts, modulo 2^32; internal, never written).
public struct DimensionFigures: Sendable, Hashable {
    public var name: String
    /// Multi-valued (marked * in indicators.md): a case counts in every category it has.
    public var multiValued: Bool
    public var counts: [String: Int]
    public var keys: [String: UInt32]

    public init(name: String, multiValued: Bool, counts: [String: Int] = [:], keys: [String: UInt32] = [:]) {
        self.name = name; self.multiValued = multiValued; self.counts = counts; self.keys = keys
    }

    /// Categories in byte order.
    public var categories: [String] { counts.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } }
}

/// One indicator of one population in one period.
public struct IndicatorFigures: Sendable, Hashable {
    public var name: String
    public var dimensions: [DimensionFigures]

    public init(name: String, dimensions: [DimensionFigures]) { self.name = name; self.dimensions = dimensions }

    public subscript(_ dimension: String) -> DimensionFigures? { dimensions.first { $0.name == dimension } }

    /// The `total` cell (0 when absent).
    public var total: Int { self["total"]?.counts["ALL"] ?? 0 }
}

/// One row of `unhcr/caseload.csv`, kept compact (24 bytes: codes packed, the facility as an
/// index into the period's facility codes; a long list holds many).
public struct CaseloadRow: Sendable, Hashable {
    /// The UNHCR number as its byte-order key (the rows sort by it).
    public let key: UInt64
    public var unhcrID: UNHCRID { UNHCRID(sortKey: key) }
    public var arrivalDate: Day
    @usableFromInline var statusDay: Int32              // Int32.min: none
    public var nationality: Country
    /// The facility, as an index into `PeriodFigures.facilities`.
    public var facility: UInt16
    /// sex (bits 0-1), age group (2-4), status (5-8), community housing (9).
    @usableFromInline var codes: UInt16

    public init(unhcrID: UNHCRID, sex: Sex, ageGroup: AgeGroup, nationality: Country, facility: Int, community: Bool,
                status: Status, statusDate: Day?, arrivalDate: Day) {
        key = unhcrID.sortKey
        self.arrivalDate = arrivalDate
        statusDay = statusDate?.ordinal ?? Int32.min
        self.nationality = nationality
        self.facility = UInt16(facility)
        codes = UInt16(sex.ordinal) | UInt16(ageGroup.index) << 2 | UInt16(status.ordinal) << 5 | (community ? 1 << 9 : 0)
    }

    public var sex: Sex { Sex(ordinal: Int(codes & 3)) }
    public var ageGroup: AgeGroup { AgeGroup(index: Int(codes >> 2 & 7)) }
    public var status: Status { Status(ordinal: Int(codes >> 5 & 15)) }
    public var community: Bool { codes & (1 << 9) != 0 }
    public var statusDate: Day? { statusDay == Int32.min ? nil : Day(ordinal: statusDay) }

    /// The cells after `period`, as written.
    public func cells(_ facilities: [String]) -> [String] {
        [unhcrID.description, sex.rawValue, ageGroup.rawValue, nationality.code, facilities[Int(facility)], community ? "COMMUNITY" : "IDC",
         status.rawValue, statusDate?.description ?? "", arrivalDate.description]
    }

    /// The order of caseload.csv: by unhcr_id, then by the rest of the row (bytes).
    public static func order(_ a: CaseloadRow, _ b: CaseloadRow, _ facilities: [String]) -> Bool {
        if a.key != b.key { return a.key < b.key }
        for (x, y) in zip(a.cells(facilities), b.cells(facilities)) where x != y { return x.utf8.lexicographicallyPrecedes(y.utf8) }
        return false
    }
}

/// Every figure of one period.
public struct PeriodFigures: Sendable, Hashable {
    public var period: Period
    /// In the order of indicators.md; empty when the period has no submission of that kind.
    public var migrants: [IndicatorFigures]
    public var victims: [IndicatorFigures]
    /// Sorted by unhcr_id, then the rest of the row.
    public var caseload: [CaseloadRow]
    /// The facility codes the caseload rows point to.
    public var facilities: [String]
    /// The cells of `unhcr/aggregates.csv`, in its order (made by keyed rounding, period after
    /// period: a period's shared values depend on the release before).
    public var shared: [SharedCell] = []

    public init(period: Period, migrants: [IndicatorFigures], victims: [IndicatorFigures], caseload: [CaseloadRow], facilities: [String] = []) {
        self.period = period; self.migrants = migrants; self.victims = victims; self.caseload = caseload; self.facilities = facilities
    }

    public func indicators(of p: Population) -> [IndicatorFigures] { p == .migrants ? migrants : victims }

    public func indicator(_ p: Population, _ name: String) -> IndicatorFigures? {
        indicators(of: p).first { $0.name == name }
    }
}

/// A cell of the shared aggregates: its shared value (a count rounded by keyed rounding, or the
/// median stay as computed).
public struct SharedCell: Sendable, Hashable {
    public var population: Population
    public var indicator: String
    public var dimension: String
    public var category: String
    public var value: Int
    /// A count (rounded to a multiple of k), not the median.
    public var rounded: Bool

    public init(population: Population, indicator: String, dimension: String, category: String, value: Int, rounded: Bool) {
        self.population = population; self.indicator = indicator; self.dimension = dimension
        self.category = category; self.value = value; self.rounded = rounded
    }
}

/// The indicators and their dimensions, in the order of indicators.md (and of every output).
public enum IndicatorCatalogue {
    public static let multiValued: Set<String> = ["vulnerability", "service", "exploitation", "assistance"]

    public static let migrants: [(indicator: String, dimensions: [String])] = [
        ("supported", ["total", "sex", "age_group", "sex_age", "nationality", "placement", "facility", "province", "status", "interception", "vulnerability"]),
        ("in_care_end", ["total", "sex", "age_group", "sex_age", "nationality", "placement", "status"]),
        ("new_arrivals", ["total", "sex", "age_group", "nationality", "placement", "interception"]),
        ("exits", ["total", "status", "nationality"]),
        ("uasc", ["total", "sex", "nationality"]),
        ("services", ["service"]),
        ("stay_median_days", ["total"]),
    ]

    public static let victims: [(indicator: String, dimensions: [String])] = [
        ("assisted", ["total", "sex", "age_group", "sex_age", "nationality", "facility", "province", "exploitation", "sector", "exploitation_country", "trafficking", "referral", "assistance"]),
        ("new_cases", ["total", "sex", "age_group", "nationality", "exploitation"]),
        ("assisted_cumulative", ["total", "sex", "age_group", "nationality", "exploitation", "assistance"]),
    ]

    public static func of(_ p: Population) -> [(indicator: String, dimensions: [String])] { p == .migrants ? migrants : victims }

    /// The categories of a closed dimension (nil for open ones: nationality, facility, province,
    /// exploitation_country), for listing zeros in report.json.
    public static func categories(of dimension: String) -> [String]? {
        func codes<C: Code>(_: C.Type, _ extra: String? = nil) -> [String] { C.allCases.map(\.rawValue) + (extra.map { [$0] } ?? []) }
        switch dimension {
        case "total": return ["ALL"]
        case "sex": return codes(Sex.self)
        case "age_group": return AgeGroup.allCases.map(\.rawValue)
        case "sex_age": return Sex.allCases.flatMap { s in AgeGroup.allCases.map { "\(s.rawValue)|\($0.rawValue)" } }
        case "placement": return ["IDC", "COMMUNITY"]
        case "status": return codes(Status.self)
        case "interception": return codes(Interception.self, "UNKNOWN")
        case "vulnerability": return codes(Vulnerability.self, "NONE")
        case "service": return codes(Service.self, "NONE")
        case "exploitation": return codes(Exploitation.self, "NONE")
        case "sector": return codes(Sector.self, "UNKNOWN")
        case "referral": return codes(Referral.self, "UNKNOWN")
        case "assistance": return codes(Assistance.self, "NONE")
        case "trafficking": return ["DOMESTIC", "INTERNATIONAL", "UNKNOWN"]
        default: return nil
        }
    }
}

/// Versions written into the outputs.
public enum Versions {
    public static let tool = "0.3.0"
    public static let reportFormat = 1
    public static let manifestFormat = 1
}
