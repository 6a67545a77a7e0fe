/// An IOM case number, `^[A-Z]{3}-[0-9]{4}-[0-9]{6}$`, packed in 64 bits.
public struct CaseID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let packed: UInt64

    public init?<S: Collection>(bytes s: S) where S.Element == UInt8 {
        guard s.count == 15 else { return nil }
        var v: UInt64 = 0
        var i = 0
        for c in s {
            switch i {
            case 0, 1, 2:
                guard c >= 0x41, c <= 0x5A else { return nil }
                v = v * 26 + UInt64(c - 0x41)
            case 3, 8:
                guard c == 0x2D else { return nil }
            default:
                guard c >= 0x30, c <= 0x39 else { return nil }
                v = v * 10 + UInt64(c - 0x30)
            }
            i += 1
        }
        packed = v
    }

    public init?(_ s: String) { self.init(bytes: s.utf8) }

    public init(packed: UInt64) { self.packed = packed }

    public var description: String {
        var v = packed
        var digits = [UInt8](repeating: 0, count: 10)
        for i in stride(from: 9, through: 0, by: -1) { digits[i] = UInt8(v % 10) + 0x30; v /= 10 }
        var letters = [UInt8](repeating: 0, count: 3)
        for i in stride(from: 2, through: 0, by: -1) { letters[i] = UInt8(v % 26) + 0x41; v /= 26 }
        return String(decoding: letters + [0x2D] + digits[0..<4] + [0x2D] + digits[4...], as: UTF8.self)
    }

    public static func < (a: CaseID, b: CaseID) -> Bool { a.packed < b.packed }
}

/// A UNHCR registration number, `^[0-9]{3}-[0-9]{2}[A-Z][0-9]{5}$`, packed in 64 bits
/// (no String per record).
public struct UNHCRID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// digits 0-4 and 6-10 as a decimal number (10 digits), the letter in the top byte.
    let packed: UInt64

    public init?<S: Collection>(bytes s: S) where S.Element == UInt8 {
        guard s.count == 12 else { return nil }
        var digits: UInt64 = 0
        var letter: UInt64 = 0
        var i = 0
        for c in s {
            switch i {
            case 3: guard c == 0x2D else { return nil }
            case 6:
                guard c >= 0x41 && c <= 0x5A else { return nil }
                letter = UInt64(c)
            default:
                guard c >= 0x30 && c <= 0x39 else { return nil }
                digits = digits * 10 + UInt64(c - 0x30)
            }
            i += 1
        }
        packed = letter << 56 | digits
    }

    public var description: String {
        var d = packed & 0x00FF_FFFF_FFFF_FFFF
        var out = [UInt8](repeating: 0, count: 12)
        for i in [11, 10, 9, 8, 7, 5, 4, 2, 1, 0] {
            out[i] = UInt8(d % 10) + 0x30
            d /= 10
        }
        out[3] = 0x2D
        out[6] = UInt8(packed >> 56)
        return String(decoding: out, as: UTF8.self)
    }

    /// A number in the text's byte order: the five digits before the letter, the letter, the
    /// five digits after it (every number has the same form, so this is byte order).
    public var sortKey: UInt64 {
        let digits = packed & 0x00FF_FFFF_FFFF_FFFF
        return (digits / 100_000) * 26 * 100_000 + (packed >> 56 - 0x41) * 100_000 + digits % 100_000
    }

    public static func < (a: UNHCRID, b: UNHCRID) -> Bool { a.sortKey < b.sortKey }
}

/// An accepted record of a `detention` submission. Names are never kept.
public struct DetentionRecord: Sendable, Hashable {
    public var caseID: CaseID
    public var unhcrID: UNHCRID?
    public var sex: Sex
    public var birth: PartialDate
    public var nationality: Country
    public var arrival: Day
    public var interception: Interception?
    public var status: Status
    public var statusDate: Day?
    public var unaccompaniedMinor: Bool
    public var vulnerabilities: CodeSet<Vulnerability>
    public var services: CodeSet<Service>

    public init(caseID: CaseID, unhcrID: UNHCRID?, sex: Sex, birth: PartialDate, nationality: Country,
                arrival: Day, interception: Interception?, status: Status, statusDate: Day?,
                unaccompaniedMinor: Bool, vulnerabilities: CodeSet<Vulnerability>, services: CodeSet<Service>) {
        self.caseID = caseID; self.unhcrID = unhcrID; self.sex = sex; self.birth = birth
        self.nationality = nationality; self.arrival = arrival; self.interception = interception
        self.status = status; self.statusDate = statusDate; self.unaccompaniedMinor = unaccompaniedMinor
        self.vulnerabilities = vulnerabilities; self.services = services
    }
}

