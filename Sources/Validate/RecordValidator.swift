import CaseloadCore

/// The record rules of validation.md, applied to one file's rows in order. Each field is checked
/// on its own (REQUIRED → FORMAT/CODE → FUTURE_DATE, the first failing check reported); rules
/// that compare fields run only when those fields passed on their own.
public struct RecordValidator {
    public let kind: SubmissionKind
    public let period: Period
    /// Valid case ids of earlier records of this file, with the line that used each first.
    private let seen: CaseTable<Int32>
    private let bounds: PeriodBounds
    /// The list cells already read, one memo per list field of the kind.
    private let memos: (ListMemo, ListMemo)

    /// `expectedRecords` sizes the table of case ids seen (it grows past it as needed).
    public init(kind: SubmissionKind, period: Period, expectedRecords: Int = 512) {
        self.kind = kind
        self.period = period
        seen = CaseTable<Int32>(capacity: min(max(expectedRecords, 64), 1 << 20))
        bounds = PeriodBounds(period)
        memos = (ListMemo(), ListMemo())
    }

    /// The judgement of one row.
    public struct RowJudgement: Sendable {
        /// The typed record, when no error was found.
        public var record: Record?
        public var findings: [Finding]
        /// Whether the row counts as a record (blank rows do not).
        public var isRecord: Bool
    }

    public mutating func judge(_ event: RowEvent) -> RowJudgement {
        let records = RecordList()
        var findings: [Finding] = []
        let verdict = judge(event, into: records, findings: &findings)
        return RowJudgement(record: records.all.first?.record, findings: findings, isRecord: verdict != .skipped)
    }

    /// What became of a row.
    public enum Verdict: Sendable { case accepted, rejected, skipped }

    /// Judges one row: an accepted record goes into `records`, findings after `findings`.
    @inline(__always)
    public mutating func judge(_ event: RowEvent, into records: RecordList, findings: inout [Finding]) -> Verdict {
        switch event {
        case .blank(let line):
            findings.append(Finding(.BLANK_ROW, line: line, message: "the row is empty and is skipped"))
            return .skipped
        case let .fieldCount(line, found, expected):
            findings.append(
                Finding(
                    .FIELD_COUNT, line: line,
                    message: "the row has \(found) cell\(found == 1 ? "" : "s") but the header has \(expected)"))
            return .rejected
        case .record(let raw):
            var c = Checker(
                raw: raw, bounds: bounds, memos: (Unmanaged.passUnretained(memos.0), Unmanaged.passUnretained(memos.1)),
                seen: Unmanaged.passUnretained(seen))
            let line = Int32(clamping: raw.line)
            var detention: DetentionRecord?, shelter: ShelterRecord?
            switch kind {
            case .detention: detention = c.detention()
            case .shelter: shelter = c.shelter()
            }
            var duplicate = false
            if let id = c.caseID, let first = seen.insertIfAbsent(id, line) {
                c.findings.append(
                    Finding(
                        .DUPLICATE_ID, line: raw.line, field: Field.case_id.rawValue, caseID: c.caseIDText(),
                        message: "\(WrittenBack.quoted(id.description)) was already used on line \(first)"))
                duplicate = true
            }
            if !c.findings.isEmpty {
                if c.findings.count > 1 {
                    c.findings.sort { ($0.field.map { Field(rawValue: $0)?.ordinal ?? 99 } ?? 99, $0.code) < ($1.field.map { Field(rawValue: $0)?.ordinal ?? 99 } ?? 99, $1.code) }
                }
                findings += c.findings
            }
            if duplicate { return .rejected }
            if let d = detention {
                records.detention.append(Located(d, line: line))
                return .accepted
            }
            if let s = shelter {
                records.shelter.append(Located(s, line: line))
                return .accepted
            }
            return .rejected
        }
    }
}

/// A period's first and last days, worked out once per file.
struct PeriodBounds {
    let period: Period
    let first: Day
    let last: Day
    /// The last day as a `PartialDate.earliestKey`.
    let lastKey: Int

    init(_ p: Period) {
        period = p
        first = p.first
        last = p.last
        lastKey = p.year << 9 | p.month << 5 | Day.daysIn(year: p.year, month: p.month)
    }
}

