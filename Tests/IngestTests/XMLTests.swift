import CaseloadCore
import Foundation
import Testing
import TestSupport
@testable import Ingest
#if canImport(Glibc)
    import Glibc
#endif

/// A record's line and values, copied out of the reader's buffer (list items joined by NUL).
struct SeenRecord {
    var line: Int
    var values: [Field: String]
    subscript(_ f: Field) -> String? { values[f] }
}

func readXML(_ text: String, name: String = "detention_IDC-TPI_2012-03.xml") -> (XMLSubmissionReader.Outcome, [SeenRecord]) {
    readXML(Array(text.utf8), name: name)
}

func readXML(_ bytes: [UInt8], name: String = "detention_IDC-TPI_2012-03.xml") -> (XMLSubmissionReader.Outcome, [SeenRecord]) {
    var records: [SeenRecord] = []
    let o = bytes.withUnsafeBufferPointer { b in
        XMLSubmissionReader.read(b, name: FileName(name)!) { e in
            if case .record(let r) = e {
                var values: [Field: String] = [:]
                for f in Field.allCases { if let v = r[f] { values[f] = String(decoding: v, as: UTF8.self) } }
                records.append(SeenRecord(line: r.line, values: values))
            }
        }
    }
    return (o, records)
}

let ns = "urn:iom-idn:caseload:submission:1"
func submission(_ body: String, attributes: String = "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\"", prolog: String = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") -> String {
    prolog + "<submission xmlns=\"\(ns)\" \(attributes)>\n" + body + "</submission>\n"
}

struct XMLReaderTests {
    @Test func recordsWithTheirLinesAndValues() throws {
        let (o, records) = readXML(
            submission(
                """
                  <migrant>
                    <caseId> IDN-2011-004512 </caseId>
                    <sex>m</sex><birthDate>1989</birthDate>
                    <familyName><![CDATA[Rahimi & sons]]></familyName>
                    <services><code>MEDICAL</code><code> </code><code>FOOD</code></services>
                    <vulnerabilities/>
                  </migrant>
                  <migrant
                     ><caseId>IDN-2011-004513</caseId></migrant>

                """))
        #expect(o.findings.isEmpty && !o.rejected)
        #expect(records.map(\.line) == [3, 10])
        #expect(records[0][.case_id] == "IDN-2011-004512")
        #expect(records[0][.sex] == "m")
        #expect(records[0][.family_name] == "Rahimi & sons")
        #expect(records[0][.services] == "MEDICAL\u{0}FOOD")
        #expect(records[0][.vulnerabilities] == nil)
        #expect(o.envelope == .init(kind: "detention", facility: "IDC-TPI", period: "2012-03", revision: nil))
    }

    @Test func anyPrefixAndXsiAttributesAreFine() {
        let text = """
            <?xml version="1.0"?>
            <s:submission xmlns:s="\(ns)" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="\(ns) http://127.0.0.1:9/x.xsd" kind="shelter" facility="SH-JKT" period="2012-03" revision="+02">
              <s:victim><s:caseId>IDN-2012-500001</s:caseId><s:assistance><s:code>MEDICAL</s:code></s:assistance></s:victim>
            </s:submission>
            """
        let (o, records) = readXML(text, name: "shelter_SH-JKT_2012-03_r2.xml")
        #expect(o.findings.isEmpty)
        #expect(records.count == 1)
        #expect(LibXML.externalLoadAttempts == 0)
    }

