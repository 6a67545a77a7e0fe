import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `caseload warehouse init` and `caseload publish` against a real PostgreSQL server: the
/// throwaway cluster that `make test` starts (`scripts/pg-cluster.sh run`, its environment in
/// PGHOST, PGPORT, PGUSER). Each test has a database of its own.
@Suite(.serialized)
struct WarehouseTests {
    static let environment = ProcessInfo.processInfo.environment
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sample = root.appendingPathComponent("Input").path

    /// The server of the tests; they fail (never skip) without one.
    static func requireServer() throws {
        try #require(
            environment["CASELOAD_PG_BIN"] != nil && environment["PGHOST"] != nil,
            "no PostgreSQL test cluster: run the tests with make test (scripts/pg-cluster.sh run swift test)")
    }

    /// A fresh database, its schema made by `warehouse init`, with offices IDN and PHL published by
    /// the roles office_idn and office_phl.
    final class Database {
        let name: String
        var env: [String: String]

        init(_ name: String) throws {
            try WarehouseTests.requireServer()
            self.name = name
            env = WarehouseTests.environment
            env["PGDATABASE"] = name
            _ = try WarehouseTests.psql("DROP DATABASE IF EXISTS \(name)", database: "postgres")
            _ = try WarehouseTests.psql("CREATE DATABASE \(name)", database: "postgres")
        }

        func caseload(_ args: [String], as role: String? = nil) throws -> Binary.Result {
            var e = env
            if let role { e["PGUSER"] = role }
            return try Binary.run(args, environment: e)
        }

        /// `caseload warehouse init`, expected to succeed (its own words when it does not: an
        /// AddressSanitizer run once saw it fail without saying why).
        func initialise(sourceLocation: SourceLocation = #_sourceLocation) throws {
            let r = try caseload(["warehouse", "init"])
            #expect(r.status == 0, "warehouse init exited \(r.status): \(r.stderr)", sourceLocation: sourceLocation)
        }

        func sql(_ s: String, as role: String? = nil) throws -> Binary.Result { try WarehouseTests.psql(s, database: name, role: role) }

        func offices() throws {
            for (office, role) in [("IDN", "office_idn"), ("PHL", "office_phl")] {
                let r = try sql(
                    """
                    DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(role)') THEN CREATE ROLE \(role) LOGIN; END IF; END $$;
                    GRANT caseload_publisher TO \(role);
                    INSERT INTO caseload.offices VALUES ('\(office)', '\(role)');
                    """)
                #expect(r.status == 0, "\(r.stderr)")
            }
        }

        deinit { _ = try? WarehouseTests.psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", database: "postgres") }
    }

    static func psql(_ sql: String, database: String, role: String? = nil) throws -> Binary.Result {
        var env = environment
        env["PGDATABASE"] = database
        if let role { env["PGUSER"] = role }
        return try Binary.run(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql], environment: env, executable: "/usr/bin/psql")
    }

    /// A run of `input` into a fresh folder.
    static func output(_ input: String, _ name: String) throws -> String {
        let out = makeTemporaryFolder("caseload-warehouse-\(name)") + "/Output"
        let r = try Binary.run(["run", "--input", input, "--output", out, "--quiet"])
        #expect(r.status == 0 || r.status == 1, "\(r.stderr)")
        return out
    }

    /// A copy of the sample with one more, resubmitted file: a changed run.
    static func resubmittedSample() throws -> String {
        let folder = makeTemporaryFolder("caseload-warehouse-input") + "/Input"
        try FileManager.default.copyItem(atPath: sample, toPath: folder)
        let original = folder + "/2012/03/shelter_SH-BTM_2012-03.csv"
        // The resubmission drops the file's last record (bytes, not Characters: "\r\n" is one
        // Character in Swift, and the sample's lines end so).
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let lastStart = bytes.dropLast().lastIndex(of: UInt8(ascii: "\n"))! + 1
        try Data(bytes[..<lastStart]).write(to: URL(fileURLWithPath: folder + "/2012/03/shelter_SH-BTM_2012-03_r2.csv"))
        return folder
    }

    @Test func initTwiceChangesNothingTheSecondTime() throws {
        let db = try Database("caseload_init")
        let first = try db.caseload(["warehouse", "init"])
        #expect(first.status == 0 && first.stderr.contains("migrated from version 0 to 1"), "\(first.stderr)")
        let tables = try db.sql("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'caseload'").stdout
        #expect(tables == "consolidated,figures,files,issues,offices,runs,schema_version\n")
        let second = try db.caseload(["warehouse", "init"])
        #expect(second.status == 0 && second.stderr.contains("at version 1, the latest: nothing to do"), "\(second.stderr)")
        #expect(try db.sql("SELECT count(*) FROM caseload.schema_version").stdout == "1\n")
        // Every table of an office has row-level security.
        #expect(
            try db.sql("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'caseload'::regnamespace AND relrowsecurity").stdout
                == "figures,files,issues,runs\n")
    }

    @Test func publishTwiceThenAResubmissionReplacesEveryRow() throws {
        let db = try Database("caseload_publish")
        try db.initialise()
        try db.offices()
        let out = try Self.output(Self.sample, "sample")
        let metrics = makeTemporaryFolder("caseload-warehouse-metrics") + "/publish.prom"
        let first = try db.caseload(["publish", "--output", out, "--office", "IDN", "--metrics", metrics], as: "office_idn")
        #expect(first.status == 0, "\(first.stderr)")
        // --metrics of publish: read back by prometheus_client; its rows are those the log names.
        let m = try prometheusSamples(metrics)
        #expect(m["caseload_publish_last_exit_code{}"] == 0)
        let counts = ["figures", "files", "issues"].map { Int(m["caseload_publish_rows{table=\($0)}"] ?? -1) }
        #expect(first.stderr.contains(": \(counts[0]) figures, \(counts[1]) files, \(counts[2]) issues"), "\(first.stderr) \(counts)")
        #expect(counts[1] == 323)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/2012-03/report.json"))) as! [String: Any]
        let supported = ((report["migrants"] as! [[String: Any]]).first { $0["indicator"] as? String == "supported" }!["dimensions"] as! [[String: Any]])[0]
        let total = (supported["categories"] as! [[String: Any]])[0]["value"] as! Int
        #expect(try db.sql("SELECT value FROM caseload.figures WHERE office = 'IDN' AND period = '2012-03' AND indicator = 'supported' AND dimension = 'total'").stdout == "\(total)\n")
        #expect(try db.sql("SELECT count(*) FROM caseload.files WHERE office = 'IDN'").stdout == "323\n")
        let manifestDigest = try Binary.run([out + "/manifest.json"], executable: "/usr/bin/sha256sum").stdout.prefix(64)
        #expect(try db.sql("SELECT run_sha256 FROM caseload.runs WHERE office = 'IDN'").stdout == "\(manifestDigest)\n")
        let snapshot = try db.sql("SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM caseload.figures f").stdout
        // Again: nothing changes, and it says so.
        let again = try db.caseload(["publish", "--output", out, "--office", "IDN"], as: "office_idn")
        #expect(again.status == 0 && again.stderr.contains("is already in the warehouse") && again.stderr.contains("nothing changed"), "\(again.stderr)")
        #expect(try db.sql("SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM caseload.figures f").stdout == snapshot)

        // A resubmission: every row of the office replaced, in one transaction; a reader in
        // another connection, reading all the while, sees the old run or the new one, never a mix.
        let changed = try Self.output(try Self.resubmittedSample(), "resubmitted")
        let before = try db.sql(Self.readerQuery).stdout
        var readerEnv = db.env
        readerEnv["PGUSER"] = "postgres"
        let seenFile = makeTemporaryFolder("caseload-readers") + "/seen"
        let readers = try Spawned(["/bin/bash", "-c", "for i in $(seq 1 400); do psql -X -qAt -c \"\(Self.readerQuery)\"; done > \(seenFile)"], environment: readerEnv)
        let published = try db.caseload(["publish", "--output", changed, "--office", "IDN"], as: "office_idn")
        #expect(readers.wait() == 0)
        #expect(published.status == 0, "\(published.stderr)")
        let after = try db.sql(Self.readerQuery).stdout
        #expect(before != after)
        let seen = Set(try String(contentsOfFile: seenFile, encoding: .utf8).split(separator: "\n").map { String($0) + "\n" })
        #expect(!seen.isEmpty && seen.isSubset(of: [before, after]), "a reader saw a mix: \(seen.subtracting([before, after]))")
        let r2 = try db.sql("SELECT path, outcome FROM caseload.files WHERE office = 'IDN' AND path LIKE '%SH-BTM_2012-03%' ORDER BY path").stdout
        #expect(r2 == "2012/03/shelter_SH-BTM_2012-03.csv|superseded\n2012/03/shelter_SH-BTM_2012-03_r2.csv|accepted\n", "\(r2)")
        #expect(try db.sql("SELECT count(*) FROM caseload.files WHERE office = 'IDN'").stdout == "324\n")
    }

    /// One statement, so one snapshot: the office's run, its figure and file counts and a digest of
    /// its figures.
    static let readerQuery =
        "SELECT (SELECT run_sha256 FROM caseload.runs WHERE office = 'IDN') || ' ' || (SELECT count(*) FROM caseload.files WHERE office = 'IDN') || ' ' || (SELECT md5(string_agg(f::text, '|' ORDER BY f::text)) FROM caseload.figures f WHERE office = 'IDN')"

    @Test func twoOfficesAndTheConsolidatedViewIsTheirSum() throws {
        let db = try Database("caseload_two")
        try db.initialise()
        try db.offices()
        let a = try Self.output(Self.sample, "a")
        let b = try Self.output(try Self.resubmittedSample(), "b")
        #expect(try db.caseload(["publish", "--output", a, "--office", "IDN"], as: "office_idn").status == 0)
        #expect(try db.caseload(["publish", "--output", b, "--office", "PHL"], as: "office_phl").status == 0)
        // Every consolidated cell is the sum over the offices of the counts; the median is not summed.
        let differences = try db.sql(
            """
            SELECT count(*) FROM caseload.consolidated c FULL JOIN (
              SELECT period, population, indicator, dimension, category, sum(value) AS value, count(*) AS offices FROM caseload.figures
              WHERE indicator <> 'stay_median_days' GROUP BY 1, 2, 3, 4, 5) s USING (period, population, indicator, dimension, category)
            WHERE c.value IS DISTINCT FROM s.value OR c.offices IS DISTINCT FROM s.offices
            """
        ).stdout
        #expect(differences == "0\n")
        #expect(try db.sql("SELECT count(*) FROM caseload.consolidated WHERE indicator = 'stay_median_days'").stdout == "0\n")
        let total = try db.sql("SELECT value, offices FROM caseload.consolidated WHERE period = '2012-03' AND indicator = 'supported' AND dimension = 'total'").stdout
        let each = try db.sql("SELECT sum(value) FROM caseload.figures WHERE period = '2012-03' AND indicator = 'supported' AND dimension = 'total'").stdout
        #expect(total == each.dropLast() + "|2\n")

        // Row-level security: office_idn reads, inserts, updates and deletes only IDN's rows.
        for table in ["figures", "files", "issues", "runs"] {
            #expect(try db.sql("SELECT count(*) FROM caseload.\(table) WHERE office = 'PHL'", as: "office_idn").stdout == "0\n", "\(table)")
            #expect(try db.sql("SELECT count(*) > 0 FROM caseload.\(table) WHERE office = 'IDN'", as: "office_idn").stdout == "t\n", "\(table)")
            let updated = try db.sql("UPDATE caseload.\(table) SET office = office WHERE office = 'PHL'", as: "office_idn")
            #expect(updated.status == 0)
            let deleted = try db.sql("DELETE FROM caseload.\(table) WHERE office = 'PHL'", as: "office_idn")
            #expect(deleted.status == 0)
            #expect(try db.sql("SELECT count(*) > 0 FROM caseload.\(table) WHERE office = 'PHL'").stdout == "t\n", "office_idn changed PHL's \(table)")
        }
        let insert = try db.sql("INSERT INTO caseload.issues (office, severity, code, message) VALUES ('PHL', 'error', 'CODE', 'x')", as: "office_idn")
        #expect(insert.status != 0 && insert.stderr.contains("row-level security"), "\(insert.stderr)")
        let moved = try db.sql("UPDATE caseload.issues SET office = 'PHL' WHERE office = 'IDN'", as: "office_idn")
        #expect(moved.status != 0 && moved.stderr.contains("row-level security"), "\(moved.stderr)")
        // Publishing as the other office's role is refused, and changes nothing.
        let wrong = try db.caseload(["publish", "--output", a, "--office", "PHL"], as: "office_idn")
        #expect(wrong.status == 4 && wrong.stderr.contains("row-level security"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("secret"))
        // A reader sees every office, and writes nothing.
        _ = try db.sql("CREATE ROLE hq_analyst LOGIN IN ROLE caseload_reader")
        #expect(try db.sql("SELECT count(DISTINCT office) FROM caseload.figures", as: "hq_analyst").stdout == "2\n")
        #expect(try db.sql("DELETE FROM caseload.figures", as: "hq_analyst").status != 0)
        _ = try db.sql("DROP ROLE hq_analyst")
    }

    @Test func aTamperedOrIncompleteOutputLoadsNothing() throws {
        let db = try Database("caseload_tamper")
        try db.initialise()
        try db.offices()
        let out = try Self.output(Self.sample, "tamper")
        let aggregates = out + "/2012-03/unhcr/aggregates.csv"
        var text = try String(contentsOfFile: aggregates, encoding: .utf8)
        text = text.replacingOccurrences(of: ",2250,rounded", with: ",2255,rounded")
        try text.write(toFile: aggregates, atomically: false, encoding: .utf8)
        let r = try db.caseload(["publish", "--output", out, "--office", "IDN"], as: "office_idn")
        #expect(r.status == 2 && r.stderr.contains("2012-03/unhcr/aggregates.csv differs from the manifest"), "\(r.stderr)")
        try FileManager.default.removeItem(atPath: aggregates)
        let metrics = makeTemporaryFolder("caseload-warehouse-metrics") + "/publish.prom"
        #expect(try db.caseload(["publish", "--output", out, "--office", "IDN", "--metrics", metrics], as: "office_idn").status == 2)
        let m = try prometheusSamples(metrics)
        #expect(m["caseload_publish_last_exit_code{}"] == 2 && m.count == 3, "\(m)")
        let missing = try db.caseload(["publish", "--output", out, "--office", "IDN"], as: "office_idn")
        #expect(missing.status == 2 && missing.stderr.contains("is listed in the manifest but missing"), "\(missing.stderr)")
        let notOutput = try db.caseload(["publish", "--output", Self.sample, "--office", "IDN"], as: "office_idn")
        #expect(notOutput.status == 2 && notOutput.stderr.contains("is not a caseload output"))
        let unknown = try db.caseload(["publish", "--output", try Self.output(Self.sample, "ok"), "--office", "ZZZ"], as: "office_idn")
        #expect(unknown.status == 2 && unknown.stderr.contains("the office ZZZ is not in caseload.offices"))
        for table in ["figures", "files", "issues", "runs"] { #expect(try db.sql("SELECT count(*) FROM caseload.\(table)").stdout == "0\n", "\(table)") }
        // Bad addresses: exit 2 with a line that names no password; an unreachable one: exit 4.
        let bad = try db.caseload(["publish", "--output", out, "--office", "IDN", "--warehouse", "mysql://u:hunter2@h/db"])
        #expect(bad.status == 2 && !bad.stderr.contains("hunter2"))
        let sslmode = try db.caseload(["warehouse", "init", "--warehouse", "postgresql://u:hunter2@h/db?sslmode=allow-all"])
        #expect(sslmode.status == 2 && sslmode.stderr.contains("sslmode 'allow-all' is not one of disable, prefer, require, verify-full") && !sslmode.stderr.contains("hunter2"), "\(sslmode.stderr)")
        let unreachable = try db.caseload(["warehouse", "init", "--warehouse", "postgresql://u:hunter2@127.0.0.1:9/db"])
        #expect(unreachable.status == 4 && unreachable.stderr.contains("cannot reach the warehouse at 127.0.0.1:9/db") && !unreachable.stderr.contains("hunter2"), "\(unreachable.stderr)")
    }

    /// A run in progress holds the output's lock: publish exits 3 and loads nothing.
    @Test func aRunInProgressGivesExit3() throws {
        let db = try Database("caseload_busy")
        try db.initialise()
        try db.offices()
        let out = try Self.output(Self.sample, "busy")
        let lock = (out as NSString).deletingLastPathComponent + "/.Output.lock"
        let holder = try Spawned(["/usr/bin/flock", lock, "sleep", "5"])
        usleep(300_000)
        let r = try db.caseload(["publish", "--output", out, "--office", "IDN"], as: "office_idn")
        holder.signal(SIGTERM)
        holder.wait()
        #expect(r.status == 3 && r.stderr.contains("a run is in progress"), "\(r.stderr)")
        #expect(try db.sql("SELECT count(*) FROM caseload.runs").stdout == "0\n")
    }

    /// A server stopped in the middle of a publish (after it deleted the office's figures and files,
    /// while it waits for a lock on the issues): exit 4, and once the server is back the previous run
    /// is there, whole. The server is a cluster of this test's own.
    @Test func aServerStoppedMidPublishLeavesThePreviousRun() throws {
        try Self.requireServer()
        let script = Self.root.appendingPathComponent("scripts/pg-cluster.sh").path
        let dir = makeTemporaryFolder("caseload-pg-own")
        var env = Self.environment
        env["CASELOAD_PG_PORT"] = "54339"
        let started = try Binary.run([script, "start", dir], environment: env, executable: "/usr/bin/env", prefix: ["bash"])
        #expect(started.status == 0, "\(started.stderr)")
        defer { _ = try? Binary.run([script, "stop", dir], environment: env, executable: "/usr/bin/env", prefix: ["bash"]) }
        env["PGHOST"] = dir
        env["PGPORT"] = "54339"
        env["PGDATABASE"] = "postgres"
        func sql(_ s: String) throws -> Binary.Result {
            try Binary.run(["-X", "-qAt", "-v", "ON_ERROR_STOP=1", "-c", s], environment: env, executable: "/usr/bin/psql")
        }
        #expect(try Binary.run(["warehouse", "init"], environment: env).status == 0)
        _ = try sql("INSERT INTO caseload.offices VALUES ('IDN', 'postgres')")
        let old = try Self.output(Self.sample, "old")
        #expect(try Binary.run(["publish", "--output", old, "--office", "IDN"], environment: env).status == 0)
        let before = try sql(Self.readerQuery).stdout
        // Another session holds the issues table; the publish deletes figures and files, then waits.
        let holder = try Spawned(["/usr/bin/psql", "-X", "-q", "-c", "BEGIN; LOCK TABLE caseload.issues IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);"], environment: env, capture: true)
        let changed = try Self.output(try Self.resubmittedSample(), "new")
        let publisher = try Spawned([Binary.path, "publish", "--output", changed, "--office", "IDN"], environment: env, capture: true)
        // Until the publish waits for the lock, after its deletes.
        var waiting = false
        for _ in 0..<200 where !waiting {
            usleep(50_000)
            waiting = try sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM caseload.issues%'").stdout == "1\n"
        }
        #expect(waiting)
        let bin = Self.environment["CASELOAD_PG_BIN"]!
        _ = try Binary.run(["-u", "postgres", "--", bin + "/pg_ctl", "-D", dir + "/data", "-m", "immediate", "-w", "stop"], executable: "/usr/sbin/runuser")
        let message = String(decoding: publisher.readOutput().1, as: UTF8.self)
        #expect(publisher.wait() == 4, "\(message)")
        _ = holder.readOutput()
        holder.wait()
        #expect(message.contains("nothing was changed") || message.contains("failed"), "\(message)")
        _ = try Binary.run(
            ["-u", "postgres", "--", bin + "/pg_ctl", "-D", dir + "/data", "-l", dir + "/server.log", "-w", "-o", "-k \(dir) -c listen_addresses='' -p 54339", "start"],
            executable: "/usr/sbin/runuser")
        #expect(try sql(Self.readerQuery).stdout == before)
    }

    /// No case id, name or birth date reaches the warehouse: a dump of the database holds none of
    /// the sample's.
    @Test func noPersonalDataInTheWarehouse() throws {
        let db = try Database("caseload_privacy")
        try db.initialise()
        try db.offices()
        #expect(try db.caseload(["publish", "--output", try Self.output(Self.sample, "privacy"), "--office", "IDN"], as: "office_idn").status == 0)
        let dump = try Binary.run(["--data-only", "--schema", "caseload", db.name], environment: db.env, executable: Self.environment["CASELOAD_PG_BIN"]! + "/pg_dump")
        #expect(dump.status == 0 && dump.stdout.contains("COPY caseload.figures"), "\(dump.stderr)")
        // Every case id, name and full birth date of the sample's CSV files.
        var ids: Set<String> = [], names: Set<String> = [], births: Set<String> = []
        for path in FileManager.default.enumerator(atPath: Self.sample)!.compactMap({ $0 as? String }) where path.hasSuffix(".csv") && path != "facilities.csv" {
            let rows = parseCSV(try String(contentsOfFile: Self.sample + "/" + path, encoding: .utf8))
            guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { continue }
            for row in rows.dropFirst() where row.count == header.count {
                for (k, column) in header.enumerated() {
                    let v = row[k].trimmingCharacters(in: .whitespaces)
                    switch column {
                    case "case_id": if v.count == 15 { ids.insert(v) }
                    case "family_name", "given_name": if v.count >= 4 { names.insert(v) }
                    case "birth_date": if v.count == 10 { births.insert(v) }
                    default: break
                    }
                }
            }
        }
        #expect(ids.count > 1_000 && names.count > 20 && births.count > 100)
        let text = dump.stdout
        #expect(text.range(of: "[A-Z]{3}-[0-9]{4}-[0-9]{6}", options: .regularExpression) == nil, "a case id is in the warehouse")
        for n in names { #expect(!text.contains("\t\(n)\t") && !text.contains(" \(n) ") && !text.contains("'\(n)'"), "the name \(n)") }
        for b in births { #expect(!text.contains(b), "the birth date \(b)") }
    }
}