/// Checks the fields of one raw record.
struct Checker {
    let raw: RawRecord
    let bounds: PeriodBounds
    /// The validator's memos, which outlive the checker.
    let memos: (Unmanaged<ListMemo>, Unmanaged<ListMemo>)
    var period: Period { bounds.period }
    var findings: [Finding] = []
    var failed = false
    var caseID: CaseID?
    /// The validator's table of case ids seen, whose slot for this row is fetched early.
    let seen: Unmanaged<CaseTable<Int32>>

    init(raw: RawRecord, bounds: PeriodBounds, memos: (Unmanaged<ListMemo>, Unmanaged<ListMemo>), seen: Unmanaged<CaseTable<Int32>>) {
        self.raw = raw
        self.bounds = bounds
        self.memos = memos
        self.seen = seen
    }

    /// The case id as written, for the issues of the record (made only when there is one).
    func caseIDText() -> String? {
        raw[.case_id].map { String(decoding: $0, as: UTF8.self) }
    }

    mutating func fail(_ code: IssueCode, _ field: Field, _ message: String) {
        findings.append(Finding(code, line: raw.line, field: field.rawValue, caseID: caseIDText(), message: message))
        if code.severity == .error { failed = true }
    }

    @inline(__always)
    func text(_ f: Field) -> UnsafeBufferPointer<UInt8>? { raw[f] }

    // MARK: value types

    @inline(__always)
    mutating func required(_ f: Field) -> UnsafeBufferPointer<UInt8>? {
        guard let t = text(f) else {
            fail(.REQUIRED, f, "a value is required")
            return nil
        }
        return t
    }

    @inline(__always)
    mutating func caseIdentifier() -> CaseID? {
        guard let t = required(.case_id) else { return nil }
        guard let id = CaseID(bytes: t) else {
            fail(.FORMAT, .case_id, "\(WrittenBack.quoted(t)) is not an IOM case number like IDN-2011-004512")
            return nil
        }
        caseID = id
        seen._withUnsafeGuaranteedRef { $0.prefetch(id) }
        return id
    }

    @inline(__always)
    mutating func unhcrIdentifier() -> (ok: Bool, value: UNHCRID?) {
        guard let t = text(.unhcr_id) else { return (true, nil) }
        guard let id = UNHCRID(bytes: t) else {
            fail(.FORMAT, .unhcr_id, "\(WrittenBack.quoted(t)) is not a UNHCR registration number like 354-12C00123")
            return (false, nil)
        }
        return (true, id)
    }

    @inline(__always)
    mutating func code<C: Code>(_ f: Field, _ type: C.Type, required: Bool) -> (ok: Bool, value: C?) {
        guard let t = required ? self.required(f) : text(f) else { return (!required, nil) }
        guard let c = C.parse(t) else {
            fail(.CODE, f, "\(WrittenBack.quoted(t)) is not one of \(C.listed)")
            return (false, nil)
        }
        return (true, c)
    }

    @inline(__always)
    mutating func country(_ f: Field) -> Country? {
        guard let t = required(f) else { return nil }
        guard let c = Country.parse(t) else {
            fail(.CODE, f, "\(WrittenBack.quoted(t)) is not an ISO 3166-1 alpha-3 country code, nor XXA, XXB, XXC or XXX")
            return nil
        }
        return c
    }

    /// A list field, through the file's memo of list cells (`memo` is the field's).
    @inline(__always)
    mutating func list<C: Code>(_ f: Field, _ type: C.Type, required: Bool, memo: Unmanaged<ListMemo>) -> (ok: Bool, value: CodeSet<C>) {
        guard let t = raw[f], let base = t.baseAddress else { return list(f, type, required: required) }
        let h = ListMemo.hash(base, t.count)
        if let bits = memo._withUnsafeGuaranteedRef({ $0.find(t, hash: h) }) { return (true, CodeSet(bits: bits)) }
        let r = list(f, type, required: required)
        if r.ok && !r.value.isEmpty { memo._withUnsafeGuaranteedRef { $0.insert(t, hash: h, r.value.bits) } }
        return r
    }

