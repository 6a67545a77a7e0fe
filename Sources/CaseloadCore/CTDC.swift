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
        let (rows, report) = anonymise(packed: victims.map(\.packed), k: k)
        return (rows.flatMap { Array(repeating: $0.line, count: $0.count) }, report)
    }

    /// A line of the file and how many times it is written, one after the other.
    public struct Row: Sendable, Equatable {
        public var line: String
        public var count: Int
    }

    /// The same on packed victims (`CTDCVictim.packed`): the run's path, a few integers a case.
    /// Cases with the same row are alike in everything the rule looks at (their combination,
    /// hence their class's size, at every step), so the rule runs on the distinct rows, each
    /// with its number of cases: a few thousand, however many the cases. The lines come as the
    /// distinct lines in the file's order, each with how many times it is written.
    public static func anonymise(packed victims: [UInt64], k: Int) -> (rows: [Row], report: Report) {
        var tally = RowTally()
        var consented = 0
        for v in victims where v & Packed.consentBit != 0 {
            consented += 1
            tally.add(Packed.rowKey(v))
        }
        var keys = tally.keys, weights = tally.weights
        var classes: [UInt64: Int] = [:]
        for i in keys.indices { classes[keys[i] & Packed.quasi, default: 0] += weights[i] }
        // A combination that occurs k times or more only ever grows (rows leave small ones
        // only), so after the first count only the rows of small combinations are looked at.
        var small = keys.indices.filter { classes[keys[$0] & Packed.quasi]! < k }
        var touched = [UInt8](repeating: 0, count: keys.count)
        for (q, field) in Packed.fields.enumerated() {
            small = small.filter { classes[keys[$0] & Packed.quasi]! < k }
            for i in small {
                let before = keys[i] & Packed.quasi
                if keys[i] & field != 0 { touched[i] |= 1 << q }
                keys[i] &= ~field
                classes[before]! -= weights[i]
                classes[keys[i] & Packed.quasi, default: 0] += weights[i]
            }
        }
        for i in small where classes[keys[i] & Packed.quasi]! < k { weights[i] = 0 }
        var suppressed = [Int](repeating: 0, count: quasiIdentifiers.count)
        var kept: [(order: UInt64, key: UInt64, count: Int)] = []
        for i in keys.indices where weights[i] > 0 {
            kept.append((Packed.order(keys[i]), keys[i], weights[i]))
            for q in suppressed.indices where touched[i] & (1 << q) != 0 { suppressed[q] += weights[i] }
        }
        // The file's order: by year, gender, age band, citizenship, country of exploitation
        // (code-list order), then the rest; rows made alike by suppression become one line.
        kept.sort { $0.order < $1.order }
        var rows: [Row] = []
        var tails: [UInt64: String] = [:]
        for (n, r) in kept.enumerated() {
            if n > 0 && kept[n - 1].order == r.order {
                rows[rows.count - 1].count += r.count
                continue
            }
            let t = r.key >> 37
            let tail: String
            if let known = tails[t] { tail = known } else { tail = Packed.tail(t); tails[t] = tail }
            rows.append(Row(line: Packed.head(r.key) + "," + tail, count: r.count))
        }
        let written = rows.reduce(0) { $0 + $1.count }
        let report = Report(
            k: k, cases: victims.count, consented: consented, written: written, dropped: consented - written, suppressed: suppressed,
            smallestClass: classes.values.filter { $0 >= k }.min() ?? 0)
        return (rows, report)
    }

    /// The distinct rows of many cases and how many cases have each, in the order first seen: an
    /// open-addressed table of row keys (hashing every case into a Dictionary cost more than all
    /// the rest of the anonymisation).
    struct RowTally {
        private(set) var keys: [UInt64] = []
        private(set) var weights: [Int] = []
        /// Index + 1 into `keys` of the key in each slot, 0 when empty; a power of two, at most half full.
        private var slots = [Int32](repeating: 0, count: 1024)
        private var shift = 64 - 10

        @inline(__always)
        private func home(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(shift)) }

        mutating func add(_ key: UInt64) {
            let mask = slots.count - 1
            var s = home(key)
            while true {
                let i = Int(slots[s])
                if i == 0 { break }
                if keys[i - 1] == key {
                    weights[i - 1] += 1
                    return
                }
                s = (s + 1) & mask
            }
            keys.append(key)
            weights.append(1)
            slots[s] = Int32(keys.count)
            if keys.count * 2 > slots.count { grow() }
        }

        private mutating func grow() {
            slots = [Int32](repeating: 0, count: slots.count * 2)
            shift -= 1
            let mask = slots.count - 1
            for (n, key) in keys.enumerated() {
                var s = home(key)
                while slots[s] != 0 { s = (s + 1) & mask }
                slots[s] = Int32(n + 1)
            }
        }
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

        /// The row's cells (`header`'s columns); no cell holds a comma.
        static func cells(_ r: UInt64) -> [String] {
            (head(r) + "," + tail(r >> 37)).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }

        static let alpha2Bytes: [[UInt8]] = alpha2.map { Array($0.utf8) }
        static let bandBytes: [[UInt8]] = bands.map { Array($0.utf8) }

        /// The row's first seven cells, joined: the quasi-identifiers, the source and the majority
        /// (built as bytes: one line for each of a few thousand distinct rows).
        static func head(_ r: UInt64) -> String {
            let band = Int(r & 15), ec = Int(r >> 4 & 511), nat = Int(r >> 13 & 511), sex = r >> 22 & 3, year = Int(r >> 24 & 4095)
            var b: [UInt8] = []
            b.reserveCapacity(64)
            if year == 0 { b += missing.utf8 } else { b += String(year).utf8 }
            b += ",Case Management,".utf8
            b += (sex == 0 ? missing : sex == 1 ? "Female" : "Male").utf8
            b.append(0x2C)
            if band == 0 { b += missing.utf8 } else { b += bandBytes[band - 1] }
            b += (r & (1 << 36) != 0 ? ",Minor," : ",Adult,").utf8
            if nat == 0 { b += missing.utf8 } else { b += alpha2Bytes[nat - 1] }
            b.append(0x2C)
            if ec == 0 { b += missing.utf8 } else { b += alpha2Bytes[ec - 1] }
            return String(decoding: b, as: UTF8.self)
        }

        /// The rest, joined, from the row's exploitation and sector (`r >> 37`): a few hundred
        /// kinds at most.
        static func tail(_ t: UInt64) -> String {
            let exploitation = CodeSet<Exploitation>(bits: UInt16(t & 127))
            let sector = Int(t >> 7 & 15)
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
            return
                (flags.map { marked.contains($0) ? "1" : "0" } + [words.isEmpty ? missing : words.joined(separator: ";")] + labourCells
                + [labourText]).joined(separator: ",")
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
