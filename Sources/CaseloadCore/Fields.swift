/// Every field of both submission kinds, by its CSV column name.
public enum Field: String, CaseIterable, Sendable, Hashable {
    case case_id, unhcr_id, family_name, given_name, sex, birth_date, nationality
    case arrival_date, interception, status, status_date, unaccompanied_minor, vulnerabilities, services
    case identification_date, admission_date, discharge_date, exploitation, sector, exploitation_country
    case referral, assistance, consent_to_share

    /// Position in `allCases`, used to index raw records: the case's tag, read from its one-byte
    /// representation (declaration order; a test holds it to `allCases`), so that the hot path
    /// never hashes.
    @inline(__always)
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// The field of an ordinal (its one-byte tag).
    @inline(__always)
    public init(ordinal: Int) {
        assert(ordinal >= 0 && ordinal < Field.count)
        self = unsafeBitCast(UInt8(truncatingIfNeeded: ordinal), to: Field.self)
    }

    /// The number of fields (`allCases.count`, without building the array).
    public static let count = 23

    /// The XML element name: the column in lowerCamelCase.
    public var xmlName: String {
        let parts = rawValue.split(separator: "_")
        return parts[0] + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    public var isList: Bool {
        switch self {
        case .vulnerabilities, .services, .exploitation, .assistance: return true
        default: return false
        }
    }
}

extension SubmissionKind {
    /// The fields of this kind, in the order of the contract's table.
    public var fields: [Field] {
        switch self {
        case .detention:
            return [
                .case_id, .unhcr_id, .family_name, .given_name, .sex, .birth_date, .nationality,
                .arrival_date, .interception, .status, .status_date, .unaccompanied_minor,
                .vulnerabilities, .services,
            ]
        case .shelter:
            return [
                .case_id, .family_name, .given_name, .sex, .birth_date, .nationality,
                .identification_date, .admission_date, .discharge_date, .exploitation, .sector,
                .exploitation_country, .referral, .assistance, .consent_to_share,
            ]
        }
    }

    /// Columns that must be present in a CSV header (fields that are always required).
    public var requiredColumns: [Field] {
        switch self {
        case .detention:
            return [.case_id, .sex, .birth_date, .nationality, .arrival_date, .status]
        case .shelter:
            return [
                .case_id, .sex, .birth_date, .nationality, .identification_date, .admission_date,
                .exploitation, .exploitation_country, .assistance,
            ]
        }
    }

    /// The XML element of one record.
    public var recordElement: String { self == .detention ? "migrant" : "victim" }
}
