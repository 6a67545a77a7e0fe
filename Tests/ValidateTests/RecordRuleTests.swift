import CaseloadCore
import Testing
@testable import Validate

/// One table of cases per record rule: the code, the line and the field it gives; and, for
/// every rule, good values on which it does not fire.
struct RecordRuleTests {
    static let period = Period("2012-03")!

    static let goodDetention: [Field: String] = [
        .case_id: "IDN-2011-004512", .unhcr_id: "354-12C00123", .family_name: "Rahimi", .given_name: "Ali",
        .sex: "M", .birth_date: "1989", .nationality: "AFG", .arrival_date: "2011-11-02", .interception: "SEA",
        .status: "PENDING_RSD", .unaccompanied_minor: "N", .vulnerabilities: "MEDICAL", .services: "FOOD;MEDICAL",
    ]

    static let goodShelter: [Field: String] = [
        .case_id: "IDN-2012-500001", .family_name: "Lestari", .given_name: "Siti", .sex: "F", .birth_date: "1990-05-17",
        .nationality: "IDN", .identification_date: "2012-02-20", .admission_date: "2012-03-01", .exploitation: "LABOUR|DOMESTIC_SERVITUDE",
        .sector: "DOMESTIC_WORK", .exploitation_country: "MYS", .referral: "POLICE", .assistance: "MEDICAL;PSYCHOSOCIAL",
        .consent_to_share: "Y",
    ]

    /// Judges one record built from values.
    static func judge(_ v: inout RecordValidator, _ values: [Field: String], line: Int = 7) -> RecordValidator.RowJudgement {
        RawRecord.with(line: line, values.mapValues { .text($0) }) { v.judge(.record($0)) }
    }

    static func judge(_ kind: SubmissionKind, _ changes: [Field: String], period: Period = period) -> RecordValidator.RowJudgement {
        var values = kind == .detention ? goodDetention : goodShelter
        for (f, v) in changes { values[f] = v }
        var v = RecordValidator(kind: kind, period: period)
        return judge(&v, values)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: SubmissionKind
        var changes: [Field: String]
        var expected: [(IssueCode, Field)]
        /// Every issue's message, word for word.
        var messages: [String]
        var testDescription: String { name }
    }