    mutating func list<C: Code>(_ f: Field, _ type: C.Type, required: Bool) -> (ok: Bool, value: CodeSet<C>) {
        var set = CodeSet<C>()
        var any = false
        if let t = raw[f], let base = t.baseAddress {
            // Items split on `;`, `|` or `,` (on NUL for XML `code` items), trimmed of spaces and
            // tabs, empty ones dropped; the first that is not a code fails the field.
            let table = C.table
            let n = t.count
            let xml = raw.nulSeparatedLists
            var start = 0
            while start <= n {
                var end = start
                if xml {
                    while end < n && base[end] != 0 { end += 1 }
                } else {
                    while end < n {
                        let c = base[end]
                        if c == 0x3B || c == 0x7C || c == 0x2C { break }
                        end += 1
                    }
                }
                var s = start, e = end
                if !xml {
                    while s < e && (base[s] == 0x20 || base[s] == 0x09) { s += 1 }
                    while e > s && (base[e - 1] == 0x20 || base[e - 1] == 0x09) { e -= 1 }
                }
                if e > s {
                    any = true
                    let item = UnsafeBufferPointer(start: base + s, count: e - s)
                    guard let c = table.parse(item) else {
                        fail(.CODE, f, "\(WrittenBack.quoted(item)) is not one of \(C.listed)")
                        return (false, set)
                    }
                    set.insert(c)
                }
                start = end + 1
            }
        }
        if !any {
            if required { fail(.REQUIRED, f, "at least one item is required") }
            return (!required, CodeSet())
        }
        return (true, set)
    }

    @inline(__always)
    mutating func boolean(_ f: Field) -> (ok: Bool, value: Bool) {
        guard let t = text(f) else { return (true, false) }
        guard let w = BooleanWord.parse(t) else {
            fail(.FORMAT, f, "\(WrittenBack.quoted(t)) is not a boolean (Y, N, YES, NO, TRUE, FALSE, 1 or 0)")
            return (false, false)
        }
        return (true, w.value)
    }

    /// A date; `ok` is false when the field failed (missing and required, bad, or in the future).
    @inline(__always)
    mutating func date(_ f: Field, required: Bool) -> (ok: Bool, value: Day?) {
        guard let t = required ? self.required(f) : text(f) else { return (!required, nil) }
        guard let d = DateParser.day(t) else {
            fail(.FORMAT, f, "\(WrittenBack.quoted(t)) is not a calendar date (YYYY-MM-DD or DD/MM/YYYY)")
            return (false, nil)
        }
        if d > bounds.last {
            fail(.FUTURE_DATE, f, "\(d) is after the end of the period (\(bounds.last))")
            return (false, nil)
        }
        return (true, d)
    }

    @inline(__always)
    mutating func birthDate() -> PartialDate? {
        guard let t = required(.birth_date) else { return nil }
        guard let d = DateParser.partial(t) else {
            fail(.FORMAT, .birth_date, "\(WrittenBack.quoted(t)) is not a date (YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY)")
            return nil
        }
        if d.earliestKey > bounds.lastKey {
            fail(.FUTURE_DATE, .birth_date, "\(d) is after the end of the period (\(bounds.last))")
            return nil
        }
        return d
    }

    // MARK: rules across fields

    @inline(__always)
    mutating func notBefore(_ f: Field, _ d: Day?, _ other: Field, _ o: Day?, _ what: String) {
        guard let d, let o, d < o else { return }
        fail(.DATE_ORDER, f, "\(d) is before \(what) (\(o))")
    }

    @inline(__always)
    mutating func ageRules(_ birth: PartialDate?, minorFlag: Bool) {
        guard let birth else { return }
        let age = birth.age(atEndOf: period)
        if age > 110 {
            fail(.AGE_RANGE, .birth_date, "the age at the end of \(period) would be \(age), over 110")
        }
        if minorFlag && age >= 18 {
            fail(.UASC_AGE, .unaccompanied_minor, "marked as an unaccompanied minor but aged \(age) at the end of \(period); the flag is ignored")
        }
    }

    // MARK: kinds

