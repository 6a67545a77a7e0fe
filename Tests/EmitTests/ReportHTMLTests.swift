import CaseloadCore
import Foundation
import Testing
@testable import Emit

struct ReportHTMLUnitTests {
    static func figures() -> PeriodFigures {
        let supported = IndicatorFigures(
            name: "supported",
            dimensions: IndicatorCatalogue.migrants[0].dimensions.map {
                DimensionFigures(name: $0, multiValued: IndicatorCatalogue.multiValued.contains($0), counts: [:])
            })
        var s = supported
        s.dimensions[0].counts = ["ALL": 1234]
        s.dimensions[6].counts = ["<b>X</b>": 1234]
        return PeriodFigures(period: Period("2012-03")!, migrants: [s], victims: [], caseload: [])
    }

    @Test func writtenBackValuesAreEscapedAndCut() {
        let quality = DataQuality(
            files: [], recordsAccepted: 1, recordsRejected: 0, issues: [], missing: [(kind: "detention", facility: "IDC-TPI")],
            rejectedFiles: [(path: "a/<x>.csv", code: "CSV_SYNTAX", message: "a quoted field \"<never>\" closed")])
        let html = String(
            decoding: ReportHTML.render(
                Self.figures(),
                context: .init(
                    history: [Self.figures()], quality: quality,
                    facilityNames: ["IDC-TPI": "<script>alert(1)</script>" + String(repeating: "z", count: 60)])), as: UTF8.self)
        #expect(!html.contains("<script>") && !html.contains("<b>X</b>") && !html.contains("<x>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;" + String(repeating: "z", count: 15) + "…"))
        #expect(html.contains("<code>a/&lt;x&gt;.csv</code>: <strong>CSV_SYNTAX</strong> a quoted field &quot;&lt;never&gt;&quot; closed"))
        #expect(html.contains("data-figure=\"migrants/supported/total/ALL\" data-value=\"1234\">1,234<"))
        #expect(html.contains("No shelter submission was accepted for March 2012."))
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
    }

    @Test func monthNames() {
        #expect(ReportHTML.monthName(Period("2012-03")!) == "March 2012")
        #expect(ReportHTML.monthName(Period("2010-12")!) == "December 2010")
    }
}
