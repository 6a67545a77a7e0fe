/// The victims' de-identified file for IOM's Counter Trafficking Data Collaborative
/// (`Output/ctdc/victims.csv`, docs/ctdc.md): one row per consenting victim case in CTDC's column
/// names and codes, made k-anonymous over its quasi-identifiers before anything is written.

/// What the run keeps of a victim case for CTDC: from its principal shelter record of the latest
/// period in which it has one (indicators.md's rule for `assisted_cumulative`), with the union
/// of its exploitation codes over all its shelter records. No id, name, date or place is kept
/// beyond the year and the age at identification.
public struct CTDCVictim: Sendable, Hashable {
    public var identificationYear: Int
    /// Age in completed years on the identification date.
    public var ageAtIdentification: Int
    public var sex: Sex
    public var nationality: Country
    public var exploitationCountry: Country
    public var exploitation: CodeSet<Exploitation>
    public var sector: Sector?
    /// `consent_to_share` of that record (a missing value is no consent).
    public var consent: Bool

    public init(
        identificationYear: Int, ageAtIdentification: Int, sex: Sex, nationality: Country, exploitationCountry: Country,
        exploitation: CodeSet<Exploitation>, sector: Sector?, consent: Bool
    ) {
        self.identificationYear = identificationYear; self.ageAtIdentification = ageAtIdentification; self.sex = sex
        self.nationality = nationality; self.exploitationCountry = exploitationCountry; self.exploitation = exploitation
        self.sector = sector; self.consent = consent
    }
}

public enum CTDC {
    /// CTDC's missing value.
    public static let missing = "-99"
    public static let defaultK = 11

    /// The quasi-identifiers, in the order they are suppressed (docs/ctdc.md): the age band first
    /// (the most distinctive and the least used of the five), then the country of exploitation,
    /// the citizenship, the gender, the year last.
    public static let quasiIdentifiers = ["ageBroad", "CountryOfExploitation", "citizenship", "gender", "yearOfRegistration"]

    /// Our exploitation codes as CTDC's flags (docs/ctdc.md has the reasons).
    public static func flag(_ e: Exploitation) -> String {
        switch e {
        case .LABOUR, .DOMESTIC_SERVITUDE: return "isForcedLabour"
        case .SEXUAL: return "isSexualExploit"
        case .FORCED_MARRIAGE: return "isForcedMarriage"
        case .ORGAN_REMOVAL: return "isOrganRemoval"
        case .FORCED_CRIMINALITY, .OTHER: return "isOtherExploit"
        }
    }

    public static let flags = ["isForcedLabour", "isSexualExploit", "isForcedMarriage", "isOrganRemoval", "isOtherExploit"]
    /// The words of each flag in `typeOfExploitConcatenated`, as CTDC writes them.
    public static let flagWords = ["Forced labour", "Sexual exploitation", "Forced marriage", "Organ removal", "Other"]

    /// Our sectors as CTDC's `typeOfLabour…` columns.
    public static func labour(_ s: Sector) -> String {
        switch s {
        case .AGRICULTURE: return "typeOfLabourAgriculture"
        case .FISHING: return "typeOfLabourAquafarming"
        case .CONSTRUCTION: return "typeOfLabourConstruction"
        case .DOMESTIC_WORK: return "typeOfLabourDomesticWork"
        case .HOSPITALITY: return "typeOfLabourHospitality"
        case .MANUFACTURING: return "typeOfLabourManufacturing"
        case .ENTERTAINMENT, .OTHER: return "typeOfLabourOther"
        }
    }

    public static let labours = [
        "typeOfLabourAgriculture", "typeOfLabourAquafarming", "typeOfLabourConstruction", "typeOfLabourDomesticWork",
        "typeOfLabourHospitality", "typeOfLabourManufacturing", "typeOfLabourOther",
    ]
    static let labourWords = ["Agriculture", "Aquafarming", "Construction", "Domestic work", "Hospitality", "Manufacturing", "Other"]

