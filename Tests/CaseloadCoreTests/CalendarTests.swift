import Foundation
import Testing
@testable import CaseloadCore

struct CalendarTests {
    @Test(arguments: [
        ("2012-03-31", "2012-03-31"), ("31/03/2012", "2012-03-31"), ("2012-02-29", "2012-02-29"), ("29/02/2000", "2000-02-29"),
    ])
    func datesParse(_ text: String, _ expected: String) {
        #expect(DateParser.day(Array(text.utf8))?.description == expected)
    }

    @Test(arguments: ["2012-02-30", "2011-02-29", "1900-02-29", "1/3/2012", "2012-3-01", "2012/03/01", "２０１２-03-01", "2012-03-1 ", "0000-01-01", "2012-13-01", "31-03-2012"])
    func badDatesDoNotParse(_ text: String) {
        #expect(DateParser.day(Array(text.utf8)) == nil)
    }

    @Test(arguments: [("1989", "1989-01-01", "1989-07-01"), ("1989-07", "1989-07-01", "1989-07-15"), ("1989-07-03", "1989-07-03", "1989-07-03"), ("03/07/1989", "1989-07-03", "1989-07-03")])
    func partialDates(_ text: String, _ earliest: String, _ middle: String) throws {
        let p = try #require(DateParser.partial(Array(text.utf8)))
        #expect(p.earliest.description == earliest)
        #expect(p.middle.description == middle)
    }

    @Test func partialDateNormalisedText() {
        #expect(DateParser.partial(Array("03/07/1989".utf8))?.description == "1989-07-03")
        #expect(DateParser.partial(Array("1989".utf8))?.description == "1989")
        #expect(DateParser.partial(Array("1989-00".utf8)) == nil)
        #expect(DateParser.partial(Array("89".utf8)) == nil)
    }

    @Test func agesInCompletedYears() {
        let end = Period("2012-03")!.last
        #expect(DateParser.partial(Array("1989".utf8))!.age(on: end) == 22)  // middle 1989-07-01
        #expect(DateParser.partial(Array("1994-03-31".utf8))!.age(on: end) == 18)
        #expect(DateParser.partial(Array("1994-04-01".utf8))!.age(on: end) == 17)
        #expect(DateParser.partial(Array("2012-03".utf8))!.age(on: end) == 0)
        // A middle after the end of the period gives 0.
        #expect(DateParser.partial(Array("2012".utf8))!.age(on: end) == 0)
    }

    @Test func leapDayBirthdays() {
        let born = DateParser.partial(Array("2008-02-29".utf8))!
        #expect(born.age(on: Day(year: 2013, month: 2, day: 28)!) == 4)
        #expect(born.age(on: Day(year: 2013, month: 3, day: 1)!) == 5)
        #expect(born.age(on: Day(year: 2012, month: 2, day: 29)!) == 4)
    }

    @Test(arguments: [(4, "0-4"), (5, "5-11"), (11, "5-11"), (12, "12-17"), (17, "12-17"), (18, "18-59"), (59, "18-59"), (60, "60+"), (0, "0-4")])
    func ageGroups(_ age: Int, _ group: String) {
        #expect(AgeGroup(age: age).rawValue == group)
    }

    @Test func periods() throws {
        let p = try #require(Period("2012-02"))
        #expect(p.last.description == "2012-02-29")
        #expect(p.first.description == "2012-02-01")
        #expect(p.previous.description == "2012-01")
        #expect(Period("2011-12")!.next.description == "2012-01")
        #expect(Period("2012-13") == nil && Period("2012-3") == nil && Period("12-03") == nil)
        #expect(Period.range(Period("2011-11")!, Period("2012-02")!).map(\.description) == ["2011-11", "2011-12", "2012-01", "2012-02"])
    }

    @Test func dayRoundTrip() {
        for ordinal in stride(from: -800_000, to: 3_000_000, by: 997) {
            let d = Day(ordinal: Int32(ordinal))
            let c = d.civil
            #expect(Day(year: c.year, month: c.month, day: c.day) == d || c.year < 1 || c.year > 9999)
        }
    }

