import CaseloadCore

/// `caseload synth`: a realistic synthetic input folder for IOM Indonesia, 2010–2012:
/// the registry, detention submissions (2011-10 to 2012-03) and shelter submissions
/// (2010-01 to 2012-03), in every dialect of the contract, with a handful of realistic faults.
/// The same seed and scale always give the same bytes.
public struct SynthOptions: Sendable {
    public var seed: UInt64 = 2012
    public var scale: Double = 1
    /// Adds the realistic faults (a misnamed file, a resubmission, bad rows).
    public var faults = true
    /// When set, the share of the bytes written as XML (about: the facilities that send XML are
    /// chosen for it); otherwise each facility keeps its own format.
    public var xmlShare: Double?
    public init(seed: UInt64 = 2012, scale: Double = 1, faults: Bool = true, xmlShare: Double? = nil) {
        self.seed = seed; self.scale = scale; self.faults = faults; self.xmlShare = xmlShare
    }
}

/// One generated file.
public struct SynthFile: Sendable {
    public var path: String
    public var bytes: [UInt8]
}

/// What the generator put in, for tests to check the figures against.
public struct SynthTruth: Sendable, Equatable {
    /// Distinct migrant cases with a record the pipeline will accept, per period.
    public var migrantsSupported: [Period: Int] = [:]
    /// Distinct victims with an accepted shelter record in any period.
    public var victimsCumulative = 0
    /// Records written into submissions (both kinds), and bytes.
    public var records = 0
}

public enum SynthGenerator {
    public static let detentionPeriods = Period.range(Period("2011-10")!, Period("2012-03")!)
    public static let shelterPeriods = Period.range(Period("2010-01")!, Period("2012-03")!)

    public static func generate(_ options: SynthOptions) -> (files: [SynthFile], truth: SynthTruth) {
        var g = Generation(options: options)
        g.run()
        return (g.files.sorted { $0.path < $1.path }, g.truth)
    }
}

/// Who a synthetic person is, whichever list they are on.
struct Person {
    /// The case id; the names; the sex code, the birth date as written, and the nationality code.
    var id, family, given, sex, birth, nationality: String
    /// The birth date as a day.
    var birthDay: Day
}

/// A migrant in IOM's care.
@dynamicMemberLookup
struct Migrant {
    var person: Person
    var unhcr: String?
    var interception: String?
    var facility: Int
    var arrival: Day
    var status: String
    var statusDate: Day?
    var uam: Bool
    var vulnerabilities: [String]
}

/// One detention row as a facility writes it.
struct DetentionRow {
    var m: Migrant
    var services: [String]
}

@dynamicMemberLookup
struct Victim {
    var person: Person
    var exploitationCountry: String
    var exploitation: [String]
    var sector: String?
    var referral: String?
    var assistance: [String]
    var consent: Bool
    var facility: Int
    var identification: Day
    var admission: Day
    var months: Int
    var firstPeriod: Period
    var discharged: Bool
}

struct Generation {
    let options: SynthOptions
    var rng: SeededRandom
    var facilities = Places.facilities()
    var files: [SynthFile] = []
    var truth = SynthTruth()
    var nextCase = 1
    /// Rows of each detention file (facility, period).
    var detentionRows: [Period: [Int: [DetentionRow]]] = [:]
    var shelterRows: [Period: [Int: [Victim]]] = [:]

    init(options: SynthOptions) {
        self.options = options
        rng = SeededRandom(seed: options.seed)
        if let share = options.xmlShare {
            // An XML record is about 6.5 times the bytes of a CSV row: the facilities of a share
            // w of the population give a share 6.5w / (1 + 5.5w) of the bytes.
            let w = share / (6.5 - 5.5 * share)
            for kinds in [[FacilityKind.IDC, .COMMUNITY], [.SHELTER]] {
                let mine = facilities.indices.filter { kinds.contains(facilities[$0].kind) }
                let total = mine.reduce(0) { $0 + facilities[$1].weight }
                var taken = 0
                for i in mine.sorted(by: { facilities[$0].weight > facilities[$1].weight || (facilities[$0].weight == facilities[$1].weight && facilities[$0].code < facilities[$1].code) }) {
                    let xml = Double(taken) < w * Double(total)
                    facilities[i].dialect.xml = xml
                    if xml { taken += facilities[i].weight }
                }
            }
        }
    }