    /// Every column of the file, in order.
    public static let header =
        ["yearOfRegistration", "Datasource", "gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation"] + flags
        + ["typeOfExploitConcatenated"] + labours + ["typeOfLabourConcatenated"]

    /// CTDC's age bands (`0--8` … `48+`).
    public static func ageBroad(_ age: Int) -> String {
        switch age {
        case ..<9: return "0--8"
        case 9...17: return "9--17"
        case 18...20: return "18--20"
        case 21...23: return "21--23"
        case 24...26: return "24--26"
        case 27...29: return "27--29"
        case 30...38: return "30--38"
        case 39...47: return "39--47"
        default: return "48+"
        }
    }

    /// ISO 3166-1 alpha-2, or `-99` for a code that has none (XXA, XXB, XXC, XXX).
    public static func alpha2(_ c: Country) -> String { countryAlpha2[c.code] ?? missing }

    public static func gender(_ s: Sex) -> String {
        switch s {
        case .F: return "Female"
        case .M: return "Male"
        case .X: return missing
        }
    }

    /// A consenting victim's row (columns of `header`), with the quasi-identifiers of
    /// `suppressed` (bits in `quasiIdentifiers` order) written as `-99`.
    public static func row(_ v: CTDCVictim, suppressed: Int = 0) -> [String] {
        var key = Packed.rowKey(v.packed)
        for q in quasiIdentifiers.indices where suppressed & (1 << q) != 0 { key &= ~Packed.fields[q] }
        return Packed.cells(key)
    }

    /// What anonymisation did.
    public struct Report: Sendable, Equatable {
        public var k: Int
        /// Every victim case assisted in any period so far.
        public var cases: Int
        /// Of these, the cases whose latest record says consent.
        public var consented: Int
        public var written: Int
        public var dropped: Int
        /// Values of the written rows set to `-99` by anonymisation, per quasi-identifier (in
        /// `quasiIdentifiers` order; a value that was missing already is not counted).
        public var suppressed: [Int]
        /// The smallest number of rows sharing one combination of quasi-identifiers (0 when no row).
        public var smallestClass: Int

        public init(k: Int, cases: Int = 0, consented: Int = 0, written: Int = 0, dropped: Int = 0, suppressed: [Int] = [0, 0, 0, 0, 0], smallestClass: Int = 0) {
            self.k = k; self.cases = cases; self.consented = consented; self.written = written; self.dropped = dropped
            self.suppressed = suppressed; self.smallestClass = smallestClass
        }
    }

    /// The consenting victims' rows, k-anonymous over the quasi-identifiers, as CSV lines (no
    /// header) in a fixed order (`Packed.order`), and what it took. Local suppression first: for each
    /// quasi-identifier in `quasiIdentifiers` order, the rows whose combination occurs fewer than
    /// k times have it set to `-99` (a `-99` is a value of its own, so rows with it set form
    /// combinations of their own); the rows still in too small a combination after all five are
    /// dropped. The result does not depend on the order of `victims`.
    public static func anonymise(_ victims: [CTDCVictim], k: Int) -> (lines: [String], report: Report) {
        anonymise(packed: victims.map(\.packed), k: k)
    }