    @Test func theDeclaredEncodingIsIgnored() {
        let (o, records) = readXML(
            submission(
                "<migrant><familyName>Müller</familyName></migrant>\n",
                prolog: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"))
        #expect(o.findings.isEmpty)
        #expect(records.first?[.family_name] == "Müller")
    }

    struct Bad: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var file = "detention_IDC-TPI_2012-03.xml"
        var code: IssueCode
        var line: Int?
        var message: String? = nil
        var testDescription: String { name }
    }

    static let bad: [Bad] = [
        Bad(name: "unknown element", text: submission("<migrant><caseId>X</caseId><bogus/></migrant>\n"), code: .XML_SCHEMA, line: 3),
        Bad(name: "element twice", text: submission("<migrant>\n<sex>M</sex>\n<sex>F</sex></migrant>\n"), code: .XML_SCHEMA, line: 5),
        Bad(name: "attribute on a field", text: submission("<migrant><sex lang=\"en\">M</sex></migrant>\n"), code: .XML_SCHEMA, line: 3),
        Bad(name: "text in a list", text: submission("<migrant><services>FOOD</services></migrant>\n"), code: .XML_SCHEMA, line: 3),
        Bad(name: "element inside a field", text: submission("<migrant><sex><b>M</b></sex></migrant>\n"), code: .XML_SCHEMA, line: 3),
        Bad(name: "victim in a detention file", text: submission("<victim/>\n"), code: .XML_SCHEMA, line: 3),
        Bad(name: "unknown root attribute", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\" foo=\"1\""), code: .XML_SCHEMA, line: 2),
        Bad(name: "missing kind", text: submission("", attributes: "facility=\"IDC-TPI\" period=\"2012-03\""), code: .XML_SCHEMA, line: 2),
        Bad(name: "period of the wrong form", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-3\""), code: .XML_SCHEMA, line: 2),
        Bad(name: "revision zero", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\" revision=\"0\""), code: .XML_SCHEMA, line: 2),
        Bad(name: "wrong namespace", text: "<submission xmlns=\"urn:other\" kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\"/>", code: .XML_SCHEMA, line: 1),
        Bad(
            name: "kind disagrees", text: submission("", attributes: "kind=\"shelter\" facility=\"IDC-TPI\" period=\"2012-03\""), code: .ENVELOPE_MISMATCH, line: nil,
            message: "the root element says kind='shelter' but the file name says 'detention'"),
        Bad(name: "facility disagrees", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-JKT\" period=\"2012-03\""), code: .ENVELOPE_MISMATCH, line: nil),
        Bad(name: "period disagrees", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-02\""), code: .ENVELOPE_MISMATCH, line: nil),
        Bad(
            name: "revision disagrees", text: submission("", attributes: "kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\" revision=\"2\""), code: .ENVELOPE_MISMATCH, line: nil,
            message: "the root element says revision='2' but the file name says '1'"),
        Bad(name: "revision missing for r2", text: submission(""), file: "detention_IDC-TPI_2012-03_r2.xml", code: .ENVELOPE_MISMATCH, line: nil),
        Bad(name: "not well-formed", text: submission("<migrant>\n<sex>M</sex>\n"), code: .XML_MALFORMED, line: 5),
        Bad(name: "malformed wins over an earlier schema error", text: submission("<bogus/>\n<migrant>\n</migrnt>\n"), code: .XML_MALFORMED, line: 5),
        Bad(name: "undeclared prefix", text: submission("<x:migrant/>\n"), code: .XML_MALFORMED, line: 3),
        Bad(name: "two roots", text: submission("") + "<submission/>", code: .XML_MALFORMED, line: 4),
        Bad(name: "no bytes", text: "", code: .EMPTY_FILE, line: nil),
        Bad(name: "only white space", text: "  \n", code: .XML_MALFORMED, line: 2),
        Bad(name: "unknown entity", text: submission("<migrant><sex>&bogus;</sex></migrant>\n"), code: .XML_MALFORMED, line: 3),
    ]

    @Test(arguments: bad)
    func fileRules(_ c: Bad) {
        let (o, _) = readXML(c.text, name: c.file)
        #expect(o.rejected)
        #expect(o.findings.map(\.code) == [c.code])
        #expect(o.findings.first?.line == c.line)
        if let m = c.message { #expect(o.findings.first?.message == m) }
    }

    @Test func malformedMessagesCarryTheParsersWordsAndColumn() {
        let (o, _) = readXML(submission("<migrant>\n</migrnt>\n"))
        #expect(o.findings.first?.message == "column 10: Opening and ending tag mismatch: migrant line 3 and migrnt")
    }

    @Test func bytesThatAreNotUTF8() throws {
        // UTF-16 with its byte-order mark, and a gzip stream renamed .xml: never decoded, never inflated.
        let utf16: [UInt8] = [0xFF, 0xFE] + submission("").utf16.flatMap { (u: UInt16) -> [UInt8] in [UInt8(u & 0xFF), UInt8(u >> 8)] }
        #expect(readXML(utf16).0.findings.map(\.code) == [.ENCODING])
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4B, 0x4C, 0x4A, 0x06, 0x00]
        let g = readXML(gzip).0.findings
        #expect(g.map(\.code) == [.ENCODING] && g[0].line == 1)
        let nul = readXML(Array(submission("<migrant/>\n").utf8) + [0]).0.findings
        #expect(nul.map(\.code) == [.ENCODING] && nul[0].line == 5)
    }

    @Test func libxml2LimitsAreKept() {
        let deep = String(repeating: "<migrant>", count: 300) + String(repeating: "</migrant>", count: 300)
        #expect(readXML(submission(deep)).0.findings.map(\.code) == [.XML_MALFORMED])
        let huge = "<migrant><familyName>" + String(repeating: "a", count: 10_000_001) + "</familyName></migrant>"
        #expect(readXML(submission(huge)).0.findings.map(\.code) == [.XML_MALFORMED])
        let longName = "<" + String(repeating: "n", count: 50_001) + "/>"
        #expect(readXML(submission(longName)).0.findings.map(\.code) == [.XML_MALFORMED])
    }

    @Test func errorsPastLine70000KeepTheirTrueLine() {
        var body = ""
        for i in 0..<14_000 {
            body += "<migrant>\n<caseId>IDN-2011-\(String(format: "%06d", i))</caseId>\n<sex>M</sex>\n<status>PENDING_RSD</status>\n</migrant>\n"
        }
        let last = 2 + 14_000 * 5  // the last line of the last record: 70,002
        let (schema, records) = readXML(submission(body + "<migrant>\n<bogus/>\n</migrant>\n"))
        // (The file is rejected, so its records do not count; their lines are right all the same.)
        #expect(records.count == 14_001)
        #expect(records[13_999].line == 69_998 && records[14_000].line == last + 1)
        #expect(schema.findings.map(\.code) == [.XML_SCHEMA])
        #expect(schema.findings.first?.line == last + 2)
        let (malformed, _) = readXML(submission(body + "<migrant>\n<sex>M</sex>\n</migrnt>\n"))
        #expect(malformed.findings.map(\.code) == [.XML_MALFORMED])
        #expect(malformed.findings.first?.line == 70_005)
    }
}