    mutating func run() {
        files.append(SynthFile(path: "facilities.csv", bytes: registry()))
        simulateDetention()
        simulateShelters()
        writeDetention()
        writeShelters()
    }

    func scaled(_ n: Double) -> Int { max(1, Int((n * options.scale).rounded())) }

    // MARK: registry

    func registry() -> [UInt8] {
        var s = "facility_code,name,kind,province,city,opened,closed\n"
        for f in facilities {
            s += "\(f.code),\(csvQuote(f.name)),\(f.kind.rawValue),\(f.province),\(f.city),\(f.opened),\(f.closed?.description ?? "")\n"
        }
        return Array(s.utf8)
    }

    // MARK: people

    mutating func caseID(year: Int) -> String {
        defer { nextCase += 1 }
        let n = String(nextCase % 1_000_000)
        return "IDN-\(year)-" + String(repeating: "0", count: 6 - n.count) + n
    }

    mutating func randomDay(in p: Period, notBefore: Day? = nil) -> Day {
        let lo = max(p.first, notBefore ?? p.first)
        let span = p.last - lo
        return span <= 0 ? lo : Day(ordinal: lo.ordinal + Int32(below(span + 1)))
    }

    mutating func below(_ n: Int) -> Int { rng.below(n) }

    /// A birth date as registered: a full date, or the year only, or year and month.
    mutating func birth(age: Int, on day: Day) -> (String, Day) {
        let c = day.civil
        let year = c.year - age - (rng.chance(0.5) ? 1 : 0)
        let month = 1 + below(12)
        let d = 1 + below(Day.daysIn(year: year, month: month))
        let full = Day(year: year, month: month, day: d)!
        switch below(10) {
        case 0..<7: return (full.description, full)
        case 7..<9: return (String(year), Day(year: year, month: 7, day: 1)!)
        default: return (full.description.prefix(7).description, Day(year: year, month: month, day: 15)!)
        }
    }

    mutating func migrantAge() -> Int {
        switch below(100) {
        case 0..<4: return below(5)
        case 4..<9: return 5 + below(7)
        case 9..<16: return 12 + below(6)
        case 16..<98: return 18 + below(30) + (rng.chance(0.3) ? below(12) : 0)
        default: return 60 + below(15)
        }
    }

    mutating func pickFacility(kind: SubmissionKind, open p: Period) -> Int {
        let candidates = facilities.indices.filter { kind.accepts(facilities[$0].kind) && p >= facilities[$0].opened }
        return rng.pick(candidates.map { ($0, facilities[$0].weight) })
    }

    mutating func newMigrant(arrival: Day, period: Period, status: String) -> Migrant {
        let sex = rng.chance(0.78) ? "M" : (rng.chance(0.97) ? "F" : "X")
        let nationality = rng.pick(Places.migrantNationalities)
        var age = migrantAge()
        let uam = age <= 15 && age >= 12 && rng.chance(0.3)
        if uam && rng.chance(0.02) { age = 18 }  // a flag left on after the 18th birthday: UASC_AGE
        let (b, bd) = birth(age: age, on: period.last)
        let regYear = arrival.civil.year
        var vulns: [String] = []
        if rng.chance(0.12) { vulns.append("MEDICAL") }
        if rng.chance(0.03) { vulns.append("DISABILITY") }
        if sex == "F" && age >= 18 && age < 45 && rng.chance(0.08) { vulns.append("PREGNANT") }
        if age >= 60 { vulns.append("ELDERLY") }
        if rng.chance(0.04) { vulns.append("SURVIVOR_TORTURE") }
        if sex == "F" && rng.chance(0.05) { vulns.append("SURVIVOR_SGBV") }
        if rng.chance(0.01) { vulns.append("VOT") }
        if age >= 18 && rng.chance(0.03) { vulns.append("SINGLE_PARENT") }
        let given = sex == "F" ? rng.pick(Places.givenNamesF) : rng.pick(Places.givenNamesM)
        var unhcr: String? = nil
        if rng.chance(0.72) {
            let n = String(10000 + below(89999))
            let letter = Character(Unicode.Scalar(UInt8(65 + below(26))))
            unhcr = "354-\(String(regYear % 100).count == 1 ? "0" : "")\(regYear % 100)\(letter)\(n)"
        }
        let interception: String? = rng.chance(0.1) ? nil : rng.pick([("SEA", 85), ("LAND", 5), ("AIR", 10)])
        return Migrant(
            person: Person(id: caseID(year: regYear), family: rng.pick(Places.familyNames), given: given, sex: sex, birth: b, nationality: nationality, birthDay: bd),
            unhcr: unhcr, interception: interception,
            facility: pickFacility(kind: .detention, open: period), arrival: arrival, status: status,
            statusDate: nil, uam: uam, vulnerabilities: vulns)
    }