/// An accepted record of a `shelter` submission. Names are never kept.
public struct ShelterRecord: Sendable, Hashable {
    public var caseID: CaseID
    public var sex: Sex
    public var birth: PartialDate
    public var nationality: Country
    public var identification: Day
    public var admission: Day
    public var discharge: Day?
    public var exploitation: CodeSet<Exploitation>
    public var sector: Sector?
    public var exploitationCountry: Country
    public var referral: Referral?
    public var assistance: CodeSet<Assistance>
    public var consentToShare: Bool

    public init(caseID: CaseID, sex: Sex, birth: PartialDate, nationality: Country, identification: Day,
                admission: Day, discharge: Day?, exploitation: CodeSet<Exploitation>, sector: Sector?,
                exploitationCountry: Country, referral: Referral?, assistance: CodeSet<Assistance>,
                consentToShare: Bool) {
        self.caseID = caseID; self.sex = sex; self.birth = birth; self.nationality = nationality
        self.identification = identification; self.admission = admission; self.discharge = discharge
        self.exploitation = exploitation; self.sector = sector; self.exploitationCountry = exploitationCountry
        self.referral = referral; self.assistance = assistance; self.consentToShare = consentToShare
    }
}

/// One accepted record of either kind.
public enum Record: Sendable, Hashable {
    case detention(DetentionRecord)
    case shelter(ShelterRecord)

    public var caseID: CaseID {
        switch self {
        case .detention(let r): return r.caseID
        case .shelter(let r): return r.caseID
        }
    }
    public var sex: Sex {
        switch self {
        case .detention(let r): return r.sex
        case .shelter(let r): return r.sex
        }
    }
    public var birth: PartialDate {
        switch self {
        case .detention(let r): return r.birth
        case .shelter(let r): return r.birth
        }
    }
    public var nationality: Country {
        switch self {
        case .detention(let r): return r.nationality
        case .shelter(let r): return r.nationality
        }
    }
}

/// The values of one record as read, before validation: byte ranges in a buffer that the reader
/// owns, valid only while the reader's `onRow` callback runs (no copy, no String per cell).
/// Values are trimmed; a missing value has no range. CSV gives every value as one cell (lists are
/// split later on `;`, `|` or `,`); XML gives a list as its `code` items separated by NUL bytes,
/// which no XML text can hold.
public struct RawRecord {
    public var line: Int
    public var bytes: UnsafeBufferPointer<UInt8>
    public var ranges: [Range<Int>?]
    public var nulSeparatedLists: Bool

    public init(line: Int, bytes: UnsafeBufferPointer<UInt8>, nulSeparatedLists: Bool) {
        self.line = line
        self.bytes = bytes
        self.nulSeparatedLists = nulSeparatedLists
        ranges = Array(repeating: nil, count: Field.allCases.count)
    }

    /// The value of a field, or nil when it is missing.
    @inline(__always)
    public subscript(_ f: Field) -> UnsafeBufferPointer<UInt8>? {
        guard let r = ranges[f.ordinal] else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[r])
    }

    /// A value as a test writes it: a cell, or XML `code` items.
    public enum Value: Sendable {
        case text(String)
        case items([String])
    }

    /// Builds a record from values (for tests and tools) and runs `body` with it.
    public static func with<T>(line: Int, _ values: [Field: Value], _ body: (RawRecord) -> T) -> T {
        var storage: [UInt8] = []
        var ranges: [Range<Int>?] = Array(repeating: nil, count: Field.allCases.count)
        var nul = false
        for f in Field.allCases {
            guard let v = values[f] else { continue }
            let start = storage.count
            switch v {
            case .text(let t):
                if t.isEmpty { continue }
                storage += Array(t.utf8)
            case .items(let items):
                nul = true
                storage += Array(items.joined(separator: "\u{0}").utf8)
            }
            ranges[f.ordinal] = start..<storage.count
        }
        return storage.withUnsafeBufferPointer { buf in
            var r = RawRecord(line: line, bytes: buf, nulSeparatedLists: nul)
            r.ranges = ranges
            return body(r)
        }
    }
}