struct XMLAttackTests {
    static let secretPath: String = {
        let p = makeTemporaryFolder("caseload-secret") + "/secret.txt"
        _ = FileManager.default.createFile(atPath: p, contents: Data("TOP-SECRET-7f3a".utf8))
        return p
    }()

    static func attacks() -> [(String, String)] {
        let s = secretPath
        return [
            (
                "XXE aimed at a local file",
                """
                <?xml version="1.0"?>
                <!DOCTYPE submission [ <!ENTITY xxe SYSTEM "file://\(s)"> ]>
                <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03"><migrant><caseId>&xxe;</caseId></migrant></submission>
                """
            ),
            (
                "billion laughs",
                """
                <?xml version="1.0"?>
                <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
                <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"><!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
                <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"><!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
                <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"><!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
                <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03"><migrant><familyName>&lol9;</familyName></migrant></submission>
                """
            ),
            (
                "quadratic blowup",
                "<?xml version=\"1.0\"?>\n<!DOCTYPE submission [<!ENTITY a \"" + String(repeating: "x", count: 100_000) + "\">]>\n<submission xmlns=\"\(ns)\" kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\"><migrant><familyName>"
                    + String(repeating: "&a;", count: 50_000) + "</familyName></migrant></submission>"
            ),
            (
                "external DTD",
                """
                <?xml version="1.0"?>
                <!DOCTYPE submission SYSTEM "file://\(s)">
                <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03"/>
                """
            ),
            (
                "external DTD over the network",
                """
                <?xml version="1.0"?>
                <!DOCTYPE submission PUBLIC "-//X//DTD X//EN" "http://127.0.0.1:9/x.dtd">
                <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03"/>
                """
            ),
            (
                "parameter entity",
                """
                <?xml version="1.0"?>
                <!DOCTYPE submission [<!ENTITY % p SYSTEM "file://\(s)"> %p;]>
                <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03"/>
                """
            ),
            ("doctype after a comment", "<?xml version=\"1.0\"?>\n<!-- hi -->\n<!DOCTYPE submission>\n<submission xmlns=\"\(ns)\" kind=\"detention\" facility=\"IDC-TPI\" period=\"2012-03\"/>"),
        ]
    }

