import Testing

@testable import CaseloadCore

/// The CTDC file's mapping and its k-anonymity (docs/ctdc.md).
struct CTDCTests {
    static func victim(
        year: Int = 2012, age: Int = 25, sex: Sex = .F, nationality: String = "IDN", country: String = "MYS",
        exploitation: [Exploitation] = [.LABOUR], sector: Sector? = .DOMESTIC_WORK, consent: Bool = true
    ) -> CTDCVictim {
        CTDCVictim(
            identificationYear: year, ageAtIdentification: age, sex: sex, nationality: Country(code: nationality)!,
            exploitationCountry: Country(code: country)!, exploitation: CodeSet(exploitation), sector: sector, consent: consent)
    }

    @Test func agesAtTheBandEdges() {
        let edges: [(Int, String)] = [
            (0, "0--8"), (8, "0--8"), (9, "9--17"), (17, "9--17"), (18, "18--20"), (20, "18--20"), (21, "21--23"), (23, "21--23"),
            (24, "24--26"), (26, "24--26"), (27, "27--29"), (29, "27--29"), (30, "30--38"), (38, "30--38"), (39, "39--47"),
            (47, "39--47"), (48, "48+"), (110, "48+"),
        ]
        for (age, band) in edges { #expect(CTDC.ageBroad(age) == band, "\(age)") }
        #expect(CTDC.row(Self.victim(age: 17))[4] == "Minor")
        #expect(CTDC.row(Self.victim(age: 18))[4] == "Adult")
    }

    @Test func everyCodeIsMapped() {
        #expect(
            Exploitation.allCases.map(CTDC.flag) == [
                "isForcedLabour", "isSexualExploit", "isForcedLabour", "isForcedMarriage", "isOtherExploit", "isOrganRemoval", "isOtherExploit",
            ])
        #expect(Exploitation.allCases.map(\.rawValue) == ["LABOUR", "SEXUAL", "DOMESTIC_SERVITUDE", "FORCED_MARRIAGE", "FORCED_CRIMINALITY", "ORGAN_REMOVAL", "OTHER"])
        #expect(
            Sector.allCases.map(CTDC.labour) == [
                "typeOfLabourAquafarming", "typeOfLabourDomesticWork", "typeOfLabourConstruction", "typeOfLabourAgriculture",
                "typeOfLabourManufacturing", "typeOfLabourHospitality", "typeOfLabourOther", "typeOfLabourOther",
            ])
        #expect(Sector.allCases.map(\.rawValue) == ["FISHING", "DOMESTIC_WORK", "CONSTRUCTION", "AGRICULTURE", "MANUFACTURING", "HOSPITALITY", "ENTERTAINMENT", "OTHER"])
        #expect(Sex.allCases.map(CTDC.gender) == ["Female", "Male", "-99"])
        #expect(["AFG", "IDN", "MYS", "MMR", "XXA", "XXB", "XXC", "XXX"].map { CTDC.alpha2(Country(code: $0)!) } == ["AF", "ID", "MY", "MM", "-99", "-99", "-99", "-99"])
        // Every current alpha-3 code has its alpha-2.
        #expect(countryCodes.filter { !$0.hasPrefix("XX") }.allSatisfy { countryAlpha2[$0]?.utf8.count == 2 })
        // A whole row: several exploitation types, no sector.
        let row = CTDC.row(Self.victim(age: 16, sex: .M, nationality: "MMR", country: "THA", exploitation: [.SEXUAL, .FORCED_CRIMINALITY, .LABOUR], sector: nil))
        #expect(
            row == [
                "2012", "Case Management", "Male", "9--17", "Minor", "MM", "TH", "1", "1", "0", "0", "1",
                "Forced labour;Sexual exploitation;Other", "-99", "-99", "-99", "-99", "-99", "-99", "-99", "-99",
            ])
        #expect(row.count == CTDC.header.count)
        #expect(
            CTDC.header == [
                "yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation",
                "isForcedLabour", "isSexualExploit", "isForcedMarriage", "isOrganRemoval", "isOtherExploit", "typeOfExploitConcatenated",
                "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
                "typeOfLabourHospitality", "typeOfLabourManufacturing", "typeOfLabourOther", "typeOfLabourConcatenated",
            ])
    }

    /// k = 3: one class large enough, two small ones that the age band's suppression merges, one
    /// case alone in everything (dropped), one that does not consent.
    @Test func aHandMadeSetNeedsLocalSuppression() {
        let large = Array(repeating: Self.victim(), count: 3)
        let merged = [
            Self.victim(age: 30, exploitation: [.SEXUAL], sector: nil), Self.victim(age: 31, exploitation: [.SEXUAL], sector: nil),
            Self.victim(age: 40, exploitation: [.SEXUAL], sector: nil),
        ]
        let alone = Self.victim(year: 2013, age: 19, sex: .M, nationality: "AFG", country: "THA")
        let refuses = Self.victim(consent: false)
        let (lines, report) = CTDC.anonymise(large + merged + [alone, refuses], k: 3)
        let b = "2012,Case Management,Female,-99,Adult,ID,MY,0,1,0,0,0,Sexual exploitation,-99,-99,-99,-99,-99,-99,-99,-99"
        let a = "2012,Case Management,Female,24--26,Adult,ID,MY,1,0,0,0,0,Forced labour,0,0,0,1,0,0,0,Domestic work"
        #expect(lines == [b, b, b, a, a, a])
        #expect(report == CTDC.Report(k: 3, cases: 8, consented: 7, written: 6, dropped: 1, suppressed: [3, 0, 0, 0, 0], smallestClass: 3))
        // The order of the victims changes nothing.
        #expect(CTDC.anonymise(([alone, refuses] + merged + large).reversed(), k: 3).lines == lines)
        // With k = 1 nothing is touched.
        let one = CTDC.anonymise(large + merged + [alone], k: 1)
        #expect(one.report.suppressed == [0, 0, 0, 0, 0] && one.report.dropped == 0 && one.lines.count == 7)
    }

    /// The table that counts the distinct rows, past the growths of its slots (1,024 at first):
    /// the same counts as a dictionary's, the keys in the order first seen.
    @Test func theRowTallyCountsLikeADictionary() {
        var rng = SplitMix(seed: 5)
        var tally = CTDC.RowTally()
        var expected: [UInt64: Int] = [:]
        var order: [UInt64] = []
        for _ in 0..<100_000 {
            let key = (rng.next() % 5_000) << 30 | 7  // 5,000 keys that differ only in high bits
            if expected[key] == nil { order.append(key) }
            expected[key, default: 0] += 1
            tally.add(key)
        }
        #expect(tally.keys == order && order.count == 5_000)
        #expect(tally.weights == order.map { expected[$0]! })
    }

    /// Many random sets: every combination of quasi-identifiers that occurs occurs at least k
    /// times, the cases that do not consent change nothing, every row has the listed columns.
    @Test func propertiesOverRandomVictims() {
        var rng = SplitMix(seed: 17)
        let countries = ["IDN", "MYS", "AFG", "MMR", "XXA", "THA", "PHL", "XXX"]
        let columns = CTDC.quasiIdentifiers.map { CTDC.header.firstIndex(of: $0)! }
        for _ in 0..<150 {
            let k = Int(rng.next() % 14) + 2
            let n = Int(rng.next() % 400)
            let victims = (0..<n).map { _ in
                Self.victim(
                    year: 2010 + Int(rng.next() % 4), age: Int(rng.next() % 70), sex: Sex.allCases[Int(rng.next() % 3)],
                    nationality: countries[Int(rng.next() % 8)], country: countries[Int(rng.next() % 8)],
                    exploitation: [Exploitation.allCases[Int(rng.next() % 7)]], sector: rng.next() % 5 == 0 ? nil : Sector.allCases[Int(rng.next() % 8)],
                    consent: rng.next() % 3 != 0)
            }
            #expect(victims.allSatisfy { CTDCVictim(packed: $0.packed) == $0 })
            let (lines, report) = CTDC.anonymise(victims, k: k)
            let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(rows.allSatisfy { $0.count == CTDC.header.count })
            var classes: [[String]: Int] = [:]
            for r in rows { classes[columns.map { r[$0] }, default: 0] += 1 }
            #expect(classes.values.allSatisfy { $0 >= k }, "k = \(k), n = \(n)")
            #expect(report.smallestClass == (classes.values.min() ?? 0))
            let consenting = victims.filter(\.consent)
            #expect(report.consented == consenting.count && report.written + report.dropped == consenting.count && report.written == rows.count)
            #expect(CTDC.anonymise(consenting, k: k).lines == lines)
            #expect(CTDC.anonymise(victims.filter { !$0.consent }, k: k).lines.isEmpty)
        }
    }
}

/// SplitMix64: a small seeded generator, the same sequence on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
