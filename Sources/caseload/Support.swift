import Caseload
import Emit
import CaseloadCore
import Logging
#if canImport(Glibc)
    import Glibc
#endif

enum FileHandleOut {
    static func stdout(_ s: String) { write(1, s) }
    static func stderr(_ s: String) { write(2, s) }
    private static func write(_ fd: Int32, _ s: String) {
        let bytes = Array(s.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { if errno == EINTR { continue }; return }
            done += n
        }
    }
}

enum LogFormat: String, Sendable { case plain, json }

/// swift-log's handler for caseload: one line per event on standard error, plain
/// (`2026-11-29T22:29:15Z info run started input=Input`) for people and cron, or one JSON object
/// a line for log collectors. The time is only ever in the log, never in an output.
struct StderrLogHandler: LogHandler {
    var format: LogFormat
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(
        level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        var fields = metadata
        if let extra { fields.merge(extra) { $1 } }
        let time = Self.timestamp()
        let name = level == .warning ? "warning" : level.rawValue
        switch format {
        case .plain:
            var s = "\(time) \(name) \(message)"
            for k in fields.keys.sorted() { s += " \(k)=\(fields[k]!)" }
            FileHandleOut.stderr(s + "\n")
        case .json:
            var s = "{\"time\":\(Self.json(time)),\"level\":\(Self.json(name)),\"message\":\(Self.json("\(message)"))"
            for k in fields.keys.sorted() { s += ",\(Self.json(k)):\(Self.json("\(fields[k]!)"))" }
            FileHandleOut.stderr(s + "}\n")
        }
    }

    static func json(_ s: String) -> String { JSON.quote(s) }

    static func timestamp() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2))Z"
    }
}

enum Logs {
    /// Sets up swift-log once for the process.
    static func bootstrap(format: LogFormat, quiet: Bool) -> Logger {
        LoggingSystem.bootstrap { _ in
            var h = StderrLogHandler(format: format)
            h.logLevel = quiet ? .error : .info
            return h
        }
        return Logger(label: "caseload")
    }
}

/// A progress line on standard error, only when it is a terminal (never for cron).
final class Progress: @unchecked Sendable {
    private let lock = SystemLock()
    private var last = -1.0

    static func ifTerminal(enabled: Bool) -> Progress? {
        enabled && isatty(2) == 1 ? Progress() : nil
    }

    func update(_ done: Int, _ total: Int) {
        lock.withLock {
            let now = Clock.wall()
            guard done == total || now - last > 0.1 else { return }
            last = now
            FileHandleOut.stderr("\r\u{1B}[Kjudging files: \(done)/\(total)" + (done == total ? "\n" : ""))
        }
    }
}

/// The one-screen summary at the end of a run.
enum Summary {
    static func log(_ j: JudgedRun, figures: [PeriodFigures], output: String, logger: Logger, seconds: Double) {
        var byOutcome: [FileOutcome: Int] = [:]
        for f in j.files { byOutcome[f.outcome, default: 0] += 1 }
        let accepted = j.files.reduce(0) { $0 + ($1.outcome == .accepted ? $1.acceptedRecords : 0) }
        let rejectedRecords = j.files.reduce(0) { $0 + ($1.outcome == .duplicate || $1.outcome == .superseded ? 0 : $1.rejectedRecords) }
        var bySeverity: [Severity: Int] = [:]
        for i in j.issues { bySeverity[i.severity, default: 0] += 1 }
        logger.info("files: \(byOutcome[.accepted] ?? 0) accepted, \(byOutcome[.rejected] ?? 0) rejected, \(byOutcome[.superseded] ?? 0) superseded, \(byOutcome[.duplicate] ?? 0) duplicate")
        logger.info("records: \(accepted) accepted, \(rejectedRecords) rejected")
        logger.info("issues: \(bySeverity[.error] ?? 0) errors, \(bySeverity[.warning] ?? 0) warnings, \(bySeverity[.info] ?? 0) notes (\(output)/issues.csv)")
        if let last = figures.last(where: { !$0.migrants.isEmpty }), let s = last.indicator(.migrants, "supported") {
            let placement = s["placement"]?.counts ?? [:]
            logger.info("\(last.period): \(s.total) migrants supported (\(placement["IDC"] ?? 0) in detention centres, \(placement["COMMUNITY"] ?? 0) in community housing), \(last.indicator(.migrants, "in_care_end")?.total ?? 0) in care at the end of the month")
        }
        if let last = figures.last(where: { !$0.victims.isEmpty }), let a = last.indicator(.victims, "assisted"),
            let c = last.indicator(.victims, "assisted_cumulative")
        {
            let first = figures.first(where: { !$0.victims.isEmpty })!.period
            logger.info("\(last.period): \(a.total) victims of trafficking assisted, \(c.total) since \(first)")
        }
        var cpu: [String: (seconds: Double, bytes: Int)] = [:]
        for f in j.files { if let n = f.name { cpu[n.format.rawValue, default: (0, 0)].seconds += f.cpuSeconds; cpu[n.format.rawValue]!.bytes += f.size ?? 0 } }
        var stages: Logger.Metadata = [:]
        func seconds3(_ v: Double) -> String { decimalText(v, places: 3, trimmed: false) }
        for (k, v) in j.timings { stages[k] = "\(seconds3(v))" }
        for (k, v) in cpu { stages["\(k)_cpu"] = "\(seconds3(v.seconds))"; stages["\(k)_bytes"] = "\(v.bytes)" }
        if let peak = Memory.peakResidentKiB() { stages["peak_rss_kib"] = "\(peak)" }
        logger.info("elapsed: \(seconds3(seconds)) s", metadata: stages)
    }
}