    static let failing: [Case] = [
        Case(name: "case_id missing", kind: .detention, changes: [.case_id: ""], expected: [(.REQUIRED, .case_id)], messages: ["a value is required"]),
        Case(
            name: "case_id lower case", kind: .detention, changes: [.case_id: "idn-2011-004512"], expected: [(.FORMAT, .case_id)],
            messages: ["'idn-2011-004512' is not an IOM case number like IDN-2011-004512"]),
        Case(
            name: "unhcr_id malformed", kind: .detention, changes: [.unhcr_id: "354-12c00123"], expected: [(.FORMAT, .unhcr_id)],
            messages: ["'354-12c00123' is not a UNHCR registration number like 354-12C00123"]),
        Case(name: "sex not a code", kind: .detention, changes: [.sex: "Q"], expected: [(.CODE, .sex)], messages: ["'Q' is not one of F, M, X"]),
        Case(name: "sex missing", kind: .shelter, changes: [.sex: ""], expected: [(.REQUIRED, .sex)], messages: ["a value is required"]),
        Case(
            name: "birth date not a date", kind: .detention, changes: [.birth_date: "1989-13"], expected: [(.FORMAT, .birth_date)],
            messages: ["'1989-13' is not a date (YYYY-MM-DD, DD/MM/YYYY, YYYY-MM or YYYY)"]),
        Case(
            name: "birth date in the future", kind: .detention, changes: [.birth_date: "2012-04"], expected: [(.FUTURE_DATE, .birth_date)],
            messages: ["2012-04 is after the end of the period (2012-03-31)"]),
        Case(
            name: "30 February", kind: .detention, changes: [.arrival_date: "2012-02-30"], expected: [(.FORMAT, .arrival_date)],
            messages: ["'2012-02-30' is not a calendar date (YYYY-MM-DD or DD/MM/YYYY)"]),
        Case(name: "one-digit day", kind: .detention, changes: [.arrival_date: "1/3/2012"], expected: [(.FORMAT, .arrival_date)], messages: ["'1/3/2012' is not a calendar date (YYYY-MM-DD or DD/MM/YYYY)"]),
        Case(
            name: "arrival after the period", kind: .detention, changes: [.arrival_date: "01/04/2012"], expected: [(.FUTURE_DATE, .arrival_date)],
            messages: ["2012-04-01 is after the end of the period (2012-03-31)"]),
        Case(
            name: "unknown country", kind: .detention, changes: [.nationality: "AFGH"], expected: [(.CODE, .nationality)],
            messages: ["'AFGH' is not an ISO 3166-1 alpha-3 country code, nor XXA, XXB, XXC or XXX"]),
        Case(name: "withdrawn country code", kind: .shelter, changes: [.exploitation_country: "YUG"], expected: [(.CODE, .exploitation_country)], messages: ["'YUG' is not an ISO 3166-1 alpha-3 country code, nor XXA, XXB, XXC or XXX"]),
        Case(name: "unknown interception", kind: .detention, changes: [.interception: "BOAT"], expected: [(.CODE, .interception)], messages: ["'BOAT' is not one of SEA, LAND, AIR"]),
        Case(name: "unknown status", kind: .detention, changes: [.status: "WAITING"], expected: [(.CODE, .status)], messages: ["'WAITING' is not one of PENDING_RSD, RECOGNIZED, REJECTED, RESETTLED, RETURNED, TRANSFERRED, DEPORTED, ABSCONDED, RELEASED, DECEASED"]),
        Case(
            name: "exit without status_date", kind: .detention, changes: [.status: "RESETTLED"], expected: [(.REQUIRED, .status_date)],
            messages: ["status RESETTLED is an exit status and needs a status_date"]),
        Case(
            name: "boolean", kind: .detention, changes: [.unaccompanied_minor: "maybe"], expected: [(.FORMAT, .unaccompanied_minor)],
            messages: ["'maybe' is not a boolean (Y, N, YES, NO, TRUE, FALSE, 1 or 0)"]),
        Case(
            name: "unknown service item", kind: .detention, changes: [.services: "FOOD|SPA"], expected: [(.CODE, .services)],
            messages: ["'SPA' is not one of MEDICAL, PSYCHOSOCIAL, FOOD, NFI, ACCOMMODATION, EDUCATION, INTERPRETATION, COUNSELLING, AVR_COUNSELLING"]),
        Case(name: "unknown vulnerability", kind: .detention, changes: [.vulnerabilities: "OLD"], expected: [(.CODE, .vulnerabilities)], messages: ["'OLD' is not one of MEDICAL, DISABILITY, PREGNANT, ELDERLY, SURVIVOR_TORTURE, SURVIVOR_SGBV, VOT, SINGLE_PARENT"]),
        Case(
            name: "empty required list", kind: .shelter, changes: [.assistance: " ; | "], expected: [(.REQUIRED, .assistance)],
            messages: ["at least one item is required"]),
        Case(name: "exploitation missing", kind: .shelter, changes: [.exploitation: ""], expected: [(.REQUIRED, .exploitation)], messages: ["at least one item is required"]),
        Case(
            name: "arrival before birth", kind: .detention, changes: [.birth_date: "2011-12", .arrival_date: "2011-11-02"], expected: [(.DATE_ORDER, .arrival_date)],
            messages: ["2011-11-02 is before the birth date (2011-12-01)"]),
        Case(
            name: "status_date before arrival", kind: .detention, changes: [.status: "RETURNED", .status_date: "2012-03-01", .arrival_date: "2012-03-05"],
            expected: [(.DATE_ORDER, .status_date)], messages: ["2012-03-01 is before the arrival_date (2012-03-05)"]),
        Case(
            name: "exit before the period, before arrival too", kind: .detention, changes: [.status: "TRANSFERRED", .status_date: "2011-10-01"],
            expected: [(.DATE_ORDER, .status_date), (.OUT_OF_PERIOD, .status_date)], messages: ["2011-10-01 is before the arrival_date (2011-11-02)", "2011-10-01 is before the period 2012-03 began: the person had left before it"]),
        Case(
            name: "exit before the period", kind: .detention, changes: [.status: "ABSCONDED", .status_date: "2012-02-29"],
            expected: [(.OUT_OF_PERIOD, .status_date)], messages: ["2012-02-29 is before the period 2012-03 began: the person had left before it"]),
        Case(
            name: "discharge before the period", kind: .shelter, changes: [.admission_date: "2012-01-10", .identification_date: "2012-01-05", .discharge_date: "2012-02-01"],
            expected: [(.OUT_OF_PERIOD, .discharge_date)], messages: ["2012-02-01 is before the period 2012-03 began: the person had left before it"]),
        Case(
            name: "discharge before admission", kind: .shelter, changes: [.discharge_date: "2012-02-28"],
            expected: [(.DATE_ORDER, .discharge_date), (.OUT_OF_PERIOD, .discharge_date)], messages: ["2012-02-28 is before the admission_date (2012-03-01)", "2012-02-28 is before the period 2012-03 began: the person had left before it"]),
        Case(
            name: "identification before birth", kind: .shelter, changes: [.birth_date: "2012-03-01", .identification_date: "2012-02-20", .admission_date: "2012-03-02"],
            expected: [(.DATE_ORDER, .identification_date)], messages: ["2012-02-20 is before the birth date (2012-03-01)"]),
        Case(
            name: "admission before birth", kind: .shelter, changes: [.birth_date: "2012-03", .identification_date: "2012-03-05", .admission_date: "2012-02-28"],
            expected: [(.DATE_ORDER, .admission_date)], messages: ["2012-02-28 is before the birth date (2012-03-01)"]),
        Case(
            name: "older than 110", kind: .detention, changes: [.birth_date: "1900"], expected: [(.AGE_RANGE, .birth_date)],
            messages: ["the age at the end of 2012-03 would be 111, over 110"]),
        Case(
            name: "adult marked unaccompanied minor", kind: .detention, changes: [.birth_date: "1993-07-15", .unaccompanied_minor: "yes"],
            expected: [(.UASC_AGE, .unaccompanied_minor)], messages: ["marked as an unaccompanied minor but aged 18 at the end of 2012-03; the flag is ignored"]),
        Case(
            name: "every failing field gets its own issue", kind: .detention, changes: [.sex: "Q", .nationality: "ZZZ", .services: "SPA"],
            expected: [(.CODE, .sex), (.CODE, .nationality), (.CODE, .services)], messages: ["'Q' is not one of F, M, X", "'ZZZ' is not an ISO 3166-1 alpha-3 country code, nor XXA, XXB, XXC or XXX", "'SPA' is not one of MEDICAL, PSYCHOSOCIAL, FOOD, NFI, ACCOMMODATION, EDUCATION, INTERPRETATION, COUNSELLING, AVR_COUNSELLING"]),
        Case(
            name: "a field gives only its first failing check", kind: .detention, changes: [.arrival_date: "2013-02-30"],
            expected: [(.FORMAT, .arrival_date)], messages: ["'2013-02-30' is not a calendar date (YYYY-MM-DD or DD/MM/YYYY)"]),
    ]

