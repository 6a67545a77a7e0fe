/// Closed code lists of the contract. Each is an enum whose raw value is the code as written
/// upper-case; parsing is ASCII case-insensitive after trimming (done by the readers).
public protocol Code: CaseIterable, Hashable, Sendable, RawRepresentable where RawValue == String, AllCases == [Self] {
    /// The codes as bytes (`CodeTable()`), built once per list.
    static var table: CodeTable<Self> { get }
}

/// The codes of one list as bytes, for parsing without building Strings: each code (at most 24
/// bytes) packed upper-case into three words, compared word by word.
public struct CodeTable<C: Code>: @unchecked Sendable {
    struct Entry {
        var w0: UInt64, w1: UInt64, w2: UInt64
        var count: Int
    }

    /// Built once per list and never freed (the tables live as long as the program).
    let entries: UnsafeMutablePointer<Entry>
    public let n: Int
    /// An open-addressing index of the entries by a hash of their first word and length (-1: empty).
    let slots: UnsafeMutablePointer<Int8>
    /// The one-byte codes by their byte, either case (-1: none): `M`, `Y`, `1` at a lookup.
    let single: UnsafeMutablePointer<Int8>
    static var slotCount: Int { 64 }

    @inline(__always)
    static func slot(_ w0: UInt64, _ count: Int) -> Int {
        Int(truncatingIfNeeded: ((w0 ^ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }

    public init() {
        let cases = C.allCases
        n = cases.count
        entries = .allocate(capacity: n)
        for (i, c) in cases.enumerated() {
            let b = Array(c.rawValue.utf8)
            precondition(b.count <= 24 && c.ordinal == i, "codes are short and in declaration order")
            var w: (UInt64, UInt64, UInt64) = (0, 0, 0)
            for (k, x) in b.enumerated() { CodeTable.put(x, at: k, into: &w) }
            entries[i] = Entry(w0: w.0, w1: w.1, w2: w.2, count: b.count)
        }
        single = .allocate(capacity: 256)
        single.initialize(repeating: -1, count: 256)
        for (i, c) in cases.enumerated() {
            let b = Array(c.rawValue.utf8)
            if b.count == 1 {
                single[Int(b[0])] = Int8(i)
                if b[0] >= 0x41 && b[0] <= 0x5A { single[Int(b[0] + 0x20)] = Int8(i) }
            }
        }
        slots = .allocate(capacity: CodeTable.slotCount)
        slots.initialize(repeating: -1, count: CodeTable.slotCount)
        for i in 0..<n {
            var k = CodeTable.slot(entries[i].w0, entries[i].count)
            while slots[k] >= 0 { k = (k + 1) & (CodeTable.slotCount - 1) }
            slots[k] = Int8(i)
        }
    }

    @inline(__always)
    static func put(_ byte: UInt8, at k: Int, into w: inout (UInt64, UInt64, UInt64)) {
        let v = UInt64(byte) << UInt64((k & 7) * 8)
        switch k >> 3 {
        case 0: w.0 |= v
        case 1: w.1 |= v
        default: w.2 |= v
        }
    }

    /// ASCII case-insensitive match of the bytes against every code of the list.
    @inline(__always)
    public func parse<S: Collection>(_ bytes: S) -> C? where S.Element == UInt8 {
        let count = bytes.count
        guard count > 0, count <= 24 else { return nil }
        var w: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var k = 0
        for b in bytes {
            CodeTable.put(b >= 0x61 && b <= 0x7A ? b &- 0x20 : b, at: k, into: &w)
            k += 1
        }
        return find(w, count)
    }

    /// The same for bytes behind a pointer: each word is built by shifts, then folded to upper
    /// case eight bytes at once (codes are ASCII: a byte with its top bit set matches none).
    @inline(__always)
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> C? {
        let count = bytes.count
        guard count > 0, count <= 24, let p = bytes.baseAddress else { return nil }
        if count == 1 {
            let i = single[Int(p[0])]
            return i < 0 ? nil : C(ordinal: Int(i))
        }
        @inline(__always) func word(_ from: Int) -> UInt64 {
            var v: UInt64 = 0
            var i = min(count, from &+ 8) &- 1
            while i >= from {
                v = v &<< 8 | UInt64(p[i])
                i &-= 1
            }
            return v
        }
        @inline(__always) func upper(_ w: UInt64) -> UInt64 {
            // 0x80 in every byte from `a` to `z` (no carry between bytes below 0x80).
            let lower = (w &+ 0x1F1F_1F1F_1F1F_1F1F) & ~(w &+ 0x0505_0505_0505_0505) & 0x8080_8080_8080_8080
            return w &- (lower &>> 2)
        }
        let w0 = word(0), w1 = count > 8 ? word(8) : 0, w2 = count > 16 ? word(16) : 0
        if (w0 | w1 | w2) & 0x8080_8080_8080_8080 != 0 { return nil }
        return find((upper(w0), upper(w1), upper(w2)), count)
    }

    @inline(__always)
    func find(_ w: (UInt64, UInt64, UInt64), _ count: Int) -> C? {
        var k = CodeTable.slot(w.0, count)
        while true {
            let i = Int(slots[k])
            if i < 0 { return nil }
            let e = entries[i]
            if e.count == count && e.w0 == w.0 && e.w1 == w.1 && e.w2 == w.2 { return C(ordinal: i) }
            k = (k + 1) & (CodeTable.slotCount - 1)
        }
    }
}

extension Code {
    /// Index of the case in `allCases`: the bit of a `CodeSet`. Read from the case's one-byte
    /// tag (declaration order; a test holds it to `allCases` for every list).
    @inline(__always)
    public var ordinal: Int { Int(unsafeBitCast(self, to: UInt8.self)) }

    /// The case of an ordinal (its one-byte tag), without building `allCases`.
    @inline(__always)
    public init(ordinal: Int) {
        assert(ordinal >= 0 && ordinal < Self.allCases.count)
        self = unsafeBitCast(UInt8(truncatingIfNeeded: ordinal), to: Self.self)
    }

    /// Parses a code from bytes, ASCII case-insensitively.
    @inline(__always)
    public static func parse<S: Collection>(_ bytes: S) -> Self? where S.Element == UInt8 {
        table.parse(bytes)
    }

    @inline(__always)
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Self? { table.parse(bytes) }

    /// The number of codes of the list (`allCases.count`, without building the array).
    @inline(__always)
    public static var count: Int { table.n }

    /// `F, M, X`: the list as a message shows it.
    public static var listed: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

public enum Sex: String, Code {
    public static let table = CodeTable<Sex>()
    case F, M, X
}

public enum Interception: String, Code {
    public static let table = CodeTable<Interception>()
    case SEA, LAND, AIR
}

public enum Status: String, Code {
    public static let table = CodeTable<Status>()
    case PENDING_RSD, RECOGNIZED, REJECTED
    case RESETTLED, RETURNED, TRANSFERRED, DEPORTED, ABSCONDED, RELEASED, DECEASED

    /// Still in IOM care at the end of the period.
    public var isActive: Bool { self == .PENDING_RSD || self == .RECOGNIZED || self == .REJECTED }
    public var isExit: Bool { !isActive }
}

public enum Vulnerability: String, Code {
    public static let table = CodeTable<Vulnerability>()
    case MEDICAL, DISABILITY, PREGNANT, ELDERLY, SURVIVOR_TORTURE, SURVIVOR_SGBV, VOT, SINGLE_PARENT
}

public enum Service: String, Code {
    public static let table = CodeTable<Service>()
    case MEDICAL, PSYCHOSOCIAL, FOOD, NFI, ACCOMMODATION, EDUCATION, INTERPRETATION, COUNSELLING, AVR_COUNSELLING
}

public enum Exploitation: String, Code {
    public static let table = CodeTable<Exploitation>()
    case LABOUR, SEXUAL, DOMESTIC_SERVITUDE, FORCED_MARRIAGE, FORCED_CRIMINALITY, ORGAN_REMOVAL, OTHER
}

public enum Sector: String, Code {
    public static let table = CodeTable<Sector>()
    case FISHING, DOMESTIC_WORK, CONSTRUCTION, AGRICULTURE, MANUFACTURING, HOSPITALITY, ENTERTAINMENT, OTHER
}

public enum Referral: String, Code {
    public static let table = CodeTable<Referral>()
    case POLICE, NGO, SELF, FAMILY, CONSULATE, IOM, GOVERNMENT, OTHER
}

public enum Assistance: String, Code {
    public static let table = CodeTable<Assistance>()
    case MEDICAL, PSYCHOSOCIAL, SHELTER, LEGAL, RETURN, REINTEGRATION, EDUCATION, LIVELIHOOD, FAMILY_TRACING
}

/// The registry's facility kinds.
public enum FacilityKind: String, Code {
    public static let table = CodeTable<FacilityKind>()
    case IDC, COMMUNITY, SHELTER
}

/// The two kinds of submission.
public enum SubmissionKind: String, Sendable, Hashable, CaseIterable, Comparable {
    case detention, shelter

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// Whether a facility of this registry kind submits this kind.
    public func accepts(_ facility: FacilityKind) -> Bool {
        switch self {
        case .detention: return facility == .IDC || facility == .COMMUNITY
        case .shelter: return facility == .SHELTER
        }
    }
}

/// A set of codes of one list, as a bit set (every list has at most 16 codes).
public struct CodeSet<C: Code>: Hashable, Sendable, Sequence {
    public var bits: UInt16

    public init(bits: UInt16 = 0) { self.bits = bits }
    public init(_ codes: [C]) {
        bits = 0
        for c in codes { insert(c) }
    }

    public mutating func insert(_ c: C) { bits |= 1 << UInt16(c.ordinal) }
    public func contains(_ c: C) -> Bool { bits & (1 << UInt16(c.ordinal)) != 0 }
    public var isEmpty: Bool { bits == 0 }
    public func union(_ o: CodeSet<C>) -> CodeSet<C> { CodeSet(bits: bits | o.bits) }

    public func makeIterator() -> IndexingIterator<[C]> {
        var out: [C] = []
        var i = 0
        for c in C.allCases {
            if bits & (1 << UInt16(i)) != 0 { out.append(c) }
            i += 1
        }
        return out.makeIterator()
    }
}

/// A country: an ISO 3166-1 alpha-3 code or one of `XXA`, `XXB`, `XXC`, `XXX`.
public struct Country: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let index: UInt16

    static let table: [String: UInt16] = Dictionary(
        uniqueKeysWithValues: countryCodes.enumerated().map { ($1, UInt16($0)) })

    public init?(code: String) {
        guard let i = Country.table[code] else { return nil }
        index = i
    }

    /// Three letters packed as a number: index into `byLetters`.
    static let byLetters: [UInt16] = {
        var t = [UInt16](repeating: .max, count: 26 * 26 * 26)
        for (i, c) in countryCodes.enumerated() {
            let b = Array(c.utf8)
            t[(Int(b[0]) - 65) * 676 + (Int(b[1]) - 65) * 26 + (Int(b[2]) - 65)] = UInt16(i)
        }
        return t
    }()

    init(index: UInt16) { self.index = index }

    /// How a report shows a country code: its name with the code, `Afghanistan (AFG)`,
    /// `Stateless (XXA)` (names from Debian's iso-codes, `ISOCodes.swift`); a code without a name
    /// as it is.
    public static func label(_ code: String) -> String { countryNames[code].map { "\($0) (\(code))" } ?? code }

    /// ASCII case-insensitive.
    @inline(__always)
    public static func parse<S: Collection>(_ bytes: S) -> Country? where S.Element == UInt8 {
        guard bytes.count == 3 else { return nil }
        var key = 0
        for b in bytes {
            let u = b >= 0x61 && b <= 0x7A ? b &- 0x20 : b
            guard u >= 0x41 && u <= 0x5A else { return nil }
            key = key * 26 + Int(u - 0x41)
        }
        let i = byLetters[key]
        return i == .max ? nil : Country(index: i)
    }

    public var code: String { countryCodes[Int(index)] }

    /// The code's three letters (ASCII), without a String.
    public var letters: (UInt8, UInt8, UInt8) { Country.letterTable[Int(index)] }
    static let letterTable: [(UInt8, UInt8, UInt8)] = countryCodes.map { c in
        let b = Array(c.utf8)
        return (b[0], b[1], b[2])
    }
    public var description: String { code }
    public static func < (a: Country, b: Country) -> Bool { a.index < b.index }

    static let xxa = Country(code: "XXA")!.index, xxb = Country(code: "XXB")!.index
    static let xxc = Country(code: "XXC")!.index, xxx = Country(code: "XXX")!.index

    /// Stateless or refugee: `XXA`, `XXB`, `XXC`.
    public var isStatelessOrRefugee: Bool { index == Country.xxa || index == Country.xxb || index == Country.xxc }
    public var isUnknown: Bool { index == Country.xxx }
}
