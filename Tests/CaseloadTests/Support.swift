import CaseloadCore
import Foundation
import Testing
@_exported import TestSupport
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away input folder with a small registry.
final class Fixture {
    let root: String
    var input: String { root + "/Input" }
    var output: String { root + "/Output" }

    static let registry = """
        facility_code,name,kind,province,city,opened,closed
        IDC-TPI,Rudenim Tanjung Pinang,IDC,ID-KR,Tanjung Pinang,2010-01,
        IDC-JKT,Rudenim Jakarta,idc,id-jk,Jakarta,2010-01,
        CH-MDN,Community housing Medan,COMMUNITY,ID-SU,Medan,2011-01,
        SH-JKT,Shelter Jakarta,SHELTER,ID-JK,Jakarta,2010-01,
        IDC-OLD,Closed centre,IDC,ID-RI,Pekanbaru,2010-01,2011-06

        """

    init(registry: String? = Fixture.registry) {
        root = makeTemporaryFolder()
        mkdir(input, 0o755)
        if let registry { write("facilities.csv", registry) }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) { write(path, Array(text.utf8)) }

    func write(_ path: String, _ bytes: [UInt8]) {
        let full = input + "/" + path
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
    }

    func judge(maxRejectRate: Double = 0.2) throws -> JudgedRun {
        try Pipeline.judge(input: input, options: JudgeOptions(maxRejectRate: maxRejectRate, threads: 2))
    }

    /// Issues as `code file:line field case_id`, sorted as in issues.csv; file-rule tests leave
    /// out the missing submissions their small folders cause.
    func issues(maxRejectRate: Double = 0.2, except: Set<IssueCode> = [.MISSING_SUBMISSION]) throws -> [String] {
        try judge(maxRejectRate: maxRejectRate).issues.filter { !except.contains($0.code) }
            .sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary)
    }
}

extension CaseloadCore.Issue {
    var summary: String {
        var s = code.rawValue
        if let f = file { s += " \(f)" + (line.map { ":\($0)" } ?? "") }
        if file == nil, let fac = facility { s += " \(fac) \(period ?? "")" }
        if let f = field { s += " \(f)" }
        if let c = caseID { s += " \(c)" }
        return s
    }
}

enum Rows {
    static let detentionHeader = "case_id,unhcr_id,family_name,given_name,sex,birth_date,nationality,arrival_date,interception,status,status_date,unaccompanied_minor,vulnerabilities,services"

    /// A detention row; `n` makes the case id.
    static func detention(
        _ n: Int, sex: String = "M", birth: String = "1989", nationality: String = "AFG", arrival: String = "2011-11-02",
        status: String = "PENDING_RSD", statusDate: String = "", unhcr: String = "", family: String = "Rahimi", given: String = "Ali"
    ) -> String {
        "\(caseID(n)),\(unhcr),\(family),\(given),\(sex),\(birth),\(nationality),\(arrival),SEA,\(status),\(statusDate),N,,FOOD"
    }

    static func caseID(_ n: Int) -> String {
        let s = String(n)
        return "IDN-2011-" + String(repeating: "0", count: 6 - s.count) + s
    }

    static func detentionFile(_ rows: [String]) -> String { ([detentionHeader] + rows).joined(separator: "\n") + "\n" }

    static let shelterHeader = "case_id,family_name,given_name,sex,birth_date,nationality,identification_date,admission_date,discharge_date,exploitation,sector,exploitation_country,referral,assistance,consent_to_share"

    static func shelter(
        _ n: Int, sex: String = "F", birth: String = "1990-05-17", nationality: String = "IDN", admission: String = "2012-03-01",
        family: String = "Lestari", given: String = "Siti"
    ) -> String {
        "\(caseID(n)),\(family),\(given),\(sex),\(birth),\(nationality),\(admission),\(admission),,LABOUR,DOMESTIC_WORK,MYS,POLICE,MEDICAL;PSYCHOSOCIAL,Y"
    }

    static func shelterFile(_ rows: [String]) -> String { ([shelterHeader] + rows).joined(separator: "\n") + "\n" }

    static func detentionXML(facility: String = "IDC-TPI", period: String = "2012-03", revision: String? = nil, _ migrants: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <submission xmlns="urn:iom-idn:caseload:submission:1" kind="detention" facility="\(facility)" period="\(period)"\(revision.map { " revision=\"\($0)\"" } ?? "")>
        \(migrants.joined(separator: "\n"))
        </submission>

        """
    }

    static func migrantXML(_ n: Int, sex: String = "M") -> String {
        "  <migrant><caseId>\(caseID(n))</caseId><sex>\(sex)</sex><birthDate>1989</birthDate><nationality>AFG</nationality><arrivalDate>2011-11-02</arrivalDate><status>PENDING_RSD</status></migrant>"
    }
}