    @Test(arguments: failing)
    func ruleFires(_ c: Case) throws {
        let j = Self.judge(c.kind, c.changes)
        #expect(j.findings.map(\.code) == c.expected.map(\.0))
        #expect(j.findings.map(\.field) == c.expected.map { $0.1.rawValue })
        #expect(j.findings.allSatisfy { $0.line == 7 })
        #expect(j.findings.map(\.message) == c.messages)
        let caseID = (c.kind == .detention ? Self.goodDetention : Self.goodShelter).merging(c.changes) { $1 }[.case_id]!
        #expect(j.findings.allSatisfy { $0.caseID == (caseID.isEmpty ? nil : caseID) })
        let errors = j.findings.contains { $0.code.severity == .error }
        #expect((j.record == nil) == errors)
        #expect(j.isRecord)
    }

    struct Good: CustomTestStringConvertible, Sendable {
        var name: String
        var kind: SubmissionKind
        var changes: [Field: String]
        var testDescription: String { name }
    }

    static let passing: [Good] = [
        Good(name: "the good detention record", kind: .detention, changes: [:]),
        Good(name: "the good shelter record", kind: .shelter, changes: [:]),
        Good(name: "no unhcr_id", kind: .detention, changes: [.unhcr_id: ""]),
        Good(name: "codes in any case", kind: .detention, changes: [.sex: "m", .nationality: "afg", .status: "Pending_Rsd", .interception: "sea"]),
        Good(name: "stateless", kind: .detention, changes: [.nationality: "XXA"]),
        Good(name: "day-first date", kind: .detention, changes: [.arrival_date: "02/11/2011"]),
        Good(name: "29 February of a leap year", kind: .detention, changes: [.arrival_date: "2012-02-29"]),
        Good(name: "date on the last day of the period", kind: .detention, changes: [.arrival_date: "2012-03-31"]),
        Good(name: "birth year and month", kind: .detention, changes: [.birth_date: "1989-07"]),
        Good(name: "birth in the period", kind: .detention, changes: [.birth_date: "2012-03", .arrival_date: "2012-03-01"]),
        Good(name: "exit in the period", kind: .detention, changes: [.status: "RESETTLED", .status_date: "2012-03-01"]),
        Good(name: "active status with a date before the period", kind: .detention, changes: [.status: "RECOGNIZED", .status_date: "2011-12-01"]),
        Good(name: "exit on the day of arrival", kind: .detention, changes: [.status: "RETURNED", .arrival_date: "2012-03-05", .status_date: "2012-03-05"]),
        Good(name: "age 110 from a year alone", kind: .detention, changes: [.birth_date: "1901"]),
        Good(name: "age 110 exactly", kind: .detention, changes: [.birth_date: "1901-07-01"]),
        Good(name: "booleans", kind: .detention, changes: [.unaccompanied_minor: "FALSE"]),
        Good(name: "minor flag on a 17-year-old", kind: .detention, changes: [.birth_date: "1995-04-01", .unaccompanied_minor: "1"]),
        Good(name: "list separators and repeats", kind: .detention, changes: [.services: " food , FOOD| nfi ;", .vulnerabilities: ""]),
        Good(name: "discharge in the period", kind: .shelter, changes: [.discharge_date: "2012-03-01"]),
        Good(name: "optional codes missing", kind: .shelter, changes: [.sector: "", .referral: "", .consent_to_share: ""]),
        Good(name: "domestic trafficking", kind: .shelter, changes: [.exploitation_country: "idn"]),
    ]