    /// The branch-light day count agrees with Howard Hinnant's days_from_civil on every day of
    /// years 1 to 9999 (first and last days of every month, and every day of 400 years).
    @Test func dayCountsAgreeWithTheReference() {
        var mismatches = 0
        for y in 1...9999 {
            for m in 1...12 {
                let days = Day.daysIn(year: y, month: m)
                let sample = (1800...2200).contains(y) ? Array(1...days) : [1, days]
                for d in sample where Day.daysFromCivil(y, m, d) != Day.civilDays(y, m, d) { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }
}

struct IdentifierTests {
    @Test func caseIDsPackAndPrint() throws {
        let id = try #require(CaseID("IDN-2011-004512"))
        #expect(id.description == "IDN-2011-004512")
        #expect(CaseID("ZZZ-9999-999999")!.description == "ZZZ-9999-999999")
        #expect(CaseID("AAA-0000-000000")! < CaseID("AAA-0000-000001")!)
        for bad in ["idn-2011-004512", "IDN-2011-04512", "IDN_2011-004512", "IDN-2011-0045123", "ÍDN-2011-004512", ""] {
            #expect(CaseID(bad) == nil)
        }
    }

    @Test func unhcrIDs() {
        #expect(UNHCRID(bytes: Array("354-12C00123".utf8))?.description == "354-12C00123")
        for bad in ["354-12c00123", "35-12C00123", "354-12C0012", "354 12C00123"] {
            #expect(UNHCRID(bytes: Array(bad.utf8)) == nil)
        }
    }

    @Test func facilityCodes() {
        for good in ["IDC-TPI", "CH-MDN", "SH-JKT", "ABCDE-A1B2C3"] { #expect(Facility.isValidCode(Array(good.utf8))) }
        for bad in ["I-TPI", "idc-TPI", "ABCDEF-X1", "IDC-T", "IDC-TPI1234", "IDC_TPI", "IDC-TP-I"] { #expect(!Facility.isValidCode(Array(bad.utf8))) }
    }

    @Test func countriesAndProvinces() {
        #expect(countryCodes.count == 253)
        #expect(Country.parse(Array("afg".utf8))?.code == "AFG")
        #expect(Country.parse(Array("XXA".utf8)) != nil && Country.parse(Array("XXX".utf8)) != nil)
        #expect(Country.parse(Array("YUG".utf8)) == nil)
        // The long s is not an ASCII s: case-insensitive means ASCII only.
        #expect(Interception.parse(Array("ſea".utf8)) == nil)
        #expect(indonesianProvinces["ID-KR"] != nil && indonesianProvinces["ID-PD"] != nil)
        #expect(indonesianProvinces["ID-XX"] == nil)
    }
}

struct FileNameTests {
    @Test(arguments: [
        ("detention_IDC-TPI_2012-03.csv", "detention IDC-TPI 2012-03 1 csv"),
        ("shelter_SH-JKT_2012-03_r2.xml", "shelter SH-JKT 2012-03 2 xml"),
        ("detention_IDC-TPI_2012-03_r1.CSV", "detention IDC-TPI 2012-03 1 csv"),
        ("detention_IDC-TPI_2012-03_r10.Xml", "detention IDC-TPI 2012-03 10 xml"),
    ])
    func goodNames(_ name: String, _ expected: String) throws {
        let n = try #require(FileName(name))
        #expect("\(n.kind.rawValue) \(n.facility) \(n.period) \(n.revision) \(n.format.rawValue)" == expected)
    }

    @Test(arguments: [
        "Detention_IDC-TPI_2012-03.csv", "detention_idc-tpi_2012-03.csv", "detention_IDC-TPI_2012-13.csv",
        "detention_IDC-TPI_2012-03_r0.csv", "detention_IDC-TPI_2012-03_r01.csv", "detention_IDC-TPI_2012-03_R2.csv",
        "detention_IDC-TPI_2012-03.txt", "detention_IDC-TPI_2012-3.csv", "detention_IDC-TPI_2012-03 (1).csv",
        "detention_IDC-TPI_2012-03_r2_x.csv", "detention_IDC-TPI_2012-03", "refugees_IDC-TPI_2012-03.csv",
        "detention_IDC-TPI_２０１２-03.csv",
    ])
    func badNames(_ name: String) {
        #expect(FileName(name) == nil)
    }
}

struct WrittenBackTests {
    @Test func valuesAreCutAndCleaned() {
        let long = String(repeating: "é", count: 45)
        #expect(WrittenBack.value(long) == String(repeating: "é", count: 40) + "…")
        #expect(WrittenBack.value(String(repeating: "a", count: 40)) == String(repeating: "a", count: 40))
        #expect(WrittenBack.value("a\u{0}b\u{1F}c\u{7F}d\te\n") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}")
        // Cut first, then cleaned: a control character past 40 disappears with the cut.
        #expect(WrittenBack.value(String(repeating: "x", count: 40) + "\u{1}") == String(repeating: "x", count: 40) + "…")
    }

    @Test func longPathsKeepTheirEnd() {
        let path = String(repeating: "d/", count: 150) + "detention_IDC-TPI_2012-03.csv"
        let w = WrittenBack.path(path)
        #expect(w.unicodeScalars.count == 200)
        #expect(w.hasPrefix("…"))
        #expect(w.hasSuffix("d/detention_IDC-TPI_2012-03.csv"))
        #expect(WrittenBack.path("a/b.csv") == "a/b.csv")
    }

    @Test func issuesCarryCleanedCells() {
        let i = Issue(.FORMAT, file: "x\u{1}.csv", line: 3, caseID: String(repeating: "=", count: 50), field: "case_id", message: "m")
        #expect(i.file == "x\u{FFFD}.csv")
        #expect(i.caseID == String(repeating: "=", count: 40) + "…")
        #expect(i.terminalLine == "x\u{FFFD}.csv:3: error[FORMAT] case_id: m")
    }

    @Test func everyCodeIsExplainedAndHasASeverity() {
        for c in IssueCode.allCases {
            #expect(!c.explanation.meaning.isEmpty && !c.explanation.fix.isEmpty)
        }
        #expect(IssueCode.allCases.count == 35)
        #expect(IssueCode.allCases.filter { $0.severity == .info }.map(\.rawValue).sorted() == ["DUPLICATE_FILE", "NO_RECORDS", "SUPERSEDED"])
        #expect(
            IssueCode.allCases.filter { $0.severity == .warning }.map(\.rawValue).sorted()
                == ["BLANK_ROW", "CONFLICT", "CONTINUITY", "MISSING_SUBMISSION", "UASC_AGE", "UNKNOWN_COLUMN"])
    }

    @Test func issueSortOrder() {
        let a = Issue(.CODE, file: "a.csv", line: 3, field: "sex", message: "x")
        let b = Issue(.CODE, file: "a.csv", line: 10, field: "sex", message: "x")
        let c = Issue(.SUPERSEDED, file: "a.csv", message: "x")
        let d = Issue(.MISSING_SUBMISSION, facility: "IDC-TPI", period: "2012-03", message: "x")
        let e = Issue(.CODE, file: "B.csv", line: 1, message: "x")
        let sorted = [d, b, a, c, e].sorted(by: Issue.sortOrder)
        #expect(sorted == [e, c, a, b, d])
    }
}

struct DocumentationTests {
    @Test func everyCodeIsDocumented() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let doc = try String(contentsOfFile: "/" + root + "/docs/validation.md", encoding: .utf8)
        for c in IssueCode.allCases {
            #expect(doc.contains("| `\(c.rawValue)` | \(c.severity.rawValue) | \(c.explanation.meaning.replacingOccurrences(of: "|", with: "\\|"))"))
        }
    }
}

struct OrdinalTests {
    func check<C: Code>(_: C.Type) {
        for (i, c) in C.allCases.enumerated() {
            #expect(c.ordinal == i && C(ordinal: i) == c, "\(C.self).\(c)")
            // The packed code table: any ASCII case, nothing longer or shorter.
            #expect(C.parse(Array(c.rawValue.lowercased().utf8)) == c && C.parse(Array(c.rawValue.utf8)) == c)
            #expect(C.parse(Array((c.rawValue + "X").utf8)) == nil && C.parse(Array(c.rawValue.dropLast().utf8)) != c)
        }
        #expect(C.allCases.count <= 16)  // a CodeSet has 16 bits
    }

    @Test func ordinalsFollowAllCases() {
        for (i, f) in Field.allCases.enumerated() { #expect(f.ordinal == i && Field(ordinal: i) == f) }
        #expect(Field.count == Field.allCases.count)
        check(Sex.self); check(Interception.self); check(Status.self); check(Vulnerability.self); check(Service.self)
        check(Exploitation.self); check(Sector.self); check(Referral.self); check(Assistance.self); check(FacilityKind.self)
    }
}

struct UNHCRIDOrderTests {
    @Test func packedOrderIsTextOrder() {
        let ids = ["354-12C00123", "354-12B99999", "354-11Z00000", "999-00A00000", "000-99Z99999", "354-12C00124", "100-00A00001"]
        let parsed = ids.map { UNHCRID(bytes: Array($0.utf8))! }
        #expect(parsed.map(\.description) == ids)
        #expect(parsed.sorted().map(\.description) == ids.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}

/// Records are stored packed (optional values as sentinels, small codes in one word): every
/// value put in comes back out, and the stored sizes stay small.
struct CompactRecordTests {
    @Test func detentionValuesRoundTrip() {
        for status in Status.allCases {
            for interception in [nil] + Interception.allCases.map(Optional.some) {
                for (sex, minor) in [(Sex.F, true), (.M, false), (.X, true)] {
                    let unhcr = status.isActive ? UNHCRID(bytes: Array("354-12C00123".utf8)) : nil
                    let date = status.isExit ? Day(year: 2012, month: 2, day: 29) : nil
                    var r = DetentionRecord(
                        caseID: CaseID("IDN-2011-004512")!, unhcrID: unhcr, sex: sex, birth: PartialDate(year: 1989, month: 7, day: nil),
                        nationality: Country(code: "XXA")!, arrival: Day(year: 2011, month: 11, day: 2)!, interception: interception,
                        status: status, statusDate: date, unaccompaniedMinor: minor,
                        vulnerabilities: CodeSet([.VOT, .SINGLE_PARENT]), services: CodeSet([.AVR_COUNSELLING]))
                    #expect(r.status == status && r.interception == interception && r.sex == sex && r.unaccompaniedMinor == minor)
                    #expect(r.unhcrID == unhcr && r.statusDate == date && r.statusOrdinal == status.ordinal)
                    #expect(r.interceptionOrdinal == (interception?.ordinal ?? Interception.allCases.count))
                    r.status = .DECEASED
                    r.interception = .AIR
                    #expect(r.status == .DECEASED && r.interception == .AIR && r.sex == sex && r.unaccompaniedMinor == minor)
                }
            }
        }
        #expect(MemoryLayout<Located<DetentionRecord>>.stride == 40)
    }

    @Test func shelterValuesRoundTrip() {
        for sector in [nil] + Sector.allCases.map(Optional.some) {
            for referral in [nil] + Referral.allCases.map(Optional.some) {
                for consent in [true, false] {
                    let r = ShelterRecord(
                        caseID: CaseID("IDN-2012-500001")!, sex: .F, birth: PartialDate(year: 1990, month: nil, day: nil),
                        nationality: Country(code: "IDN")!, identification: Day(year: 2012, month: 3, day: 1)!,
                        admission: Day(year: 2012, month: 3, day: 2)!, discharge: consent ? nil : Day(year: 2012, month: 3, day: 9),
                        exploitation: CodeSet([.ORGAN_REMOVAL]), sector: sector, exploitationCountry: Country(code: "MYS")!,
                        referral: referral, assistance: CodeSet([.FAMILY_TRACING, .MEDICAL]), consentToShare: consent)
                    #expect(r.sector == sector && r.referral == referral && r.consentToShare == consent && r.sex == .F)
                    #expect(r.discharge == (consent ? nil : Day(year: 2012, month: 3, day: 9)))
                    #expect(r.sectorOrdinal == (sector?.ordinal ?? Sector.allCases.count))
                    #expect(r.referralOrdinal == (referral?.ordinal ?? Referral.allCases.count))
                }
            }
        }
        #expect(MemoryLayout<Located<ShelterRecord>>.stride == 40)
    }
}
