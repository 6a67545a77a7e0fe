import CaseloadCore
import Dispatch
import Emit
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The offices' shared PostgreSQL warehouse (docs/warehouse.md): `caseload warehouse init` makes or
/// migrates the schema `caseload`; `caseload publish` loads one complete output folder in one
/// transaction, replacing that office's rows.
public enum Warehouse {
    /// Why a command stopped, with its exit code.
    public enum Failure: Error, CustomStringConvertible {
        /// A bad address, an unknown office, not a caseload output (exit 2).
        case configuration(String)
        /// A run holds the output's lock (exit 3).
        case busy(String)
        /// The warehouse is unreachable, refused, or the transaction failed; nothing changed (exit 4).
        case warehouse(String)

        public var description: String {
            switch self {
            case .configuration(let s), .busy(let s), .warehouse(let s): return s
            }
        }

        public var exitCode: Int32 {
            switch self {
            case .configuration: return 2
            case .busy: return 3
            case .warehouse: return 4
            }
        }
    }

    /// The versioned migrations, in order; each runs once, recorded in `caseload.schema_version`.
    static let migrations: [(version: Int, statements: [String])] = [(1, Schema.version1)]

    public static var schemaVersion: Int { migrations.last!.version }

    /// Creates or migrates the schema; says what it did.
    public static func initialize(_ address: WarehouseAddress) throws(Failure) -> String {
        try blocking(address) { connection, logger in
            try await connection.query("SELECT pg_advisory_lock(7245301)", logger: logger)
            // A session lock: closing the connection at the end releases it, also after an error.
            try await connection.query("CREATE SCHEMA IF NOT EXISTS caseload", logger: logger)
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS caseload.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var current = 0
            for try await v in try await connection.query("SELECT coalesce(max(version), 0) FROM caseload.schema_version", logger: logger).decode(Int.self) {
                current = v
            }
            var applied: [Int] = []
            for m in migrations where m.version > current {
                try await connection.query("BEGIN", logger: logger)
                do {
                    for s in m.statements { try await connection.query(PostgresQuery(unsafeSQL: s), logger: logger) }
                    try await connection.query("INSERT INTO caseload.schema_version (version) VALUES (\(m.version))", logger: logger)
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
                applied.append(m.version)
            }
            return applied.isEmpty
                ? "the schema caseload is at version \(current), the latest: nothing to do"
                : "the schema caseload migrated from version \(current) to \(applied.last!)"
        }
    }

    /// What a publish did.
    public enum Published: Sendable {
        case loaded(figures: Int, files: Int, issues: Int)
        /// The same run was published already: nothing changed.
        case unchanged
    }

    /// Loads `run` as office `office`'s rows, replacing its previous ones, in one transaction.
    public static func publish(_ run: PublishedRun, office: String, _ address: WarehouseAddress) throws(Failure) -> Published {
        try blocking(address) { connection, logger in
            try await connection.query("BEGIN ISOLATION LEVEL READ COMMITTED", logger: logger)
            do {
                var known = false
                for try await _ in try await connection.query("SELECT 1 FROM caseload.offices WHERE office = \(office)", logger: logger) { known = true }
                guard known else { throw Failure.configuration("the office \(office) is not in caseload.offices of \(address); a database administrator adds it (docs/warehouse.md)") }
                // One publish of an office at a time; the row of runs is the office's lock.
                try await connection.query("SELECT pg_advisory_xact_lock(7245302, hashtext(\(office)))", logger: logger)
                var previous: String?
                for try await s in try await connection.query("SELECT run_sha256 FROM caseload.runs WHERE office = \(office)", logger: logger).decode(String.self) { previous = s }
                if previous == run.runSHA256 {
                    try await connection.query("ROLLBACK", logger: logger)
                    return .unchanged
                }
                for table in ["figures", "files", "issues"] {
                    try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM caseload.\(table) WHERE office = $1", binds: binds([office])), logger: logger)
                }
                try await insertFigures(connection, logger, office, run)
                try await insertRows(
                    connection, logger, office, table: "files",
                    columns: ["path", "sha256", "kind", "facility", "period", "revision", "format", "outcome", "records_accepted", "records_rejected"],
                    types: ["text", "text", "text", "text", "text", "integer", "text", "text", "integer", "integer"], rows: run.files)
                try await insertRows(
                    connection, logger, office, table: "issues",
                    columns: ["severity", "code", "file", "line", "facility", "period", "field", "message"],
                    types: ["text", "text", "text", "integer", "text", "text", "text", "text"], rows: run.issues)
                try await connection.query(
                    """
                    INSERT INTO caseload.runs (office, run_sha256, tool_version, options, published_at) VALUES (\(office), \(run.runSHA256), \(run.toolVersion), \(run.optionsJSON)::jsonb, now())
                    ON CONFLICT (office) DO UPDATE SET run_sha256 = excluded.run_sha256, tool_version = excluded.tool_version, options = excluded.options, published_at = excluded.published_at
                    """, logger: logger)
                try await connection.query("COMMIT", logger: logger)
                return .loaded(figures: run.figures.count, files: run.files.count, issues: run.issues.count)
            } catch {
                if !connection.isClosed { _ = try? await connection.query("ROLLBACK", logger: logger) }
                throw error
            }
        }
    }

    /// The figures as seven arrays unnested into one INSERT (row-level security forbids COPY
    /// FROM for the office roles; one statement whatever the count).
    static func insertFigures(_ c: PostgresConnection, _ logger: Logger, _ office: String, _ run: PublishedRun) async throws {
        var b = PostgresBindings()
        b.append(office)
        b.append(run.figures.map(\.period))
        b.append(run.figures.map(\.population))
        b.append(run.figures.map(\.indicator))
        b.append(run.figures.map(\.dimension))
        b.append(run.figures.map(\.category))
        b.append(run.figures.map(\.value))
        try await c.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO caseload.figures (office, period, population, indicator, dimension, category, value)
                    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[])
                    """, binds: b), logger: logger)
    }

    /// Rows of nullable text cells (an empty string stands for NULL), one array a column.
    static func insertRows(_ c: PostgresConnection, _ logger: Logger, _ office: String, table: String, columns: [String], types: [String], rows: [[String?]]) async throws {
        guard !rows.isEmpty else { return }
        var b = PostgresBindings()
        b.append(office)
        for k in columns.indices { b.append(rows.map { $0[k] ?? "" }) }
        let selects = columns.indices.map { "NULLIF(c\($0), '')::\(types[$0])" }.joined(separator: ", ")
        let arrays = columns.indices.map { "$\($0 + 2)::text[]" }.joined(separator: ", ")
        let names = columns.indices.map { "c\($0)" }.joined(separator: ", ")
        try await c.query(
            PostgresQuery(
                unsafeSQL: "INSERT INTO caseload.\(table) (office, \(columns.joined(separator: ", "))) SELECT $1, \(selects) FROM unnest(\(arrays)) AS t(\(names))",
                binds: b), logger: logger)
    }

    static func binds(_ values: [String]) -> PostgresBindings {
        var b = PostgresBindings()
        for v in values { b.append(v) }
        return b
    }

    /// Runs `body` on one connection, waiting for it (the commands are synchronous); errors become
    /// `Failure`s that name the host and the database, never the password.
    static func blocking<T: Sendable>(_ address: WarehouseAddress, _ body: @escaping @Sendable (PostgresConnection, Logger) async throws -> T) throws(Failure) -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            var logger = Logger(label: "caseload.warehouse")
            logger.logLevel = .critical
            let connection: PostgresConnection
            do {
                connection = try await PostgresConnection.connect(configuration: try configuration(address), id: 1, logger: logger)
            } catch {
                box.result = .failure(.warehouse("cannot reach the warehouse at \(address): \(reason(error))"))
                done.signal()
                return
            }
            do {
                box.result = .success(try await body(connection, logger))
            } catch let f as Failure {
                box.result = .failure(f)
            } catch {
                box.result = .failure(.warehouse("the warehouse at \(address) failed: \(reason(error)); nothing was changed"))
            }
            if !connection.isClosed { try? await connection.close() }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }

    static func configuration(_ a: WarehouseAddress) throws -> PostgresConnection.Configuration {
        if let socket = a.socketPath {
            return PostgresConnection.Configuration(unixSocketPath: socket, username: a.user, password: a.password, database: a.database)
        }
        return PostgresConnection.Configuration(host: a.host!, port: a.port, username: a.user, password: a.password, database: a.database, tls: try tls(a.tls))
    }

    /// libpq's meanings: `prefer` and `require` encrypt without checking the certificate,
    /// `verify-full` checks it and the host name against the system's trust roots.
    static func tls(_ mode: WarehouseAddress.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        var unverified = TLSConfiguration.makeClientConfiguration()
        unverified.certificateVerification = .none
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(try NIOSSLContext(configuration: unverified))
        case .require: return .require(try NIOSSLContext(configuration: unverified))
        case .verifyFull: return .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    /// The server's own words where it gave some.
    static func reason(_ e: any Error) -> String {
        if let p = e as? PSQLError {
            if let m = p.serverInfo?[.message] { return m }
            if p.code == .serverClosedConnection || p.code == .uncleanShutdown { return "the server closed the connection" }
            return "\(p.code)"
        }
        return "\(e)"
    }
}

/// The result of a task, handed to the thread that waits for it.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    var result: Result<T, Warehouse.Failure>?
}
