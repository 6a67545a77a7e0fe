import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// Every point of "Hostile input" in validation.md.
struct HostileInputTests {
    let good = Rows.detentionFile([Rows.detention(1)])

    /// A secret outside the input folder; tests check it is never opened and never written back.
    static func secret(_ f: Fixture) -> String {
        let p = f.root + "/secret.txt"
        _ = FileManager.default.createFile(atPath: p, contents: Data("case_id\nTOP-SECRET-LINE\n".utf8))
        return p
    }

    @Test func linksAreNeverFollowed() throws {
        let f = Fixture()
        let secret = Self.secret(f)
        mkdir(f.root + "/outside", 0o755)
        _ = FileManager.default.createFile(atPath: f.root + "/outside/detention_IDC-JKT_2012-03.csv", contents: Data(good.utf8))
        symlink(secret, f.input + "/detention_IDC-TPI_2012-03.csv")
        symlink(f.root + "/outside", f.input + "/linked-folder")
        symlink(secret, f.input + "/secret-link")
        f.write("detention_CH-MDN_2012-03.csv", good)
        var issues: [String] = []
        let opened = openedWhile(secret) { issues = (try? f.issues()) ?? [] }
        #expect(
            issues == [
                "UNREADABLE detention_IDC-TPI_2012-03.csv",
                "FILE_NAME linked-folder",
                "FILE_NAME secret-link",
            ])
        #expect(!opened)
        let j = try f.judge()
        #expect(j.issues.first { $0.code == .UNREADABLE }!.message == "a symbolic link is never followed")
        #expect(!j.files.contains { $0.path.contains("outside") })
    }

    @Test func fifosSocketsAndDevicesAreNeverOpened() throws {
        let f = Fixture()
        #expect(mkfifo(f.input + "/detention_IDC-TPI_2012-03.csv", 0o644) == 0)
        #expect(mkfifo(f.input + "/fifo", 0o644) == 0)
        #expect(mknod(f.input + "/detention_IDC-JKT_2012-03.csv", S_IFCHR | 0o644, dev_t((1 << 8) | 3)) == 0)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let path = f.input + "/detention_CH-MDN_2012-03.xml"
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in path.utf8.enumerated() { raw[i] = b }
        }
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(bound == 0)
        let got = try f.issues()
        #expect(
            got == [
                "UNREADABLE detention_CH-MDN_2012-03.xml",
                "UNREADABLE detention_IDC-JKT_2012-03.csv",
                "UNREADABLE detention_IDC-TPI_2012-03.csv",
                "FILE_NAME fifo",
            ])
        let messages = try f.judge().issues.filter { $0.code == .UNREADABLE }.map(\.message).sorted()
        #expect(messages == ["a FIFO is never opened", "a device is never opened", "a socket is never opened"])
    }

    @Test func aFileOverOneGibibyteIsJudgedBySizeAlone() throws {
        let f = Fixture()
        let path = f.input + "/detention_IDC-TPI_2012-03.csv"
        let fd = open(path, O_CREAT | O_WRONLY, 0o644)
        #expect(ftruncate(fd, (1 << 30) + 1) == 0)  // sparse: no disk used
        close(fd)
        var issues: [CaseloadCore.Issue] = []
        let opened = openedWhile(path) { issues = (try? f.judge().issues) ?? [] }
        #expect(issues.map(\.summary) == ["TOO_LARGE detention_IDC-TPI_2012-03.csv"])
        #expect(issues[0].line == nil)
        #expect(!opened)
    }

    @Test func csvLimitsEndTheReadingAtOnce() throws {
        let f = Fixture()
        // An unterminated quote in a big file is TOO_LARGE, in a small one CSV_SYNTAX.
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionHeader + "\n" + Rows.detention(1) + "\n\"" + String(repeating: "x,\n", count: 400_000))
        f.write("detention_IDC-TPI_2012-02.csv", Rows.detentionHeader + "\n\"" + String(repeating: "x,\n", count: 10))
        f.write("detention_IDC-JKT_2012-03.csv", "\n\n" + (0...1000).map { "c\($0)" }.joined(separator: ",") + "\n")
        f.write("detention_CH-MDN_2012-03.csv", Rows.detentionHeader + "\n" + String(repeating: "\n", count: 2_000_000))
        #expect(
            try f.issues() == [
                "NO_RECORDS detention_CH-MDN_2012-03.csv",
                "TOO_LARGE detention_IDC-JKT_2012-03.csv:3",
                "CSV_SYNTAX detention_IDC-TPI_2012-02.csv:2",
                "TOO_LARGE detention_IDC-TPI_2012-03.csv:3",
            ])
    }

    @Test func bytesThatAreNotText() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Array((Rows.detentionHeader + "\n" + Rows.detention(1) + "\n").utf8) + [0] + Array("\n".utf8))
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03] + [UInt8](repeating: 0xED, count: 64)
        f.write("detention_IDC-JKT_2012-03.xml", gzip)
        f.write("detention_CH-MDN_2012-03.csv", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00])  // an ELF binary renamed .csv
        f.write("detention_IDC-TPI_2012-02.csv", Array("case_id\n".utf8) + [0xE2, 0x82])  // truncated UTF-8
        #expect(
            try f.issues() == [
                "ENCODING detention_CH-MDN_2012-03.csv:1",
                "ENCODING detention_IDC-JKT_2012-03.xml:1",
                "ENCODING detention_IDC-TPI_2012-02.csv:2",
                "ENCODING detention_IDC-TPI_2012-03.csv:3",
            ])
    }

    @Test func namesThatAreNotUTF8() throws {
        let f = Fixture()
        // "detention_IDC-TPI_2012-03\xFF.csv" and a folder "bad\xC3(" with a good name inside.
        let name: [UInt8] = Array("detention_IDC-TPI_2012-03".utf8) + [0xFF] + Array(".csv".utf8)
        let folder: [UInt8] = Array("bad".utf8) + [0xC3, 0x28]
        func cPath(_ bytes: [UInt8]) -> [CChar] { (Array(f.input.utf8) + [0x2F] + bytes + [0]).map { CChar(bitPattern: $0) } }
        let fd = open(cPath(name), O_CREAT | O_WRONLY, 0o644)
        close(fd)
        #expect(mkdir(cPath(folder), 0o755) == 0)
        let inner = open(cPath(folder + Array("/detention_IDC-JKT_2012-03.csv".utf8)), O_CREAT | O_WRONLY, 0o644)
        _ = good.withCString { write(inner, $0, strlen($0)) }
        close(inner)
        f.write("detention_CH-MDN_2012-03.csv", good)
        let j = try f.judge()
        #expect(
            j.issues.filter { $0.code != .MISSING_SUBMISSION }.sorted(by: CaseloadCore.Issue.sortOrder).map(\.summary) == [
                "FILE_NAME bad\u{FFFD}(/detention_IDC-JKT_2012-03.csv",
                "FILE_NAME detention_IDC-TPI_2012-03\u{FFFD}.csv",
            ])
    }

    @Test func whatIsWrittenBackIsCutAndCleaned() throws {
        let f = Fixture()
        let longID = "IDN-" + String(repeating: "9", count: 60)
        f.write(
            "detention_IDC-TPI_2012-03.csv",
            Rows.detentionFile(
                [
                    Rows.detention(1, sex: "\"=HYPERLINK(\"\"http://x\"\")\""), longID + Rows.detention(2).dropFirst(15), "ID\u{1}N-2011-000003" + Rows.detention(3).dropFirst(15),
                ] + (4...15).map { Rows.detention($0) }))
        f.write("detention_IDC-JKT_2012-03.csv", Rows.detentionHeader + ",\"bad\u{7}col\"\n")
        f.write("x\ny.csv", "")
        let j = try f.judge()
        let issues = j.issues.filter { $0.code != .MISSING_SUBMISSION }.sorted(by: CaseloadCore.Issue.sortOrder)
        #expect(
            issues.map(\.summary) == [
                "NO_RECORDS detention_IDC-JKT_2012-03.csv",
                "UNKNOWN_COLUMN detention_IDC-JKT_2012-03.csv:1 bad\u{FFFD}col",
                "CODE detention_IDC-TPI_2012-03.csv:2 sex IDN-2011-000001",
                "FORMAT detention_IDC-TPI_2012-03.csv:3 case_id " + String(longID.unicodeScalars.prefix(40)) + "…",
                "FORMAT detention_IDC-TPI_2012-03.csv:4 case_id ID\u{FFFD}N-2011-000003",
                "FILE_NAME x\u{FFFD}y.csv",
            ])
        #expect(issues[2].message == "'=HYPERLINK(\"http://x\")' is not one of F, M, X")
        #expect(issues[3].message == "'" + String(longID.unicodeScalars.prefix(40)) + "…' is not an IOM case number like IDN-2011-004512")
        // In issues.csv the formula is neutralised.
        let csv = String(decoding: IssuesCSVText.render(j.issues), as: UTF8.self)
        #expect(csv.contains(",sex,\"'=HYPERLINK(\"\"http://x\"\")' is not one of F, M, X\"\n"))
    }

    @Test func theRegistryIsChecked() throws {
        let bad: [(String, String)] = [
            ("facility_code,name,kind,province,city\nIDC-TPI,x,IDC,ID-KR,y\n", "required column 'opened' is missing"),
            ("facility_code,name,kind,province,city,opened\nidc-tpi,x,IDC,ID-KR,y,2010-01\n", "does not match"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,x,JAIL,ID-KR,y,2010-01\n", "kind:"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,x,IDC,ID-ZZ,y,2010-01\n", "province:"),
            ("facility_code,name,kind,province,city,opened,closed\nIDC-TPI,x,IDC,ID-KR,y,2010-01,2009-12\n", "before opened"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,x,IDC,ID-KR,y,2010-01\nIDC-TPI,x,IDC,ID-KR,y,2010-01\n", "already defined on line 2"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,x,IDC,ID-KR,y,2010-13\n", "opened:"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,,IDC,ID-KR,y,2010-01\n", "name: a value is required"),
            ("facility_code,name,kind,province,city,opened\nIDC-TPI,\"open\n", "never closed"),
        ]
        for (text, expected) in bad {
            let f = Fixture(registry: text)
            #expect(throws: ConfigurationError.self) { try f.judge() }
            do { _ = try f.judge() } catch { #expect("\(error)".contains(expected), "\(error)") }
        }
        // A header alone is a valid registry; blank rows and unknown columns are ignored.
        let empty = Fixture(registry: "facility_code,name,kind,province,city,opened,closed,notes\n\n")
        #expect(try empty.judge().registry.facilities.isEmpty)
        // A link, even to a good registry, is a configuration error.
        let linked = Fixture(registry: nil)
        let real = linked.root + "/facilities.csv"
        _ = FileManager.default.createFile(atPath: real, contents: Data(Fixture.registry.utf8))
        symlink(real, linked.input + "/facilities.csv")
        #expect(throws: ConfigurationError.self) { try linked.judge() }
        let missing = Fixture(registry: nil)
        #expect(throws: ConfigurationError.self) { try missing.judge() }
    }

    @Test func theOutputMayNotLieInsideTheInputNorContainIt() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", good)
        for output in [f.input + "/out", f.input, f.root, f.input + "/../Input/x"] {
            var o = RunOptions()
            o.input = f.input
            o.output = output
            #expect(Pipeline.run(o).exitCode == 2, "\(output)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.input + "/out"))
    }
}

/// Re-export for the written-back test (the Emit module's renderer).
import Emit
enum IssuesCSVText {
    static func render(_ issues: [CaseloadCore.Issue]) -> [UInt8] { IssuesCSV.render(issues) }
}