    mutating func services(for m: Migrant) -> [String] {
        var s: [String] = []
        if rng.chance(0.9) { s.append("FOOD") }
        if rng.chance(0.5) { s.append("NFI") }
        if m.vulnerabilities.contains("MEDICAL") || rng.chance(0.25) { s.append("MEDICAL") }
        if rng.chance(0.15) { s.append("PSYCHOSOCIAL") }
        if facilities[m.facility].kind == .COMMUNITY { s.append("ACCOMMODATION") }
        if m.birthDay.civil.year > 1994 && rng.chance(0.6) { s.append("EDUCATION") }
        if rng.chance(0.2) { s.append("INTERPRETATION") }
        if rng.chance(0.1) { s.append("COUNSELLING") }
        if m.status == "REJECTED" && rng.chance(0.5) { s.append("AVR_COUNSELLING") }
        return s
    }

    // MARK: detention

    mutating func simulateDetention() {
        let first = SynthGenerator.detentionPeriods.first!
        var inCare: [Migrant] = []
        for _ in 0..<scaled(1835) {
            let p = Period(index: first.index - 1 - Int32(below(30)))
            var m = newMigrant(arrival: randomDay(in: p), period: p, status: rng.pick([("PENDING_RSD", 60), ("RECOGNIZED", 30), ("REJECTED", 10)]))
            m.facility = pickFacility(kind: .detention, open: max(p, Period("2011-01")!))
            if m.arrival < m.birthDay { m.arrival = m.birthDay }
            if m.status != "PENDING_RSD" { m.statusDate = randomDay(in: Period(index: first.index - 1 - Int32(below(3)))) }
            if let sd = m.statusDate, sd < m.arrival { m.statusDate = m.arrival }
            inCare.append(m)
        }
        for p in SynthGenerator.detentionPeriods {
            var rows: [Int: [DetentionRow]] = [:]
            var next: [Migrant] = []
            let arrivals = scaled(100 + Double(below(30)))
            for _ in 0..<arrivals {
                var m = newMigrant(arrival: randomDay(in: p), period: p, status: "PENDING_RSD")
                if m.arrival < m.birthDay { m.arrival = m.birthDay }
                inCare.append(m)
            }
            for var m in inCare {
                // Decisions.
                if m.status == "PENDING_RSD" && rng.chance(0.05) {
                    m.status = rng.chance(0.85) ? "RECOGNIZED" : "REJECTED"
                    m.statusDate = randomDay(in: p, notBefore: m.arrival)
                }
                if rng.chance(0.032) {
                    // Leaves this facility in the month.
                    let exit: String
                    if m.status == "RECOGNIZED" && rng.chance(0.6) {
                        exit = "RESETTLED"
                    } else {
                        exit = rng.pick([("RETURNED", 30), ("TRANSFERRED", 30), ("ABSCONDED", 18), ("RELEASED", 12), ("DEPORTED", 8), ("DECEASED", 1)])
                    }
                    var leaving = m
                    leaving.status = exit
                    leaving.statusDate = randomDay(in: p, notBefore: m.arrival)
                    rows[m.facility, default: []].append(DetentionRow(m: leaving, services: services(for: leaving)))
                    if exit == "TRANSFERRED" {
                        var moved = m
                        moved.facility = pickFacility(kind: .detention, open: p)
                        if moved.facility == m.facility { moved.facility = (m.facility + 1) % 13 }
                        moved.arrival = leaving.statusDate!
                        rows[moved.facility, default: []].append(DetentionRow(m: moved, services: services(for: moved)))
                        next.append(moved)
                    }
                    continue
                }
                rows[m.facility, default: []].append(DetentionRow(m: m, services: services(for: m)))
                next.append(m)
            }
            inCare = next
            detentionRows[p] = rows
        }
    }

    // MARK: shelters

