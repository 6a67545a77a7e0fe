import Foundation
import Testing
#if canImport(Glibc)
    import Glibc
#endif

/// Unattended nights (docs/operations.md): configuration errors leave nothing behind, and every
/// entry of the input folder is judged whatever its depth and path length.
@Suite(.serialized)
struct UnattendedTests {
    /// Ten configuration errors, each exit 2 with the folder around the output byte for byte as
    /// it was (no lock file, no staging folder, no output).
    @Test(arguments: [
        "no registry", "an empty registry", "a registry without its header", "a registry that is a FIFO",
        "a registry that is a link", "a registry that is a folder", "no input folder", "an input path that is a file",
        "an output inside the input", "a missing key file",
    ])
    func aConfigurationErrorLeavesNothingBehind(_ name: String) throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        var input = f.input, output = f.output, extra: [String] = []
        let registry = f.input + "/facilities.csv"
        switch name {
        case "no registry": try FileManager.default.removeItem(atPath: registry)
        case "an empty registry": try Data().write(to: URL(fileURLWithPath: registry))
        case "a registry without its header": try Data("IDC-TPI,detention,Tanjung Pinang\n".utf8).write(to: URL(fileURLWithPath: registry))
        case "a registry that is a FIFO": try FileManager.default.removeItem(atPath: registry); mkfifo(registry, 0o644)
        case "a registry that is a link":
            try FileManager.default.moveItem(atPath: registry, toPath: f.root + "/real.csv")
            symlink(f.root + "/real.csv", registry)
        case "a registry that is a folder": try FileManager.default.removeItem(atPath: registry); mkdir(registry, 0o755)
        case "no input folder": input = f.root + "/nowhere"
        case "an input path that is a file": input = f.input + "/detention_IDC-TPI_2012-03.csv"
        case "an output inside the input": output = f.input + "/Output"
        case "a missing key file": extra = ["--key-file", f.root + "/no.key"]
        default: Issue.record("unknown case \(name)")
        }
        let before = snapshot(f.root)
        let r = try Binary.run(["run", "--input", input, "--output", output, "--quiet"] + extra)
        #expect(r.status == 2, "\(name): \(r.stderr)")
        #expect(r.stderr.contains("configuration error"), "\(name): \(r.stderr)")
        #expect(snapshot(f.root) == before, "\(name): something changed beside the output")
    }

    /// A file at a path of more than 5,000 bytes (20 folders of 250 bytes): judged, its issues in
    /// issues.csv with their line, its records in the figures.
    @Test func aFileDeeperThanPathMaxIsJudged() throws {
        let f = Fixture()
        var dir = open(f.input, O_RDONLY | O_DIRECTORY)
        try #require(dir >= 0)
        var relative = ""
        for i in 0..<20 {
            let name = String(repeating: Character(UnicodeScalar(UInt8(97 + i))), count: 250)
            #expect(mkdirat(dir, name, 0o755) == 0)
            let next = openat(dir, name, O_RDONLY | O_DIRECTORY)
            close(dir)
            dir = next
            try #require(dir >= 0)
            relative += name + "/"
        }
        let text = Rows.detentionFile([Rows.detention(1), Rows.detention(2), Rows.detention(3, sex: "Q")] + (4...7).map { Rows.detention($0) })
        let fd = openat(dir, "detention_IDC-TPI_2012-03.csv", O_WRONLY | O_CREAT, 0o644)
        try #require(fd >= 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        close(fd)
        close(dir)
        relative += "detention_IDC-TPI_2012-03.csv"
        let full = f.input + "/" + relative
        // The path really is longer than the system allows a path to be.
        #expect(full.utf8.count > Int(PATH_MAX) && full.utf8.count > 5_000)
        #expect(open(full, O_RDONLY) == -1 && errno == ENAMETOOLONG)

        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"])
        #expect(r.status == 1, "\(r.stderr)")
        let issues = try String(contentsOfFile: f.output + "/issues.csv", encoding: .utf8)
        // The file cell of a path over 200 characters is "…" and its last 199 (validation.md).
        let written = "…" + String(relative.suffix(199))
        let lines = issues.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("error,") } == ["error,CODE,\(written),4,IDC-TPI,2012-03,IDN-2011-000003,sex,\"'Q' is not one of F, M, X\""], "\(issues)")
        #expect(!issues.contains("UNREADABLE"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: f.output + "/2012-03/report.json"))) as! [String: Any]
        let supported = ((report["migrants"] as! [[String: Any]]).first { $0["indicator"] as? String == "supported" }!["dimensions"] as! [[String: Any]])[0]
        #expect((supported["categories"] as! [[String: Any]])[0]["value"] as? Int == 6)
        let manifest = try String(contentsOfFile: f.output + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains(relative))
    }

    /// The staging folder of a killed run is removed by the next run, and the log says so.
    @Test func aStaleStagingFolderIsRemovedAndLogged() throws {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile([Rows.detention(1)]))
        let stale = f.root + "/.Output.staging-999999"
        mkdir(stale, 0o755)
        try Data("half a result".utf8).write(to: URL(fileURLWithPath: stale + "/issues.csv"))
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output])
        #expect([0, 1].contains(r.status), "\(r.stderr)")
        #expect(r.stderr.contains("warning removed \(stale), the staging folder a killed run left"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
    }
}
