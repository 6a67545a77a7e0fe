import CaseloadCore
import Foundation
import Testing
@testable import Caseload
#if canImport(Glibc)
    import Glibc
#endif

/// `--key-file` and `caseload keygen` (outputs.md, "Disclosure control: keyed rounding").
@Suite(.serialized)
struct KeyFileTests {
    static func fixture() -> Fixture {
        let f = Fixture()
        f.write("detention_IDC-TPI_2012-03.csv", Rows.detentionFile((1...7).map { Rows.detention($0) }))
        return f
    }

    /// A bad key file is a configuration error: exit 2, one line that says why, and nothing new
    /// anywhere (no output folder, no lock file beside it).
    @Test(
        arguments: [
            ("missing", nil, "cannot be opened (No such file or directory)"),
            ("empty", "", "the key has 0 bytes, at least 16 are needed"),
            ("15 bytes", String(repeating: "k", count: 15), "the key has 15 bytes, at least 16 are needed"),
            ("15 bytes and a newline", String(repeating: "k", count: 15) + " \t\r\n", "the key has 15 bytes, at least 16 are needed"),
            ("1,025 bytes", String(repeating: "k", count: 1_025), "the key has 1025 bytes, at most 1024 are allowed"),
            ("100 KiB", String(repeating: "k", count: 100 * 1_024), "the key is longer than 1024 bytes"),
        ] as [(String, String?, String)])
    func aBadKeyFileStopsTheRunBeforeAnythingIsWritten(_ name: String, _ content: String?, _ reason: String) throws {
        let f = Self.fixture()
        let key = f.root + "/run.key"
        if let content { _ = FileManager.default.createFile(atPath: key, contents: Data(content.utf8)) }
        let before = snapshot(f.root)
        let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--key-file", key])
        #expect(r.status == 2, "\(name)")
        let errors = r.stderr.split(separator: "\n").filter { $0.contains("error") }
        #expect(errors.count == 1, "\(name): \(r.stderr)")
        #expect(errors.first?.contains("configuration error: --key-file \(key): \(reason)") == true, "\(name): \(r.stderr)")
        #expect(snapshot(f.root) == before, "\(name): something was written")
    }

    @Test func aKeyOf16And1024BytesIsAccepted() throws {
        for n in [16, 1_024] {
            let f = Self.fixture()
            let key = f.root + "/run.key"
            _ = FileManager.default.createFile(atPath: key, contents: Data((String(repeating: "k", count: n) + "\n").utf8))
            let r = try Binary.run(["run", "--input", f.input, "--output", f.output, "--key-file", key, "--quiet"])
            #expect(r.status == 0, "\(n): \(r.stderr)")
        }
    }

    /// keygen: 64 hex digits and a newline, mode 0600, never over an existing file; its key is
    /// accepted by run, and the manifest names it by the contract's fingerprint (worked out here
    /// by Python's hashlib, not by the program).
    @Test func keygenWritesAKeyTheManifestFingerprints() throws {
        let f = Self.fixture()
        let key = f.root + "/run.key"
        let made = try Binary.run(["keygen", key])
        #expect(made.status == 0)
        let bytes = try #require(readAll(key))
        #expect(bytes.count == 65 && bytes.last == 0x0A)
        #expect(bytes.dropLast().allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        var st = stat()
        #expect(stat(key, &st) == 0 && st.st_mode & 0o777 == 0o600)
        // A second key is another key.
        let other = f.root + "/other.key"
        #expect(try Binary.run(["keygen", other]).status == 0)
        #expect(readAll(other) != bytes)
        // Never overwritten.
        let again = try Binary.run(["keygen", key])
        #expect(again.status == 2 && again.stderr.contains("already exists; caseload keygen never overwrites a key"))
        #expect(readAll(key) == bytes)

        let run = try Binary.run(["run", "--input", f.input, "--output", f.output, "--key-file", key, "--quiet"])
        #expect(run.status == 0)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(readAll(f.output + "/manifest.json")!)) as? [String: Any])
        let options = try #require(manifest["options"] as? [String: Any])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import hashlib,sys; k=open(sys.argv[1],'rb').read().rstrip(b' \\t\\r\\n'); print(hashlib.sha256(b'caseload-key-fingerprint:'+k).hexdigest())", key]
        let pipe = Pipe()
        p.standardOutput = pipe
        try p.run()
        let python = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        p.waitUntilExit()
        #expect(python.count == 64)
        #expect(options["key_fingerprint"] as? String == python)
        #expect(options["key_file"] as? Bool == true && options["min_cell"] as? Int == 5 && options["rounding"] as? String == "keyed")
        // The key itself is nowhere in the output.
        let keyText = String(decoding: bytes.dropLast(), as: UTF8.self)
        for (path, content) in filesUnder(f.output) { #expect(!String(decoding: content, as: UTF8.self).contains(keyText), "\(path)") }
        // Without a key: no fingerprint.
        let plain = try Binary.run(["run", "--input", f.input, "--output", f.output, "--quiet"])
        #expect(plain.status == 0)
        let m2 = try #require(try JSONSerialization.jsonObject(with: Data(readAll(f.output + "/manifest.json")!)) as? [String: Any])
        let o2 = try #require(m2["options"] as? [String: Any])
        #expect(o2["key_file"] as? Bool == false && o2["key_fingerprint"] is NSNull)
    }

    /// The same people round the same way in every run; another key draws again.
    @Test func theKeyDecidesTheDrawsAndOnlyTheKey() throws {
        let f = Self.fixture()
        var shared: [String: [UInt8]] = [:]
        for (name, key) in [("a", "aaaaaaaaaaaaaaaaaaaa"), ("a again", "aaaaaaaaaaaaaaaaaaaa\n"), ("none", nil), ("b", "bbbbbbbbbbbbbbbbbbbbbb")] as [(String, String?)] {
            var args = ["run", "--input", f.input, "--output", f.output, "--quiet", "--min-cell", "3"]
            if let key {
                let path = f.root + "/\(name).key"
                _ = FileManager.default.createFile(atPath: path, contents: Data(key.utf8))
                args += ["--key-file", path]
            }
            #expect(try Binary.run(args).status == 0)
            shared[name] = readAll(f.output + "/2012-03/unhcr/aggregates.csv")
        }
        #expect(shared["a"] == shared["a again"])
        // Seven people at base 3: 7 = 2·3 + 1, and each key draws up or down; over the three keys
        // the files are not all the same (checked for these keys: they differ).
        #expect(Set([shared["a"]!, shared["none"]!, shared["b"]!]).count > 1)
    }
}