    /// The same on packed victims (`CTDCVictim.packed`): the run's path, a few integers a case.
    public static func anonymise(packed victims: [UInt64], k: Int) -> (lines: [String], report: Report) {
        var keys = victims.compactMap { $0 & Packed.consentBit != 0 ? Packed.rowKey($0) : nil }
        let consented = keys.count
        var classes = Classes(keys.map { $0 & Packed.quasi })
        // A combination that occurs k times or more only ever grows (rows leave small ones
        // only), so after the first count only the rows of small combinations are looked at.
        var small = keys.indices.filter { classes.count(keys[$0] & Packed.quasi) < k }
        var touched = [UInt8](repeating: 0, count: keys.count)
        for (q, field) in Packed.fields.enumerated() {
            small = small.filter { classes.count(keys[$0] & Packed.quasi) < k }
            for i in small {
                let before = keys[i] & Packed.quasi
                if keys[i] & field != 0 { touched[i] |= 1 << q }
                keys[i] &= ~field
                classes.add(before, -1)
                classes.add(keys[i] & Packed.quasi, 1)
            }
        }
        var dropped = [Bool](repeating: false, count: keys.count)
        for i in small where classes.count(keys[i] & Packed.quasi) < k { dropped[i] = true }
        var suppressed = [Int](repeating: 0, count: quasiIdentifiers.count)
        var kept: [UInt64] = []
        kept.reserveCapacity(keys.count)
        for i in keys.indices where !dropped[i] {
            kept.append(keys[i])
            if touched[i] != 0 { for q in suppressed.indices where touched[i] & (1 << q) != 0 { suppressed[q] += 1 } }
        }
        let smallest = classes.smallest(atLeast: k)
        // Each distinct row is rendered once, then repeated, in a fixed order: by year, gender,
        // age band, citizenship, country of exploitation (code-list order), then the rest.
        kept.sort { Packed.order($0) < Packed.order($1) }
        var lines: [String] = []
        lines.reserveCapacity(kept.count)
        var i = 0
        while i < kept.count {
            var j = i + 1
            while j < kept.count && kept[j] == kept[i] { j += 1 }
            let line = Packed.cells(kept[i]).joined(separator: ",")
            for _ in i..<j { lines.append(line) }
            i = j
        }
        let report = Report(
            k: k, cases: victims.count, consented: consented, written: kept.count, dropped: consented - kept.count, suppressed: suppressed,
            smallestClass: smallest)
        return (lines, report)
    }

    /// How many rows have each combination of quasi-identifiers: the first count by sorting
    /// (no hashing of a few hundred thousand keys), the few changes of suppression beside it.
    struct Classes {
        var keys: [UInt64] = []
        var counts: [Int] = []
        var extra: [UInt64: Int] = [:]

        init(_ all: [UInt64]) {
            for key in all.sorted() {
                if keys.last == key { counts[counts.count - 1] += 1 } else { keys.append(key); counts.append(1) }
            }
        }

        func slot(_ key: UInt64) -> Int? {
            var lo = 0, hi = keys.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if keys[mid] < key { lo = mid + 1 } else { hi = mid }
            }
            return lo < keys.count && keys[lo] == key ? lo : nil
        }

        func count(_ key: UInt64) -> Int { slot(key).map { counts[$0] } ?? extra[key] ?? 0 }

        mutating func add(_ key: UInt64, _ d: Int) {
            if let i = slot(key) { counts[i] += d } else { extra[key, default: 0] += d }
        }