    mutating func detention() -> DetentionRecord? {
        let id = caseIdentifier()
        let unhcr = unhcrIdentifier()
        let sex = code(.sex, Sex.self, required: true)
        let birth = birthDate()
        let nationality = country(.nationality)
        let arrival = date(.arrival_date, required: true)
        let interception = code(.interception, Interception.self, required: false)
        let status = code(.status, Status.self, required: true)
        var statusDate = date(.status_date, required: false)
        if let s = status.value, s.isExit, statusDate.ok, statusDate.value == nil {
            fail(.REQUIRED, .status_date, "status \(s.rawValue) is an exit status and needs a status_date")
            statusDate.ok = false
        }
        let uam = boolean(.unaccompanied_minor)
        let vulnerabilities = list(.vulnerabilities, Vulnerability.self, required: false, memo: memos.0)
        let services = list(.services, Service.self, required: false, memo: memos.1)

        notBefore(.arrival_date, arrival.value, .birth_date, birth?.earliest, "the birth date")
        if let s = status.value, s.isExit, let sd = statusDate.value {
            notBefore(.status_date, sd, .arrival_date, arrival.value, "the arrival_date")
            if sd < bounds.first {
                fail(.OUT_OF_PERIOD, .status_date, "\(sd) is before the period \(period) began: the person had left before it")
            }
        }
        ageRules(birth, minorFlag: uam.value && uam.ok)

        guard !failed, let id, let s = sex.value, let birth, let nationality, let a = arrival.value,
            let st = status.value, unhcr.ok, interception.ok, vulnerabilities.ok, services.ok, uam.ok
        else { return nil }
        return DetentionRecord(
            caseID: id, unhcrID: unhcr.value, sex: s, birth: birth, nationality: nationality,
            arrival: a, interception: interception.value, status: st, statusDate: statusDate.value,
            unaccompaniedMinor: uam.value, vulnerabilities: vulnerabilities.value, services: services.value)
    }

    mutating func shelter() -> ShelterRecord? {
        let id = caseIdentifier()
        let sex = code(.sex, Sex.self, required: true)
        let birth = birthDate()
        let nationality = country(.nationality)
        let identification = date(.identification_date, required: true)
        let admission = date(.admission_date, required: true)
        let discharge = date(.discharge_date, required: false)
        let exploitation = list(.exploitation, Exploitation.self, required: true, memo: memos.0)
        let sector = code(.sector, Sector.self, required: false)
        let exploitationCountry = country(.exploitation_country)
        let referral = code(.referral, Referral.self, required: false)
        let assistance = list(.assistance, Assistance.self, required: true, memo: memos.1)
        let consent = boolean(.consent_to_share)

        let earliest = birth?.earliest
        notBefore(.identification_date, identification.value, .birth_date, earliest, "the birth date")
        notBefore(.admission_date, admission.value, .birth_date, earliest, "the birth date")
        if let d = discharge.value {
            notBefore(.discharge_date, d, .admission_date, admission.value, "the admission_date")
            if d < bounds.first {
                fail(.OUT_OF_PERIOD, .discharge_date, "\(d) is before the period \(period) began: the person had left before it")
            }
        }
        ageRules(birth, minorFlag: false)

        guard !failed, let id, let s = sex.value, let birth, let nationality, let i = identification.value,
            let a = admission.value, discharge.ok, exploitation.ok, sector.ok, let ec = exploitationCountry,
            referral.ok, assistance.ok, consent.ok
        else { return nil }
        return ShelterRecord(
            caseID: id, sex: s, birth: birth, nationality: nationality, identification: i,
            admission: a, discharge: discharge.value, exploitation: exploitation.value,
            sector: sector.value, exploitationCountry: ec, referral: referral.value,
            assistance: assistance.value, consentToShare: consent.value)
    }
}

/// The words of a boolean, ASCII case-insensitive.
enum BooleanWord: String, Code {
    static let table = CodeTable<BooleanWord>()
    case Y, YES, TRUE, ONE = "1", N, NO, FALSE, ZERO = "0"
    var value: Bool { self == .Y || self == .YES || self == .TRUE || self == .ONE }
}