    @Test(arguments: passing)
    func ruleDoesNotFire(_ c: Good) throws {
        let j = Self.judge(c.kind, c.changes)
        #expect(j.findings.isEmpty)
        #expect(j.record != nil)
    }

    @Test func duplicateIDsKeepTheFirstOutcome() throws {
        var v = RecordValidator(kind: .detention, period: Self.period)
        let a = Self.judge(&v, Self.goodDetention, line: 2)
        var bad = Self.goodDetention
        bad[.sex] = "Q"
        let b = Self.judge(&v, bad, line: 3)
        let c = Self.judge(&v, Self.goodDetention, line: 4)
        #expect(a.record != nil && a.findings.isEmpty)
        #expect(b.findings.map(\.code) == [.DUPLICATE_ID, .CODE])
        #expect(c.findings.map(\.code) == [.DUPLICATE_ID])
        #expect(c.findings[0].message == "'IDN-2011-004512' was already used on line 2")
        #expect(c.findings[0].line == 4 && c.findings[0].field == "case_id")
        #expect(c.record == nil)
    }

    @Test func invalidIDsTakeNoPartInDuplicates() throws {
        var v = RecordValidator(kind: .detention, period: Self.period)
        var bad = Self.goodDetention
        bad[.case_id] = "X-1"
        _ = Self.judge(&v, bad, line: 2)
        let second = Self.judge(&v, bad, line: 3)
        #expect(second.findings.map(\.code) == [.FORMAT])
        #expect(second.findings[0].caseID == "X-1")
    }

    @Test func blankRowsAndFieldCounts() throws {
        var v = RecordValidator(kind: .detention, period: Self.period)
        let blank = v.judge(.blank(line: 5))
        #expect(blank.findings == [Finding(.BLANK_ROW, line: 5, message: "the row is empty and is skipped")])
        #expect(!blank.isRecord)
        let short = v.judge(.fieldCount(line: 6, found: 3, expected: 14))
        #expect(short.findings == [Finding(.FIELD_COUNT, line: 6, message: "the row has 3 cells but the header has 14")])
        #expect(short.isRecord && short.record == nil)
        #expect(short.findings[0].caseID == nil)
    }

    @Test func xmlListsAreItemsNotSplit() throws {
        var values: [Field: RawRecord.Value] = Self.goodDetention.mapValues { .text($0) }
        values[.services] = .items(["FOOD", "A,B"])
        var v = RecordValidator(kind: .detention, period: Self.period)
        let j = RawRecord.with(line: 7, values) { v.judge(.record($0)) }
        #expect(j.findings.map(\.code) == [.CODE])
        #expect(j.findings[0].message.hasPrefix("'A,B' is not one of"))
    }

    @Test func recordKeepsTypedValues() throws {
        let j = Self.judge(.detention, [.services: "food;NFI", .birth_date: "1989-07"])
        guard case .detention(let r)? = j.record else { Issue.record("no record"); return }
        #expect(r.caseID.description == "IDN-2011-004512")
        #expect(r.unhcrID?.description == "354-12C00123")
        #expect(r.birth.description == "1989-07")
        #expect(r.services == CodeSet([.FOOD, .NFI]))
        #expect(r.vulnerabilities == CodeSet([.MEDICAL]))
        #expect(r.status == .PENDING_RSD && r.sex == .M && r.nationality.code == "AFG")
    }
}