        func smallest(atLeast k: Int) -> Int { (counts + Array(extra.values)).filter { $0 >= k }.min() ?? 0 }
    }

    /// A victim in 51 bits, and a row of the file in 48 (its quasi-identifiers as small numbers,
    /// 0 for `-99`, then the rest), so that anonymising a few hundred thousand cases is integer
    /// work.
    enum Packed {
        // The victim: year 0-11, age 12-18, sex 19-20, nationality 21-29, country of
        // exploitation 30-38, exploitation 39-45, sector 46-49 (15: none), consent 50.
        static let consentBit: UInt64 = 1 << 50
        static let exploitationBits: UInt64 = 127 << 39
        static func victim(_ v: CTDCVictim) -> UInt64 {
            UInt64(max(0, min(v.identificationYear, 4095))) | UInt64(max(0, min(v.ageAtIdentification, 127))) << 12
                | UInt64(v.sex.ordinal) << 19 | UInt64(v.nationality.index) << 21 | UInt64(v.exploitationCountry.index) << 30
                | UInt64(v.exploitation.bits) << 39 | UInt64(v.sector?.ordinal ?? 15) << 46 | (v.consent ? consentBit : 0)
        }

        // The row: age band 0-3, country of exploitation 4-12, citizenship 13-21, gender 22-23,
        // year 24-35 (the quasi-identifiers, in `quasiIdentifiers` order), then minor 36,
        // exploitation 37-43, sector 44-47.
        static let fields: [UInt64] = [0xF, 0x1FF << 4, 0x1FF << 13, 0x3 << 22, 0xFFF << 24]
        static let quasi: UInt64 = (1 << 36) - 1
        static let bands = ["0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"]
        static let bandOfAge: [UInt64] = (0..<128).map { UInt64(bands.firstIndex(of: ageBroad($0))! + 1) }
        /// A country's index + 1 when it has an alpha-2 code, else 0 (`-99`).
        static let countryValue: [UInt64] = countryCodes.enumerated().map { countryAlpha2[$1] == nil ? 0 : UInt64($0) + 1 }
        static let alpha2: [String] = countryCodes.map { countryAlpha2[$0] ?? missing }

        static func rowKey(_ v: UInt64) -> UInt64 {
            let age = Int(v >> 12 & 127)
            let sex = v >> 19 & 3  // F 0, M 1, X 2
            return bandOfAge[age] | countryValue[Int(v >> 30 & 511)] << 4 | countryValue[Int(v >> 21 & 511)] << 13
                | (sex == 2 ? 0 : sex + 1) << 22 | (v & 4095) << 24 | (age < 18 ? 1 << 36 : 0) | (v >> 39 & 127) << 37 | (v >> 46 & 15) << 44
        }

        /// The order of the file's rows: year, gender, age band, citizenship, country of
        /// exploitation, then minor, exploitation and sector (a missing value first).
        @inline(__always)
        static func order(_ r: UInt64) -> UInt64 {
            (r >> 24 & 4095) << 40 | (r >> 22 & 3) << 38 | (r & 15) << 34 | (r >> 13 & 511) << 25 | (r >> 4 & 511) << 16 | r >> 36
        }

        static func cells(_ r: UInt64) -> [String] {
            let band = Int(r & 15), ec = Int(r >> 4 & 511), nat = Int(r >> 13 & 511), sex = r >> 22 & 3, year = Int(r >> 24 & 4095)
            let exploitation = CodeSet<Exploitation>(bits: UInt16(r >> 37 & 127))
            let sector = Int(r >> 44 & 15)
            let marked = Set(exploitation.map(flag))
            let words = zip(flags, flagWords).filter { marked.contains($0.0) }.map(\.1)
            let labourCells: [String], labourText: String
            if sector < Sector.count {
                let column = labour(Sector(ordinal: sector))
                labourCells = labours.map { $0 == column ? "1" : "0" }
                labourText = labourWords[labours.firstIndex(of: column)!]
            } else {
                labourCells = labours.map { _ in missing }
                labourText = missing
            }
            return [
                year == 0 ? missing : String(year), "Case Management", sex == 0 ? missing : sex == 1 ? "Female" : "Male",
                band == 0 ? missing : bands[band - 1], r & (1 << 36) != 0 ? "Minor" : "Adult", nat == 0 ? missing : alpha2[nat - 1],
                ec == 0 ? missing : alpha2[ec - 1],
            ] + flags.map { marked.contains($0) ? "1" : "0" } + [words.isEmpty ? missing : words.joined(separator: ";")] + labourCells
                + [labourText]
        }
    }
}

extension CTDCVictim {
    /// The victim in one integer (`CTDC.Packed`).
    public var packed: UInt64 { CTDC.Packed.victim(self) }

    /// `fresh`'s description (a later record) with the exploitation codes of both.
    public static func merged(_ kept: UInt64, _ fresh: UInt64) -> UInt64 { fresh | (kept & CTDC.Packed.exploitationBits) }

    public init(packed v: UInt64) {
        self.init(
            identificationYear: Int(v & 4095), ageAtIdentification: Int(v >> 12 & 127), sex: Sex(ordinal: Int(v >> 19 & 3)),
            nationality: Country(index: UInt16(v >> 21 & 511)), exploitationCountry: Country(index: UInt16(v >> 30 & 511)),
            exploitation: CodeSet(bits: UInt16(v >> 39 & 127)), sector: v >> 46 & 15 == 15 ? nil : Sector(ordinal: Int(v >> 46 & 15)),
            consent: v & CTDC.Packed.consentBit != 0)
    }
}
