import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// Where the warehouse is: `--warehouse postgresql://user[:password]@host[:port]/db` or, without it,
/// the libpq environment (`PGHOST`, a folder meaning a Unix socket; `PGPORT`, `PGUSER`,
/// `PGPASSWORD`, `PGDATABASE`), as every PostgreSQL operator expects.
public struct WarehouseAddress: Sendable, Equatable, CustomStringConvertible {
    /// A TCP host, or nil for a Unix socket in `socketFolder`.
    public var host: String?
    public var socketFolder: String?
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    /// libpq's `sslmode` for a TCP host (`disable`, `prefer`, `require`, `verify-full`; `prefer`
    /// when unset, as libpq); a Unix socket never uses TLS.
    public var tls: TLSMode = .prefer

    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    /// The socket file of a Unix-socket address (`FOLDER/.s.PGSQL.PORT`, as libpq names it).
    public var socketPath: String? { socketFolder.map { "\($0)/.s.PGSQL.\(port)" } }

    /// The host (or socket folder), port and database: never the password.
    public var description: String { "\(host ?? socketFolder ?? "?"):\(port)/\(database) as \(user)" }

    /// From `--warehouse URL`, or from the environment when there is none.
    public static func resolve(url: String?, environment: [String: String]) throws(ConfigurationError) -> WarehouseAddress {
        if let url { return try parse(url: url, environment: environment) }
        let user = environment["PGUSER"].flatMap { $0.isEmpty ? nil : $0 } ?? currentUser()
        let port = try portNumber(environment["PGPORT"] ?? "5432")
        let host = environment["PGHOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "/var/run/postgresql"
        let database = environment["PGDATABASE"].flatMap { $0.isEmpty ? nil : $0 } ?? user
        let password = environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        var address =
            host.hasPrefix("/")
            ? WarehouseAddress(host: nil, socketFolder: host, port: port, user: user, password: password, database: database)
            : WarehouseAddress(host: host, socketFolder: nil, port: port, user: user, password: password, database: database)
        if let mode = environment["PGSSLMODE"], !mode.isEmpty { address.tls = try tlsMode(mode) }
        return address
    }

    /// `postgresql://user[:password]@host[:port]/db` (or `postgres://`); user and password may be
    /// percent-encoded; `?host=/folder` names a socket folder, as libpq allows.
    static func parse(url: String, environment: [String: String]) throws(ConfigurationError) -> WarehouseAddress {
        let bad = ConfigurationError("--warehouse: not a postgresql://user[:password]@host[:port]/db address")
        var rest: Substring
        if url.hasPrefix("postgresql://") { rest = url.dropFirst("postgresql://".count) } else if url.hasPrefix("postgres://") { rest = url.dropFirst("postgres://".count) } else { throw bad }
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad }
        let database = String(rest[rest.index(after: slash)...])
        var authority = rest[..<slash]
        var user: String?, password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try decoded(credentials[..<colon])
                password = try decoded(credentials[credentials.index(after: colon)...])
            } else {
                user = try decoded(credentials)
            }
        }
        var host = String(authority), port = 5432
        if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = try portNumber(String(authority[authority.index(after: colon)...]))
        }
        var socketFolder: String?
        var tls = try environment["PGSSLMODE"].flatMap { $0.isEmpty ? nil : $0 }.map(tlsMode) ?? .prefer
        for pair in query.split(separator: "&") {
            if pair.hasPrefix("host=") { socketFolder = try decoded(pair.dropFirst(5)) }
            if pair.hasPrefix("sslmode=") { tls = try tlsMode(try decoded(pair.dropFirst(8))) }
        }
        guard !database.isEmpty, !database.contains("/") else { throw bad }
        let who = user ?? environment["PGUSER"] ?? currentUser()
        if let socketFolder {
            return WarehouseAddress(host: nil, socketFolder: socketFolder, port: port, user: who, password: password, database: try decoded(Substring(database)), tls: tls)
        }
        guard !host.isEmpty else { throw bad }
        return WarehouseAddress(host: host, socketFolder: nil, port: port, user: who, password: password, database: try decoded(Substring(database)), tls: tls)
    }

    static func tlsMode(_ s: String) throws(ConfigurationError) -> TLSMode {
        guard let m = TLSMode(rawValue: s) else {
            throw ConfigurationError("the warehouse sslmode '\(s.prefix(20))' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return m
    }

    static func portNumber(_ s: String) throws(ConfigurationError) -> Int {
        guard let p = Int(s), (1...65535).contains(p) else { throw ConfigurationError("the warehouse port '\(s.prefix(20))' is not a port number") }
        return p
    }

    static func decoded(_ s: Substring) throws(ConfigurationError) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            guard b == 0x25 else { out.append(b); continue }
            guard bytes.count >= 2, let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) else {
                throw ConfigurationError("--warehouse: a bad percent-escape in the address")
            }
            out.append(v)
            bytes = bytes.dropFirst(2)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func currentUser() -> String {
        guard let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}