    mutating func newVictim(period p: Period) -> Victim {
        let crew = rng.chance(0.1)
        let facility: Int
        if crew, let amb = facilities.firstIndex(where: { $0.code == "SH-AMB" }), p >= facilities[amb].opened {
            facility = amb
        } else {
            facility = pickFacility(kind: .shelter, open: p)
        }
        let nationality = crew ? rng.pick(Places.crewNationalities) : (rng.chance(0.97) ? "IDN" : rng.pick(["PHL", "VNM", "TLS"]))
        let destination = crew ? "IDN" : rng.pick(Places.destinations)
        let sex = crew ? "M" : (rng.chance(0.74) ? "F" : "M")
        let age = crew ? 18 + below(30) : (rng.chance(0.12) ? 13 + below(5) : 18 + below(28))
        let (b, bd) = birth(age: age, on: p.last)
        var exploitation: [String]
        var sector: String?
        if crew {
            exploitation = ["LABOUR"]; sector = "FISHING"
        } else {
            sector = rng.pick([
                ("DOMESTIC_WORK", 45), ("ENTERTAINMENT", 12), ("MANUFACTURING", 8), ("AGRICULTURE", 10),
                ("CONSTRUCTION", 6), ("HOSPITALITY", 7), ("OTHER", 4),
            ])
            if rng.chance(0.08) { sector = nil }
            switch sector {
            case "DOMESTIC_WORK": exploitation = rng.chance(0.6) ? ["DOMESTIC_SERVITUDE"] : ["LABOUR", "DOMESTIC_SERVITUDE"]
            case "ENTERTAINMENT": exploitation = ["SEXUAL"]
            default: exploitation = rng.chance(0.85) ? ["LABOUR"] : ["LABOUR", "SEXUAL"]
            }
            if sex == "F" && rng.chance(0.03) { exploitation.append("FORCED_MARRIAGE") }
        }
        var assistance = ["SHELTER"]
        if rng.chance(0.62) { assistance.append("MEDICAL") }
        if rng.chance(0.55) { assistance.append("PSYCHOSOCIAL") }
        if rng.chance(0.2) { assistance.append("LEGAL") }
        if destination != "IDN" || crew { if rng.chance(0.7) { assistance.append("RETURN") } }
        if rng.chance(0.35) { assistance.append("REINTEGRATION") }
        if rng.chance(0.1) { assistance.append("FAMILY_TRACING") }
        let admission = randomDay(in: p)
        let identification = Day(ordinal: admission.ordinal - Int32(below(21)))
        let months = rng.pick([(1, 45), (2, 30), (3, 15), (4, 7), (6, 3)])
        let given = sex == "F" ? rng.pick(Places.givenNamesF) : rng.pick(Places.givenNamesM)
        return Victim(
            person: Person(id: caseID(year: p.year), family: rng.pick(Places.familyNames), given: given, sex: sex, birth: b, nationality: nationality, birthDay: bd),
            exploitationCountry: destination, exploitation: exploitation,
            sector: sector, referral: rng.chance(0.15) ? nil : rng.pick([("POLICE", 30), ("NGO", 20), ("SELF", 8), ("FAMILY", 8), ("CONSULATE", 15), ("IOM", 6), ("GOVERNMENT", 10), ("OTHER", 3)]),
            assistance: assistance, consent: rng.chance(0.6), facility: facility, identification: identification,
            admission: admission, months: months, firstPeriod: p, discharged: rng.chance(0.9))
    }

    mutating func simulateShelters() {
        var active: [Victim] = []
        var all = 0
        for p in SynthGenerator.shelterPeriods {
            for _ in 0..<scaled(148 + Double(below(10))) {
                active.append(newVictim(period: p))
                all += 1
            }
            var rows: [Int: [Victim]] = [:]
            var next: [Victim] = []
            for v in active {
                rows[v.facility, default: []].append(v)
                if Int(p.index - v.firstPeriod.index) + 1 < v.months { next.append(v) }
            }
            active = next
            shelterRows[p] = rows
        }
        _ = all
    }

    // MARK: writing

