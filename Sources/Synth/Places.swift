import CaseloadCore

/// A facility of the synthetic registry and how it writes its files.
struct SynthFacility {
    var code: String
    var name: String
    var kind: FacilityKind
    var province: String
    var city: String
    var opened: Period
    var closed: Period?
    /// Relative share of the population.
    var weight: Int
    var dialect: Dialect
}

/// How a facility's exports look: every variant the contract allows.
struct Dialect {
    var xml = false
    var semicolon = false
    var bom = false
    var crlf = false
    var dayFirstDates = false
    var lowerCaseCodes = false
    var extraColumn: String? = nil
    var quoteEverything = false
    var shuffledColumns = false
}

enum Places {
    static func facilities() -> [SynthFacility] {
        let p = { (s: String) in Period(s)! }
        return [
            // Immigration detention centres (Rudenim) and their provinces.
            SynthFacility(code: "IDC-BLW", name: "Rudenim Belawan", kind: .IDC, province: "ID-SU", city: "Medan", opened: p("2008-01"), weight: 9, dialect: Dialect(bom: true)),
            SynthFacility(code: "IDC-PKU", name: "Rudenim Pekanbaru", kind: .IDC, province: "ID-RI", city: "Pekanbaru", opened: p("2008-01"), weight: 7, dialect: Dialect(crlf: true)),
            SynthFacility(code: "IDC-TPI", name: "Rudenim Tanjung Pinang", kind: .IDC, province: "ID-KR", city: "Tanjung Pinang", opened: p("2008-01"), weight: 12, dialect: Dialect(xml: true)),
            SynthFacility(code: "IDC-JKT", name: "Rudenim Jakarta (Kalideres)", kind: .IDC, province: "ID-JK", city: "Jakarta", opened: p("2008-01"), weight: 9, dialect: Dialect(xml: true)),
            SynthFacility(code: "IDC-SBY", name: "Rudenim Surabaya", kind: .IDC, province: "ID-JI", city: "Surabaya", opened: p("2008-01"), weight: 8, dialect: Dialect(dayFirstDates: true)),
            SynthFacility(code: "IDC-SMG", name: "Rudenim Semarang", kind: .IDC, province: "ID-JT", city: "Semarang", opened: p("2009-06"), weight: 4, dialect: Dialect(lowerCaseCodes: true)),
            SynthFacility(code: "IDC-PTK", name: "Rudenim Pontianak", kind: .IDC, province: "ID-KB", city: "Pontianak", opened: p("2008-01"), weight: 6, dialect: Dialect(xml: true)),
            SynthFacility(code: "IDC-BPN", name: "Rudenim Balikpapan", kind: .IDC, province: "ID-KI", city: "Balikpapan", opened: p("2008-01"), weight: 5, dialect: Dialect(quoteEverything: true)),
            SynthFacility(code: "IDC-MKS", name: "Rudenim Makassar", kind: .IDC, province: "ID-SN", city: "Makassar", opened: p("2008-01"), weight: 8, dialect: Dialect(shuffledColumns: true)),
            SynthFacility(code: "IDC-MND", name: "Rudenim Manado", kind: .IDC, province: "ID-SA", city: "Manado", opened: p("2008-01"), weight: 4, dialect: Dialect()),
            SynthFacility(code: "IDC-KPG", name: "Rudenim Kupang", kind: .IDC, province: "ID-NT", city: "Kupang", opened: p("2008-01"), weight: 6, dialect: Dialect(xml: true)),
            SynthFacility(code: "IDC-DPS", name: "Rudenim Denpasar", kind: .IDC, province: "ID-BA", city: "Denpasar", opened: p("2008-01"), weight: 4, dialect: Dialect(crlf: true, dayFirstDates: true)),
            SynthFacility(code: "IDC-JAP", name: "Rudenim Jayapura", kind: .IDC, province: "ID-PA", city: "Jayapura", opened: p("2008-01"), weight: 1, dialect: Dialect()),
            // Community housing.
            SynthFacility(code: "CH-MDN", name: "Community housing Medan", kind: .COMMUNITY, province: "ID-SU", city: "Medan", opened: p("2010-06"), weight: 6, dialect: Dialect(semicolon: true, bom: true, dayFirstDates: true)),
            SynthFacility(code: "CH-MKS", name: "Community housing Makassar", kind: .COMMUNITY, province: "ID-SN", city: "Makassar", opened: p("2011-01"), weight: 5, dialect: Dialect(xml: true)),
            SynthFacility(code: "CH-TPI", name: "Community housing Tanjung Pinang", kind: .COMMUNITY, province: "ID-KR", city: "Tanjung Pinang", opened: p("2011-01"), weight: 4, dialect: Dialect()),
            SynthFacility(code: "CH-BGR", name: "Community housing Bogor (Cisarua)", kind: .COMMUNITY, province: "ID-JB", city: "Bogor", opened: p("2011-11"), weight: 3, dialect: Dialect(extraColumn: "remarks")),
            // Shelters for victims of trafficking.
            SynthFacility(code: "SH-JKT", name: "IOM-supported shelter Jakarta (RPTC)", kind: .SHELTER, province: "ID-JK", city: "Jakarta", opened: p("2008-01"), weight: 10, dialect: Dialect(xml: true)),
            SynthFacility(code: "SH-BTM", name: "Shelter Batam", kind: .SHELTER, province: "ID-KR", city: "Batam", opened: p("2008-01"), weight: 7, dialect: Dialect(crlf: true)),
            SynthFacility(code: "SH-TPI", name: "Shelter Tanjung Pinang", kind: .SHELTER, province: "ID-KR", city: "Tanjung Pinang", opened: p("2009-01"), weight: 4, dialect: Dialect()),
            SynthFacility(code: "SH-PTK", name: "Shelter Pontianak (Entikong border)", kind: .SHELTER, province: "ID-KB", city: "Pontianak", opened: p("2008-01"), weight: 5, dialect: Dialect(dayFirstDates: true)),
            SynthFacility(code: "SH-SBY", name: "Shelter Surabaya", kind: .SHELTER, province: "ID-JI", city: "Surabaya", opened: p("2008-01"), weight: 5, dialect: Dialect(xml: true)),
            SynthFacility(code: "SH-MKS", name: "Shelter Makassar", kind: .SHELTER, province: "ID-SN", city: "Makassar", opened: p("2010-07"), weight: 3, dialect: Dialect(semicolon: true)),
            SynthFacility(code: "SH-KPG", name: "Shelter Kupang", kind: .SHELTER, province: "ID-NT", city: "Kupang", opened: p("2008-01"), weight: 4, dialect: Dialect(lowerCaseCodes: true)),
            SynthFacility(code: "SH-MTR", name: "Shelter Mataram", kind: .SHELTER, province: "ID-NB", city: "Mataram", opened: p("2008-01"), weight: 2, dialect: Dialect(), ),
            SynthFacility(code: "SH-AMB", name: "Shelter Ambon (fishing crews)", kind: .SHELTER, province: "ID-MA", city: "Ambon", opened: p("2011-06"), weight: 3, dialect: Dialect(xml: true)),
        ]
    }

