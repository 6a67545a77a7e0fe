import CaseloadCore
import Testing
@testable import Emit

struct CSVWriterTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
        ("|cmd", "'|cmd"), ("%x", "'%x"), ("  =1", "'  =1"), ("\u{1}=1", "'\u{1}=1"), ("\tx", "'\tx"), ("a=1", "a=1"),
        ("'quoted' = value", "'quoted' = value"), ("", ""), ("IDN-2011-004512", "IDN-2011-004512"),
    ])
    func formulasAreNeutralised(_ input: String, _ expected: String) {
        #expect(CSVWriter.neutralised(input) == expected)
    }

    @Test(arguments: [
        ("plain", "plain"), ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        (" lead", "\" lead\""), ("trail ", "\"trail \""), ("in side", "in side"), ("cr\r", "\"cr\r\""),
    ])
    func quotingOnlyWhereNeeded(_ input: String, _ expected: String) {
        #expect(CSVWriter.field(input) == expected)
    }

    @Test func numbersAreNotNeutralised() {
        var w = CSVWriter(header: ["a", "b"])
        w.row([.number(-3), .text("-3")])
        #expect(String(decoding: w.bytes, as: UTF8.self) == "a,b\n-3,'-3\n")
    }

    @Test func issuesCSVColumnsAndNeutralisation() {
        let issues = [
            Issue(
                .CODE, file: "2012/03/detention_IDC-TPI_2012-03.csv", line: 4, facility: "IDC-TPI", period: "2012-03",
                caseID: "=HYPERLINK(\"http://x\")", field: "sex", message: "'=HYPERLINK(\"http://x\")' is not one of F, M, X"),
            Issue(.MISSING_SUBMISSION, facility: "CH-MDN", period: "2012-02", message: "no detention submission of CH-MDN for 2012-02 was accepted"),
            Issue(.SUPERSEDED, file: "2012/03/detention_IDC-TPI_2012-03.csv", facility: "IDC-TPI", period: "2012-03", message: "revision 2 is used instead"),
        ]
        let text = String(decoding: IssuesCSV.render(issues), as: UTF8.self)
        #expect(
            text == """
                severity,code,file,line,facility,period,case_id,field,message
                info,SUPERSEDED,2012/03/detention_IDC-TPI_2012-03.csv,,IDC-TPI,2012-03,,,revision 2 is used instead
                error,CODE,2012/03/detention_IDC-TPI_2012-03.csv,4,IDC-TPI,2012-03,"'=HYPERLINK(""http://x"")",sex,"'=HYPERLINK(""http://x"")' is not one of F, M, X"
                warning,MISSING_SUBMISSION,,,CH-MDN,2012-02,,,no detention submission of CH-MDN for 2012-02 was accepted

                """)
    }
}
