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
    @usableFromInline var statusDay: Int32  // Int32.min: none
    public var nationality: Country
    /// The facility, as an index into `PeriodFigures.facilities`.
    public var facility: UInt16
    /// sex (bits 0-1), age group (2-4), status (5-8), community housing (9).
    @usableFromInline var codes: UInt16

    public init(
        unhcrID: UNHCRID, sex: Sex, ageGroup: AgeGroup, nationality: Country, facility: Int, community: Bool,
        status: Status, statusDate: Day?, arrivalDate: Day
    ) {
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
        [
            unhcrID.description, sex.rawValue, ageGroup.rawValue, nationality.code, facilities[Int(facility)], community ? "COMMUNITY" : "IDC",
            status.rawValue, statusDate?.description ?? "", arrivalDate.description,
        ]
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

/// The dimensions of indicators.md. A closed vocabulary: every `switch` over it is exhaustive,
/// so a new dimension does not compile until every place that must know it does.
public enum Dimension: String, CaseIterable, Sendable, Hashable {
    case total, sex
    case ageGroup = "age_group", sexAge = "sex_age"
    case nationality, placement, facility, province, status, interception
    case vulnerability, service, exploitation, sector
    case exploitationCountry = "exploitation_country"
    case trafficking, referral, assistance

    /// Marked * in indicators.md: a case counts in every category of its list.
    public var isMultiValued: Bool {
        switch self {
        case .vulnerability, .service, .exploitation, .assistance: return true
        case .total, .sex, .ageGroup, .sexAge, .nationality, .placement, .facility, .province, .status, .interception, .sector,
            .exploitationCountry, .trafficking, .referral:
            return false
        }
    }

    /// The categories of a closed dimension, in the order they are listed (nil for the open ones:
    /// nationality, facility, province, exploitation_country), for listing zeros in report.json.
    public var closedCategories: [String]? {
        func codes<C: Code>(_: C.Type, _ extra: String? = nil) -> [String] { C.allCases.map(\.rawValue) + (extra.map { [$0] } ?? []) }
        switch self {
        case .total: return ["ALL"]
        case .sex: return codes(Sex.self)
        case .ageGroup: return AgeGroup.allCases.map(\.rawValue)
        case .sexAge: return Sex.allCases.flatMap { s in AgeGroup.allCases.map { "\(s.rawValue)|\($0.rawValue)" } }
        case .placement: return ["IDC", "COMMUNITY"]
        case .status: return codes(Status.self)
        case .interception: return codes(Interception.self, "UNKNOWN")
        case .vulnerability: return codes(Vulnerability.self, "NONE")
        case .service: return codes(Service.self, "NONE")
        case .exploitation: return codes(Exploitation.self, "NONE")
        case .sector: return codes(Sector.self, "UNKNOWN")
        case .referral: return codes(Referral.self, "UNKNOWN")
        case .assistance: return codes(Assistance.self, "NONE")
        case .trafficking: return ["DOMESTIC", "INTERNATIONAL", "UNKNOWN"]
        case .nationality, .facility, .province, .exploitationCountry: return nil
        }
    }
}

/// The indicators of indicators.md, in the order of its tables (and of every output). A closed
/// vocabulary, as `Dimension`.
public enum Indicator: String, CaseIterable, Sendable, Hashable {
    case supported
    case inCareEnd = "in_care_end", newArrivals = "new_arrivals"
    case exits, uasc, services
    case stayMedianDays = "stay_median_days"
    case assisted
    case newCases = "new_cases", assistedCumulative = "assisted_cumulative"

    public var population: Population {
        switch self {
        case .supported, .inCareEnd, .newArrivals, .exits, .uasc, .services, .stayMedianDays: return .migrants
        case .assisted, .newCases, .assistedCumulative: return .victims
        }
    }

    /// Its dimensions, in the order of its own row in indicators.md.
    public var dimensions: [Dimension] {
        switch self {
        case .supported: return [.total, .sex, .ageGroup, .sexAge, .nationality, .placement, .facility, .province, .status, .interception, .vulnerability]
        case .inCareEnd: return [.total, .sex, .ageGroup, .sexAge, .nationality, .placement, .status]
        case .newArrivals: return [.total, .sex, .ageGroup, .nationality, .placement, .interception]
        case .exits: return [.total, .status, .nationality]
        case .uasc: return [.total, .sex, .nationality]
        case .services: return [.service]
        case .stayMedianDays: return [.total]
        case .assisted:
            return [
                .total, .sex, .ageGroup, .sexAge, .nationality, .facility, .province, .exploitation, .sector, .exploitationCountry,
                .trafficking, .referral, .assistance,
            ]
        case .newCases: return [.total, .sex, .ageGroup, .nationality, .exploitation]
        case .assistedCumulative: return [.total, .sex, .ageGroup, .nationality, .exploitation, .assistance]
        }
    }

    /// The indicator whose cases include all of this one's (outputs.md, keyed rounding, step 5).
    public var container: Indicator? {
        switch self {
        case .inCareEnd, .newArrivals, .exits, .uasc: return .supported
        case .newCases: return .assisted
        case .assisted: return .assistedCumulative
        case .supported, .services, .stayMedianDays, .assistedCumulative: return nil
        }
    }

    /// A count of cases (every indicator but the median stay).
    public var isCount: Bool {
        switch self {
        case .stayMedianDays: return false
        case .supported, .inCareEnd, .newArrivals, .exits, .uasc, .services, .assisted, .newCases, .assistedCumulative: return true
        }
    }
}

/// The indicators and their dimensions by name, in the order of indicators.md (and of every output).
public enum IndicatorCatalogue {
    public static let multiValued: Set<String> = Set(Dimension.allCases.filter(\.isMultiValued).map(\.rawValue))

    public static let migrants = entries(.migrants)
    public static let victims = entries(.victims)

    static func entries(_ p: Population) -> [(indicator: String, dimensions: [String])] {
        Indicator.allCases.filter { $0.population == p }.map { ($0.rawValue, $0.dimensions.map(\.rawValue)) }
    }

    public static func of(_ p: Population) -> [(indicator: String, dimensions: [String])] { p == .migrants ? migrants : victims }

    /// The categories of a closed dimension by name (nil for open ones and for names that are no
    /// dimension).
    public static func categories(of dimension: String) -> [String]? { Dimension(rawValue: dimension)?.closedCategories }
}

/// Versions written into the outputs.
public enum Versions {
    public static let tool = "0.3.0"
    public static let reportFormat = 1
    public static let manifestFormat = 1
}