    static let migrantNationalities: [(String, Int)] = [
        ("AFG", 46), ("XXA", 9), ("MMR", 3), ("IRN", 8), ("IRQ", 6), ("LKA", 9), ("PAK", 6), ("SOM", 6),
        ("SDN", 2), ("ETH", 1), ("ERI", 1), ("PSE", 1), ("YEM", 1), ("BGD", 1),
    ]

    static let givenNamesM = [
        "Ali", "Mohammad", "Hussain", "Reza", "Ahmad", "Abdul", "Hassan", "Karim", "Jawad", "Nasir",
        "Tharmalingam", "Suresh", "Abdullah", "Omar", "Yusuf", "Farhad", "Zainal", "Rahim", "Mahmud", "Salim",
    ]
    static let givenNamesF = [
        "Fatima", "Zahra", "Maryam", "Amina", "Leila", "Shirin", "Nadia", "Sakina", "Kalaivani", "Hawa",
        "Siti", "Dewi", "Sri", "Wati", "Nur", "Rina", "Yuli", "Aisyah", "Halima", "Rohima",
    ]
    static let familyNames = [
        "Rahimi", "Hosseini", "Ahmadi", "Karimi", "Mohammadi", "Jafari", "Sultani", "Nazari", "Rezaei",
        "Sivakumar", "Rajan", "Abdi", "Mohamed", "Hassan", "Khan", "Begum", "Ullah", "Saputri",
        "Wulandari", "Lestari", "Hidayat", "Kurniawan", "Setiawan", "Nurhayati", "Rahayu",
    ]

    /// Victims: mostly Indonesians exploited abroad; fishing crews exploited in Indonesian waters.
    static let destinations: [(String, Int)] = [
        ("MYS", 40), ("SAU", 18), ("ARE", 6), ("SGP", 5), ("HKG", 4), ("TWN", 5), ("JOR", 3), ("QAT", 3), ("KWT", 2),
        ("JPN", 2), ("KOR", 2), ("IDN", 10),
    ]
    static let crewNationalities: [(String, Int)] = [("MMR", 40), ("KHM", 30), ("LAO", 15), ("THA", 15)]
}