    mutating func writeDetention() {
        var supported: [Period: Set<String>] = [:]
        for p in SynthGenerator.detentionPeriods {
            for (fi, rows) in detentionRows[p]!.sorted(by: { $0.key < $1.key }) {
                let f = facilities[fi]
                var lines = rows.map { detentionValues($0, dialect: f.dialect, period: p) }
                var bad = Set<Int>()
                if options.faults && f.code == "IDC-SBY" && p == SynthGenerator.detentionPeriods.last! && lines.count > 10 {
                    // A file with a few bad rows: an unknown sex code, a date that does not exist, a misspelt country.
                    lines[2]["sex"] = "Q"; bad.insert(2)
                    lines[5]["arrival_date"] = f.dialect.dayFirstDates ? "30/02/2012" : "2012-02-30"; bad.insert(5)
                    lines[8]["nationality"] = "AFGH"; bad.insert(8)
                }
                for (i, r) in rows.enumerated() where !bad.contains(i) { supported[p, default: []].insert(r.m.id) }
                truth.records += lines.count
                let name = "detention_\(f.code)_\(p)"
                let folder = "\(p.description.prefix(4))/\(p.description.suffix(2))/"
                if options.faults && f.code == "IDC-PKU" && p == SynthGenerator.detentionPeriods[4] {
                    // A first submission with wrong birth dates, corrected by an r2.
                    var first = lines
                    for i in stride(from: 1, to: min(first.count, 40), by: 9) { first[i]["birth_date"] = "31/02/1990" }
                    files.append(SynthFile(path: folder + name + ".csv", bytes: render(first, kind: .detention, facility: f, period: p)))
                    files.append(SynthFile(path: folder + name + "_r2.csv", bytes: render(lines, kind: .detention, facility: f, period: p)))
                    continue
                }
                let bytes = render(lines, kind: .detention, facility: f, period: p)
                files.append(SynthFile(path: folder + name + (f.dialect.xml ? ".xml" : ".csv"), bytes: bytes))
                if options.faults && f.code == "IDC-MKS" && p == SynthGenerator.detentionPeriods.last! {
                    // A misnamed copy, as a spreadsheet's "save as" leaves it.
                    files.append(SynthFile(path: folder + name + " (1).csv", bytes: bytes))
                }
            }
        }
        truth.migrantsSupported = supported.mapValues(\.count)
    }

    mutating func writeShelters() {
        var everyone = Set<String>()
        for p in SynthGenerator.shelterPeriods {
            for (fi, rows) in shelterRows[p]!.sorted(by: { $0.key < $1.key }) {
                let f = facilities[fi]
                let lines = rows.map { shelterValues($0, dialect: f.dialect, period: p) }
                for v in rows { everyone.insert(v.id) }
                truth.records += lines.count
                let folder = "\(p.description.prefix(4))/\(p.description.suffix(2))/"
                files.append(
                    SynthFile(
                        path: folder + "shelter_\(f.code)_\(p)" + (f.dialect.xml ? ".xml" : ".csv"),
                        bytes: render(lines, kind: .shelter, facility: f, period: p)))
            }
        }
        truth.victimsCumulative = everyone.count
    }

    func date(_ d: Day?, _ dialect: Dialect) -> String? {
        guard let d else { return nil }
        if dialect.dayFirstDates {
            let c = d.civil
            let dd = c.day < 10 ? "0\(c.day)" : "\(c.day)", mm = c.month < 10 ? "0\(c.month)" : "\(c.month)"
            return "\(dd)/\(mm)/\(c.year)"
        }
        return d.description
    }

    func code(_ s: String?, _ dialect: Dialect) -> String? {
        guard let s else { return nil }
        return dialect.lowerCaseCodes ? s.lowercased() : s
    }

    mutating func detentionValues(_ r: DetentionRow, dialect: Dialect, period: Period) -> [String: String] {
        let m = r.m
        var v: [String: String] = [
            "case_id": m.id, "family_name": m.family, "given_name": m.given, "sex": code(m.sex, dialect)!,
            "birth_date": m.birth, "nationality": code(m.nationality, dialect)!,
            "arrival_date": date(m.arrival, dialect)!, "status": code(m.status, dialect)!,
        ]
        if let u = m.unhcr { v["unhcr_id"] = u }
        if let i = m.interception { v["interception"] = code(i, dialect) }
        if let sd = m.statusDate { v["status_date"] = date(sd, dialect) }
        v["unaccompanied_minor"] = m.uam ? "Y" : (rng.chance(0.5) ? "N" : "")
        if !m.vulnerabilities.isEmpty { v["vulnerabilities"] = m.vulnerabilities.joined(separator: "|") }
        if !r.services.isEmpty { v["services"] = r.services.joined(separator: dialect.semicolon ? "|" : ";") }
        return v
    }