    @Test func everyDocumentTypeDeclarationIsRejectedAndNothingIsOpened() {
        for (name, text) in Self.attacks() {
            var outcome: XMLSubmissionReader.Outcome?
            var records: [SeenRecord] = []
            let opened = openedWhile(Self.secretPath) { (outcome, records) = readXML(text) }
            #expect(outcome?.findings.map(\.code) == [.XML_DOCTYPE], "\(name)")
            #expect(outcome?.findings.first?.line == (name == "doctype after a comment" ? 3 : 2), "\(name)")
            #expect(records.isEmpty, "\(name)")
            #expect(!opened, "\(name): the secret file was opened")
        }
        #expect(LibXML.externalLoadAttempts == 0)
    }
}

struct SchemaFileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: SubmissionKind.allCases)
    func publishedSchemasAreTheBuiltInOnes(_ kind: SubmissionKind) throws {
        let published = try String(contentsOf: Self.root.appendingPathComponent("docs/schemas/\(kind.rawValue).xsd"), encoding: .utf8)
        #expect(published == SubmissionSchema.xsd(for: kind))
    }

    /// The sample's XML files pass `xmllint --schema` with the published XSDs, as they pass caseload.
    @Test func xmllintAcceptsTheSamplesXML() throws {
        let xmllint = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
        let tool = try #require(xmllint, "xmllint is missing: `make test` installs libxml2-utils")
        let input = Self.root.appendingPathComponent("Input")
        let files = FileManager.default.enumerator(atPath: input.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".xml") }.sorted()
        #expect(files.count > 20)
        for kind in SubmissionKind.allCases {
            let mine = files.filter { $0.contains("/\(kind.rawValue)_") }
            #expect(!mine.isEmpty)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = ["--noout", "--nonet", "--schema", Self.root.appendingPathComponent("docs/schemas/\(kind.rawValue).xsd").path] + mine.map { input.appendingPathComponent($0).path }
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "xmllint rejected a \(kind) file")
        }
    }
}

