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
        let marked = Set(Exploitation.allCases.filter { v.exploitation.contains($0) }.map(flag))
        let flagCells = flags.map { marked.contains($0) ? "1" : "0" }
        let words = zip(flags, flagWords).filter { marked.contains($0.0) }.map(\.1)
        let labourCells: [String], labourText: String
        if let s = v.sector {
            labourCells = labours.map { $0 == labour(s) ? "1" : "0" }
            labourText = labourWords[labours.firstIndex(of: labour(s))!]
        } else {
            labourCells = labours.map { _ in missing }
            labourText = missing
        }
        func q(_ name: String, _ value: String) -> String { suppressed & (1 << quasiIdentifiers.firstIndex(of: name)!) != 0 ? missing : value }
        return [
            q("yearOfRegistration", String(v.identificationYear)), "Case Management", q("gender", gender(v.sex)),
            q("ageBroad", ageBroad(v.ageAtIdentification)), v.ageAtIdentification < 18 ? "Minor" : "Adult",
            q("citizenship", alpha2(v.nationality)), q("CountryOfExploitation", alpha2(v.exploitationCountry)),
        ] + flagCells + [words.isEmpty ? missing : words.joined(separator: ";")] + labourCells + [labourText]
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

    /// The quasi-identifiers of a victim as small numbers, 0 for `-99`, in `quasiIdentifiers`
    /// order.
    static func codes(_ v: CTDCVictim) -> [UInt64] {
        func country(_ c: Country) -> UInt64 { countryAlpha2[c.code] == nil ? 0 : UInt64(c.index) + 1 }
        let band = UInt64(["0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+"].firstIndex(of: ageBroad(v.ageAtIdentification))! + 1)
        let sex: UInt64 = v.sex == .F ? 1 : v.sex == .M ? 2 : 0
        return [band, country(v.exploitationCountry), country(v.nationality), sex, UInt64(max(0, min(v.identificationYear, 4095)))]
    }

    /// The consenting victims' rows, k-anonymous over the quasi-identifiers, as CSV lines (no
    /// header) sorted by their bytes, and what it took. Local suppression first: for each
    /// quasi-identifier in `quasiIdentifiers` order, the rows whose combination occurs fewer than
    /// k times have it set to `-99` (a `-99` is a value of its own, so rows with it set form
    /// combinations of their own); the rows still in too small a combination after all five are
    /// dropped. The result does not depend on the order of `victims`.
    public static func anonymise(_ victims: [CTDCVictim], k: Int) -> (lines: [String], report: Report) {
        let consenting = victims.filter(\.consent)
        let original = consenting.map(codes)
        var current = original
        // Twelve bits a quasi-identifier: the combination as one number.
        func key(_ c: [UInt64]) -> UInt64 { c.reduce(0) { $0 << 12 | $1 } }
        func sizes() -> [UInt64: Int] {
            var n: [UInt64: Int] = [:]
            n.reserveCapacity(current.count)
            for c in current { n[key(c), default: 0] += 1 }
            return n
        }
        var mask = [Int](repeating: 0, count: consenting.count)
        for q in quasiIdentifiers.indices {
            let n = sizes()
            for i in current.indices where n[key(current[i])]! < k {
                current[i][q] = 0
                mask[i] |= 1 << q
            }
        }
        let n = sizes()
        let kept = current.indices.filter { n[key(current[$0])]! >= k }
        let suppressed = quasiIdentifiers.indices.map { q in kept.filter { current[$0][q] == 0 && original[$0][q] != 0 }.count }
        var classes: [UInt64: Int] = [:]
        for i in kept { classes[key(current[i]), default: 0] += 1 }
        // Identical rows are rendered once.
        var lines: [String: Int] = [:]
        for i in kept {
            let m = mask[i] & quasiIdentifiers.indices.reduce(0) { original[i][$1] != 0 ? $0 | 1 << $1 : $0 }
            lines[row(consenting[i], suppressed: m).joined(separator: ","), default: 0] += 1
        }
        let sorted = lines.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.flatMap { l in Array(repeating: l, count: lines[l]!) }
        let report = Report(
            k: k, cases: victims.count, consented: consenting.count, written: kept.count, dropped: consenting.count - kept.count,
            suppressed: suppressed, smallestClass: classes.values.min() ?? 0)
        return (sorted, report)
    }
}
