#if canImport(Glibc)
    import Glibc
#endif

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

    /// The same for bytes behind a pointer, unrolled.
    @inline(__always)
    public init?(bytes s: UnsafeBufferPointer<UInt8>) {
        guard s.count == 15, let p = s.baseAddress, p[3] == 0x2D, p[8] == 0x2D else { return nil }
        let a = p[0] &- 0x41, b = p[1] &- 0x41, c = p[2] &- 0x41
        guard a < 26, b < 26, c < 26 else { return nil }
        @inline(__always) func digit(_ i: Int) -> UInt64 { UInt64(p[i] &- 0x30) }
        let d4 = digit(4), d5 = digit(5), d6 = digit(6), d7 = digit(7), d9 = digit(9), d10 = digit(10)
        let d11 = digit(11), d12 = digit(12), d13 = digit(13), d14 = digit(14)
        guard d4 < 10, d5 < 10, d6 < 10, d7 < 10, d9 < 10, d10 < 10, d11 < 10, d12 < 10, d13 < 10, d14 < 10 else { return nil }
        let year = ((d4 &* 10 &+ d5) &* 10 &+ d6) &* 10 &+ d7
        let serial = ((((d9 &* 10 &+ d10) &* 10 &+ d11) &* 10 &+ d12) &* 10 &+ d13) &* 10 &+ d14
        packed = ((UInt64(a) * 26 + UInt64(b)) * 26 + UInt64(c)) &* 10_000_000_000 &+ year &* 1_000_000 &+ serial
    }

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
    /// digits 0-4 and 6-10 as a decimal number (10 digits), the letter in the top byte (never 0).
    public let packed: UInt64

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

    public init(packed: UInt64) { self.packed = packed }

    /// The same for bytes behind a pointer, unrolled.
    @inline(__always)
    public init?(bytes s: UnsafeBufferPointer<UInt8>) {
        guard s.count == 12, let p = s.baseAddress, p[3] == 0x2D, p[6] &- 0x41 < 26 else { return nil }
        var digits: UInt64 = 0
        for i in 0..<12 where i != 3 && i != 6 {
            let d = p[i] &- 0x30
            guard d < 10 else { return nil }
            digits = digits &* 10 &+ UInt64(d)
        }
        packed = UInt64(p[6]) << 56 | digits
    }

    public var description: String {
        var out = [UInt8](repeating: 0, count: 12)
        write(into: &out, at: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes the twelve bytes of the number at `at`.
    @inline(__always)
    public func write(into out: inout [UInt8], at i: Int) {
        var d = packed & 0x00FF_FFFF_FFFF_FFFF
        for k in [11, 10, 9, 8, 7, 5, 4, 2, 1, 0] {
            out[i + k] = UInt8(d % 10) + 0x30
            d /= 10
        }
        out[i + 3] = 0x2D
        out[i + 6] = UInt8(packed >> 56)
    }

    /// A number in the text's byte order: the five digits before the letter, the letter, the
    /// five digits after it (every number has the same form, so this is byte order).
    public var sortKey: UInt64 {
        let digits = packed & 0x00FF_FFFF_FFFF_FFFF
        return (digits / 100_000) * 26 * 100_000 + (packed >> 56 - 0x41) * 100_000 + digits % 100_000
    }

    /// The number of a `sortKey`.
    public init(sortKey k: UInt64) {
        let after = k % 100_000, rest = k / 100_000
        packed = (rest % 26 + 0x41) << 56 | (rest / 26) * 100_000 + after
    }

    public static func < (a: UNHCRID, b: UNHCRID) -> Bool { a.sortKey < b.sortKey }
}

/// An accepted record of a `detention` submission. Names are never kept.
///
/// Stored compactly (36 bytes: a long history holds many until they are folded into the
/// figures): optional values as sentinels, the small codes packed in one word.
public struct DetentionRecord: Sendable, Hashable {
    public var caseID: CaseID
    @usableFromInline var unhcrPacked: UInt64  // 0: none
    public var arrival: Day
    @usableFromInline var statusDay: Int32  // Int32.min: none
    public var birth: PartialDate
    public var nationality: Country
    public var vulnerabilities: CodeSet<Vulnerability>
    public var services: CodeSet<Service>
    /// sex (bits 0-1), status (2-5), interception (6-8, 7: none), unaccompanied minor (9).
    @usableFromInline var codes: UInt16

    public init(
        caseID: CaseID, unhcrID: UNHCRID?, sex: Sex, birth: PartialDate, nationality: Country,
        arrival: Day, interception: Interception?, status: Status, statusDate: Day?,
        unaccompaniedMinor: Bool, vulnerabilities: CodeSet<Vulnerability>, services: CodeSet<Service>
    ) {
        self.caseID = caseID
        unhcrPacked = unhcrID?.packed ?? 0
        self.arrival = arrival
        statusDay = statusDate?.ordinal ?? Int32.min
        self.birth = birth
        self.nationality = nationality
        self.vulnerabilities = vulnerabilities
        self.services = services
        codes =
            UInt16(sex.ordinal) | UInt16(status.ordinal) << 2 | UInt16(interception?.ordinal ?? 7) << 6
            | (unaccompaniedMinor ? 1 << 9 : 0)
    }

    public var unhcrID: UNHCRID? {
        get { unhcrPacked == 0 ? nil : UNHCRID(packed: unhcrPacked) }
        set { unhcrPacked = newValue?.packed ?? 0 }
    }
    public var statusDate: Day? {
        get { statusDay == Int32.min ? nil : Day(ordinal: statusDay) }
        set { statusDay = newValue?.ordinal ?? Int32.min }
    }
    public var sex: Sex {
        get { Sex(ordinal: Int(codes & 3)) }
        set { codes = codes & ~3 | UInt16(newValue.ordinal) }
    }
    public var status: Status {
        get { Status(ordinal: Int(codes >> 2 & 15)) }
        set { codes = codes & ~(15 << 2) | UInt16(newValue.ordinal) << 2 }
    }
    public var interception: Interception? {
        get { let i = Int(codes >> 6 & 7); return i == 7 ? nil : Interception(ordinal: i) }
        set { codes = codes & ~(7 << 6) | UInt16(newValue?.ordinal ?? 7) << 6 }
    }
    public var unaccompaniedMinor: Bool {
        get { codes & (1 << 9) != 0 }
        set { codes = newValue ? codes | 1 << 9 : codes & ~(1 << 9) }
    }
    /// The ordinals, for counting without building the codes.
    @inline(__always) public var sexOrdinal: Int { Int(codes & 3) }
    @inline(__always) public var statusOrdinal: Int { Int(codes >> 2 & 15) }
    /// The interception's ordinal, or `Interception.count` (UNKNOWN) when missing.
    @inline(__always) public var interceptionOrdinal: Int { let i = Int(codes >> 6 & 7); return i == 7 ? Interception.count : i }
}

/// An accepted record of a `shelter` submission. Names are never kept. Stored compactly, as
/// `DetentionRecord`.
public struct ShelterRecord: Sendable, Hashable {
    public var caseID: CaseID
    public var identification: Day
    public var admission: Day
    @usableFromInline var dischargeDay: Int32  // Int32.min: none
    public var birth: PartialDate
    public var nationality: Country
    public var exploitationCountry: Country
    public var exploitation: CodeSet<Exploitation>
    public var assistance: CodeSet<Assistance>
    /// sex (bits 0-1), sector (2-5, 15: none), referral (6-9, 15: none), consent to share (10).
    @usableFromInline var codes: UInt16

    public init(
        caseID: CaseID, sex: Sex, birth: PartialDate, nationality: Country, identification: Day,
        admission: Day, discharge: Day?, exploitation: CodeSet<Exploitation>, sector: Sector?,
        exploitationCountry: Country, referral: Referral?, assistance: CodeSet<Assistance>,
        consentToShare: Bool
    ) {
        self.caseID = caseID
        self.identification = identification
        self.admission = admission
        dischargeDay = discharge?.ordinal ?? Int32.min
        self.birth = birth
        self.nationality = nationality
        self.exploitationCountry = exploitationCountry
        self.exploitation = exploitation
        self.assistance = assistance
        codes =
            UInt16(sex.ordinal) | UInt16(sector?.ordinal ?? 15) << 2 | UInt16(referral?.ordinal ?? 15) << 6
            | (consentToShare ? 1 << 10 : 0)
    }

    public var discharge: Day? {
        get { dischargeDay == Int32.min ? nil : Day(ordinal: dischargeDay) }
        set { dischargeDay = newValue?.ordinal ?? Int32.min }
    }
    public var sex: Sex {
        get { Sex(ordinal: Int(codes & 3)) }
        set { codes = codes & ~3 | UInt16(newValue.ordinal) }
    }
    public var sector: Sector? {
        get { let i = Int(codes >> 2 & 15); return i == 15 ? nil : Sector(ordinal: i) }
        set { codes = codes & ~(15 << 2) | UInt16(newValue?.ordinal ?? 15) << 2 }
    }
    public var referral: Referral? {
        get { let i = Int(codes >> 6 & 15); return i == 15 ? nil : Referral(ordinal: i) }
        set { codes = codes & ~(15 << 6) | UInt16(newValue?.ordinal ?? 15) << 6 }
    }
    public var consentToShare: Bool {
        get { codes & (1 << 10) != 0 }
        set { codes = newValue ? codes | 1 << 10 : codes & ~(1 << 10) }
    }
    @inline(__always) public var sexOrdinal: Int { Int(codes & 3) }
    /// The sector's ordinal, or `Sector.count` (UNKNOWN) when missing.
    @inline(__always) public var sectorOrdinal: Int { let i = Int(codes >> 2 & 15); return i == 15 ? Sector.count : i }
    /// The referral's ordinal, or `Referral.count` (UNKNOWN) when missing.
    @inline(__always) public var referralOrdinal: Int { let i = Int(codes >> 6 & 15); return i == 15 ? Referral.count : i }
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

/// The values of one record as read, before validation: slices of buffers that the reader
/// owns, valid only while the reader's `onRow` callback runs (no copy, no String per cell).
/// Values are trimmed; a missing value has no slice. CSV gives every value as one cell (lists are
/// split later on `;`, `|` or `,`); XML gives a list as its `code` items separated by NUL bytes,
/// which no XML text can hold.
public struct RawRecord {
    public var line: Int
    public var nulSeparatedLists: Bool
    /// The slices of `RawFields`, which the reader keeps alive (plain pointers: a record view
    /// costs no reference counting).
    @usableFromInline let starts: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    @usableFromInline let counts: UnsafeMutablePointer<Int>

    public init(line: Int, fields: RawFields, nulSeparatedLists: Bool) {
        self.line = line
        starts = fields.starts
        counts = fields.counts
        self.nulSeparatedLists = nulSeparatedLists
    }

    /// The value of a field, or nil when it is missing.
    @inline(__always)
    public subscript(_ f: Field) -> UnsafeBufferPointer<UInt8>? {
        let i = f.ordinal
        guard let p = starts[i] else { return nil }
        return UnsafeBufferPointer(start: p, count: counts[i])
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
        let fields = RawFields()
        return storage.withUnsafeBufferPointer { buf in
            for (i, r) in ranges.enumerated() {
                if let r, let base = buf.baseAddress { fields.set(i, base + r.lowerBound, r.count) }
            }
            return withExtendedLifetime(fields) { body(RawRecord(line: line, fields: fields, nulSeparatedLists: nul)) }
        }
    }
}

/// The slices of one raw record, one per field (by ordinal), reused row after row by a reader.
public final class RawFields {
    public let starts: UnsafeMutablePointer<UnsafePointer<UInt8>?>
    public let counts: UnsafeMutablePointer<Int>
    static let n = Field.count

    public init() {
        starts = .allocate(capacity: Self.n)
        starts.initialize(repeating: nil, count: Self.n)
        counts = .allocate(capacity: Self.n)
        counts.initialize(repeating: 0, count: Self.n)
    }

    deinit {
        starts.deallocate()
        counts.deallocate()
    }

    @inline(__always)
    public func set(_ ordinal: Int, _ start: UnsafePointer<UInt8>?, _ count: Int) {
        starts[ordinal] = start
        counts[ordinal] = count
    }

    @inline(__always)
    public func clear() { starts.update(repeating: nil, count: Self.n) }
}

/// An accepted record with the line it came from (40 bytes with a compact record).
public struct Located<R: Sendable>: Sendable {
    public var record: R
    public var line: Int32
    public init(_ record: R, line: Int32) { self.record = record; self.line = line }
}

/// Records in one block of memory of their own (plain values: no reference counting when they
/// are read), grown by doubling while a file is read and cut to size once it is judged.
public final class RecordBuffer<R>: @unchecked Sendable {
    public private(set) var base: UnsafeMutablePointer<R>?
    public private(set) var count = 0
    private var capacity = 0

    /// `capacity`: room for that many values at once (none is allocated for 0).
    public init(capacity: Int = 0) {
        precondition(_isPOD(R.self), "plain values only")
        if capacity > 0 { resize(capacity) }
    }

    deinit { free(base) }

    @inline(__always)
    public subscript(_ i: Int) -> R { base![i] }

    @inline(__always)
    public func append(_ r: R) {
        if count == capacity { resize(max(16, capacity * 2)) }
        (base! + count).initialize(to: r)
        count += 1
    }

    private func resize(_ c: Int) {
        guard let p = realloc(base, max(1, c) * MemoryLayout<R>.stride) else { fatalError("out of memory for \(c) records") }
        base = p.assumingMemoryBound(to: R.self)
        capacity = c
    }

    /// Sorts in place (`sortInPlace`: no scratch memory) and gives back the memory beyond the
    /// last record.
    public func sort(by less: (R, R) -> Bool) {
        if count > 1 { sortInPlace(UnsafeMutableBufferPointer(start: base, count: count), by: less) }
        if capacity > count && count > 0 { resize(count) }
    }

    public var array: [R] { count == 0 ? [] : Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// The accepted records of one file, in one buffer of its kind. Once a file is judged its records
/// are sorted by case id (a case is at most once in a file), so that the records of a period can
/// be read case by case by merging the files.
public struct RecordList: Sendable {
    public let detention = RecordBuffer<Located<DetentionRecord>>()
    public let shelter = RecordBuffer<Located<ShelterRecord>>()

    public init() {}

    public init(_ records: [Record], lines: [Int]? = nil) {
        for (i, r) in records.enumerated() { append(r, line: lines?[i] ?? 0) }
    }

    public var count: Int { detention.count + shelter.count }
    public var isEmpty: Bool { count == 0 }

    public func append(_ r: Record, line: Int) {
        switch r {
        case .detention(let d): detention.append(Located(d, line: Int32(clamping: line)))
        case .shelter(let s): shelter.append(Located(s, line: Int32(clamping: line)))
        }
    }

    /// Sorts by case id (then line: accepted case ids are unique in a file, and the order is total
    /// whatever the records); the buffers are cut to their size.
    public func sortByCase() {
        Self.sortByCase(detention) { $0.caseID.packed }
        Self.sortByCase(shelter) { $0.caseID.packed }
    }

    private static func sortByCase<R>(_ buffer: RecordBuffer<Located<R>>, _ id: (R) -> UInt64) {
        buffer.sort { a, b in id(a.record) != id(b.record) ? id(a.record) < id(b.record) : a.line < b.line }
    }

    /// The records in the order they were appended or sorted, as `Record`s with their lines.
    public var all: [(record: Record, line: Int)] {
        detention.array.map { (Record.detention($0.record), Int($0.line)) } + shelter.array.map { (Record.shelter($0.record), Int($0.line)) }
    }
}