    mutating func shelterValues(_ x: Victim, dialect: Dialect, period: Period) -> [String: String] {
        var v: [String: String] = [
            "case_id": x.id, "family_name": x.family, "given_name": x.given, "sex": code(x.sex, dialect)!,
            "birth_date": x.birth, "nationality": code(x.nationality, dialect)!,
            "identification_date": date(x.identification, dialect)!,
            "admission_date": date(x.admission, dialect)!,
            "exploitation": x.exploitation.joined(separator: "|"),
            "exploitation_country": x.exploitationCountry,
            "assistance": x.assistance.joined(separator: dialect.semicolon ? "|" : ";"),
            "consent_to_share": x.consent ? "Y" : "N",
        ]
        if let s = x.sector { v["sector"] = code(s, dialect) }
        if let r = x.referral { v["referral"] = code(r, dialect) }
        let last = Period(index: x.firstPeriod.index + Int32(x.months) - 1)
        if period == last && x.discharged {
            v["discharge_date"] = date(randomDay(in: period, notBefore: x.admission), dialect)
        }
        return v
    }

    // MARK: rendering

    func render(_ rows: [[String: String]], kind: SubmissionKind, facility f: SynthFacility, period: Period) -> [UInt8] {
        f.dialect.xml ? renderXML(rows, kind: kind, facility: f, period: period) : renderCSV(rows, kind: kind, dialect: f.dialect)
    }

    func renderCSV(_ rows: [[String: String]], kind: SubmissionKind, dialect: Dialect) -> [UInt8] {
        var columns = kind.fields.map(\.rawValue)
        if dialect.shuffledColumns { columns = columns.reversed() }
        if let extra = dialect.extraColumn { columns.append(extra) }
        let d = dialect.semicolon ? ";" : ","
        let eol = dialect.crlf ? "\r\n" : "\n"
        var out: [UInt8] = dialect.bom ? [0xEF, 0xBB, 0xBF] : []
        out.reserveCapacity(rows.count * 160)
        func cell(_ s: String) -> String {
            if dialect.quoteEverything { return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\"" }
            return s.contains(Character(d)) || s.contains("\"") ? csvQuote(s) : s
        }
        out += Array((columns.map(cell).joined(separator: d) + eol).utf8)
        for r in rows {
            out += Array((columns.map { cell(r[$0] ?? "") }.joined(separator: d) + eol).utf8)
        }
        return out
    }

    func renderXML(_ rows: [[String: String]], kind: SubmissionKind, facility f: SynthFacility, period: Period) -> [UInt8] {
        var s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<submission xmlns=\"\(SubmissionSchema.namespace)\" kind=\"\(kind.rawValue)\" facility=\"\(f.code)\" period=\"\(period)\">\n"
        let record = kind.recordElement
        for r in rows {
            s += "  <\(record)>\n"
            for field in kind.fields {
                guard let v = r[field.rawValue], !v.isEmpty else { continue }
                if field.isList {
                    let items = v.split(whereSeparator: { $0 == "|" || $0 == ";" })
                    s += "    <\(field.xmlName)>" + items.map { "<code>\(xmlEscape(String($0)))</code>" }.joined() + "</\(field.xmlName)>\n"
                } else {
                    s += "    <\(field.xmlName)>\(xmlEscape(v))</\(field.xmlName)>\n"
                }
            }
            s += "  </\(record)>\n"
        }
        s += "</submission>\n"
        return Array(s.utf8)
    }
}

func csvQuote(_ s: String) -> String {
    guard s.contains(",") || s.contains("\"") || s.contains(";") || s.contains("\n") else { return s }
    return "\"" + s.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}

func xmlEscape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        default: out.append(c)
        }
    }
    return out
}

/// `m.sex`, `v.birthDay`, …: a migrant's or a victim's own fields read through to the person.
protocol OfAPerson {
    var person: Person { get set }
}

extension OfAPerson {
    subscript<T>(dynamicMember field: WritableKeyPath<Person, T>) -> T {
        get { person[keyPath: field] }
        set { person[keyPath: field] = newValue }
    }
}

extension Migrant: OfAPerson {}
extension Victim: OfAPerson {}