/// The fast pass checks the XSD's structure by hand and asks libxml2 only when something is
/// wrong or unusual. Its "valid" must never be libxml2's "invalid", nor the other way round.
struct StructureCheckTests {
    static let base = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- a comment -->
        <submission xmlns="\(ns)" kind="detention" facility="IDC-TPI" period="2012-03">
          <?pi data?>
          <migrant>
            <caseId>IDN-2011-004512</caseId><sex>M</sex>
            <services><code>FOOD</code> <code/><!-- c --></services>
            <familyName><![CDATA[A & B]]></familyName>
          </migrant>
          <migrant/>
        </submission>
        """

    static let mutations: [(String, String, String)] = [
        ("unchanged", "", ""),
        ("revision +01", "period=\"2012-03\">", "period=\"2012-03\" revision=\" +01 \">"),
        ("revision 0", "period=\"2012-03\">", "period=\"2012-03\" revision=\"0\">"),
        ("revision x", "period=\"2012-03\">", "period=\"2012-03\" revision=\"x\">"),
        ("revision 007", "period=\"2012-03\">", "period=\"2012-03\" revision=\"007\">"),
        ("kind wrong", "kind=\"detention\"", "kind=\"Detention\""),
        ("kind shelter", "kind=\"detention\"", "kind=\"shelter\""),
        ("period 13", "period=\"2012-03\"", "period=\"2012-13\""),
        ("period 00", "period=\"2012-03\"", "period=\"2012-00\""),
        ("period short", "period=\"2012-03\"", "period=\"12-03\""),
        ("no facility", "facility=\"IDC-TPI\" ", ""),
        ("extra attribute", "kind=\"detention\"", "kind=\"detention\" x=\"1\""),
        ("foreign attribute", "kind=\"detention\"", "kind=\"detention\" xmlns:o=\"urn:o\" o:x=\"1\""),
        ("xsi:schemaLocation", "kind=\"detention\"", "kind=\"detention\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:a b\""),
        ("xsi:type on a field", "<sex>M</sex>", "<sex xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"x\">M</sex>"),
        ("attribute on a field", "<sex>M</sex>", "<sex a=\"1\">M</sex>"),
        ("attribute on a record", "<migrant>", "<migrant a=\"1\">"),
        ("xml:lang on a field", "<sex>M</sex>", "<sex xml:lang=\"en\">M</sex>"),
        ("field twice", "<sex>M</sex>", "<sex>M</sex><sex>F</sex>"),
        ("unknown field", "<sex>M</sex>", "<colour>red</colour>"),
        ("victim in detention", "<migrant/>", "<victim/>"),
        ("text in the root", "<migrant/>", "<migrant/>oops"),
        ("text in a record", "<sex>M</sex>", "<sex>M</sex>oops"),
        ("entity text in a record", "<sex>M</sex>", "<sex>M</sex>&amp;"),
        ("char reference space", "<sex>M</sex>", "<sex>M</sex>&#32;"),
        ("text in a list", "<code>FOOD</code> ", "<code>FOOD</code> x"),
        ("CDATA space in a list", "<code>FOOD</code> ", "<code>FOOD</code><![CDATA[ ]]>"),
        ("CDATA text in a record", "<sex>M</sex>", "<sex>M</sex><![CDATA[x]]>"),
        ("element in a field", "<sex>M</sex>", "<sex><b>M</b></sex>"),
        ("element in a code", "<code>FOOD</code>", "<code><b/>FOOD</code>"),
        ("not code in a list", "<code>FOOD</code>", "<item>FOOD</item>"),
        ("code outside a list", "<sex>M</sex>", "<sex>M</sex><code>x</code>"),
        ("field without namespace", "<sex>M</sex>", "<sex xmlns=\"\">M</sex>"),
        ("prefixed namespace", "<sex>M</sex>", "<s:sex xmlns:s=\"\(ns)\">M</s:sex>"),
        ("other namespace root", "xmlns=\"\(ns)\"", "xmlns=\"urn:other\""),
        ("other root", "<submission xmlns", "<submissions xmlns"),
        ("deeper", "<migrant/>", "<migrant><services><code><x/></code></services></migrant>"),
        ("empty list", "<migrant/>", "<migrant><services/><vulnerabilities></vulnerabilities></migrant>"),
        ("every detention field", "<migrant/>", "<migrant>" + SubmissionKind.detention.fields.map { $0.isList ? "<\($0.xmlName)><code>A</code></\($0.xmlName)>" : "<\($0.xmlName)>x</\($0.xmlName)>" }.joined() + "</migrant>"),
        ("a shelter field in detention", "<migrant/>", "<migrant><admissionDate>x</admissionDate></migrant>"),
    ]

    /// What each mutation must give: the hand-written checker's verdict (`uncertain` where it hands
    /// the file to libxml2's XSD validation) and libxml2's own; nil where the text is not well-formed.
    static let expected: [String: (fast: SAXState.Structure, libxml2Valid: Bool)?] = [
        "unchanged": (.valid, true),
        "revision +01": (.valid, true),
        "revision 0": (.invalid, false),
        "revision x": (.invalid, false),
        "revision 007": (.valid, true),
        "kind wrong": (.invalid, false),
        "kind shelter": (.valid, true),
        "period 13": (.invalid, false),
        "period 00": (.invalid, false),
        "period short": (.invalid, false),
        "no facility": (.invalid, false),
        "extra attribute": (.invalid, false),
        "foreign attribute": (.invalid, false),
        "xsi:schemaLocation": (.uncertain, true),
        "xsi:type on a field": (.uncertain, false),
        "attribute on a field": (.invalid, false),
        "attribute on a record": (.invalid, false),
        "xml:lang on a field": (.invalid, false),
        "field twice": (.invalid, false),
        "unknown field": (.invalid, false),
        "victim in detention": (.invalid, false),
        "text in the root": (.invalid, false),
        "text in a record": (.invalid, false),
        "entity text in a record": (.invalid, false),
        "char reference space": (.valid, true),
        "text in a list": (.invalid, false),
        "CDATA space in a list": (.uncertain, false),
        "CDATA text in a record": (.uncertain, false),
        "element in a field": (.invalid, false),
        "element in a code": (.invalid, false),
        "not code in a list": (.invalid, false),
        "code outside a list": (.invalid, false),
        "field without namespace": (.invalid, false),
        "prefixed namespace": (.valid, true),
        "other namespace root": (.invalid, false),
        "other root": nil,
        "deeper": (.invalid, false),
        "empty list": (.valid, true),
        "every detention field": (.valid, true),
        "a shelter field in detention": (.invalid, false),
    ]

    /// Every mutation's verdicts are the expected ones, so a checker that answered "uncertain"
    /// (or anything else) to everything would fail; and where the checker decides alone, it agrees
    /// with libxml2.
    @Test(arguments: mutations.map(\.0))
    func fastVerdictAgreesWithLibxml2(_ name: String) throws {
        let m = Self.mutations.first { $0.0 == name }!
        let text = m.1.isEmpty ? Self.base : Self.base.replacingOccurrences(of: m.1, with: m.2)
        #expect(m.1.isEmpty || text != Self.base, "the mutation \(name) did not apply")
        let v = XMLSubmissionReader.structureVerdicts(text, kind: .detention)
        let want = try #require(Self.expected[name], "no expected verdict for \(name)")
        guard let want else {
            #expect(!v.wellFormed, "\(name) should not be well-formed")
            return
        }
        #expect(v.wellFormed, "\(name) should be well-formed")
        #expect(v.fast == want.fast, "\(name): the checker says \(v.fast), expected \(want.fast)")
        #expect(v.libxml2Valid == want.libxml2Valid, "\(name): libxml2 says \(v.libxml2Valid ? "valid" : "invalid")")
        switch v.fast {
        case .valid: #expect(v.libxml2Valid, "\(name): fast says valid, libxml2 says invalid")
        case .invalid: #expect(!v.libxml2Valid, "\(name): fast says invalid, libxml2 says valid")
        case .uncertain: break
        }
    }

    @Test func everyMutationHasItsExpectedVerdict() {
        #expect(Set(Self.mutations.map(\.0)) == Set(Self.expected.keys))
        // Both answers and the hand-over occur: the table is not one verdict repeated.
        let fast = Set(Self.expected.values.compactMap { $0?.fast })
        #expect(fast == [.valid, .invalid, .uncertain])
    }

    @Test func theBaseIsValidBothWays() {
        let v = XMLSubmissionReader.structureVerdicts(Self.base, kind: .detention)
        #expect(v.fast == .valid && v.libxml2Valid && v.wellFormed)
    }
}
