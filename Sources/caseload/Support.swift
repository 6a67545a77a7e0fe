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
/// The counts of a written run that the log's summary and the metrics file both say.
struct RunCounts {
    var files: [FileOutcome: Int] = [:]
    var recordsAccepted = 0
    var recordsRejected = 0
    var issues: [Severity: Int] = [:]
    /// The headline figures of the last period of each population that has one.
    var headlines: [(population: String, indicator: String, period: String, value: Int)] = []
    var migrants: (period: String, supported: Int, detention: Int, community: Int, inCareEnd: Int)?
    var victims: (period: String, assisted: Int, cumulative: Int, since: String)?

    init(_ j: JudgedRun, figures: [PeriodFigures]) {
        for f in j.files { files[f.outcome, default: 0] += 1 }
        recordsAccepted = j.files.reduce(0) { $0 + ($1.outcome == .accepted ? $1.acceptedRecords : 0) }
        recordsRejected = j.files.reduce(0) { $0 + ($1.outcome == .duplicate || $1.outcome == .superseded ? 0 : $1.rejectedRecords) }
        for i in j.issues { issues[i.severity, default: 0] += 1 }
        if let last = figures.last(where: { !$0.migrants.isEmpty }), let s = last.indicator(.migrants, "supported") {
            let placement = s["placement"]?.counts ?? [:]
            let inCare = last.indicator(.migrants, "in_care_end")?.total ?? 0
            migrants = (last.period.description, s.total, placement["IDC"] ?? 0, placement["COMMUNITY"] ?? 0, inCare)
            headlines += [("migrants", "supported", last.period.description, s.total), ("migrants", "in_care_end", last.period.description, inCare)]
        }
        if let last = figures.last(where: { !$0.victims.isEmpty }), let a = last.indicator(.victims, "assisted"),
            let c = last.indicator(.victims, "assisted_cumulative")
        {
            let first = figures.first(where: { !$0.victims.isEmpty })!.period
            victims = (last.period.description, a.total, c.total, first.description)
            headlines += [("victims", "assisted", last.period.description, a.total), ("victims", "assisted_cumulative", last.period.description, c.total)]
        }
    }

    /// The gauges of a written run, for `--metrics`.
    func metrics(into m: inout Metrics, peakBytes: Int?) {
        m.gauge("files", "Input files of the last run, by outcome.", FileOutcome.allCases.map { ([("outcome", $0.rawValue)], Double(files[$0] ?? 0)) })
        m.gauge("records", "Records of the used files of the last run, accepted or rejected.", [([("state", "accepted")], Double(recordsAccepted)), ([("state", "rejected")], Double(recordsRejected))])
        m.gauge("issues", "Issues of the last run (issues.csv), by severity.", Severity.allCases.map { ([("severity", $0.rawValue)], Double(issues[$0] ?? 0)) })
        if let peakBytes { m.gauge("peak_memory_bytes", "Peak resident memory of the last run.", Double(peakBytes)) }
        m.gauge(
            "headline", "The headline figures of the last period of each population (exact, internal).",
            headlines.map { ([("population", $0.population), ("indicator", $0.indicator), ("period", $0.period)], Double($0.value)) })
    }
}

enum Summary {
    static func log(_ j: JudgedRun, figures: [PeriodFigures], output: String, logger: Logger, seconds: Double) {
        let c = RunCounts(j, figures: figures)
        logger.info("files: \(c.files[.accepted] ?? 0) accepted, \(c.files[.rejected] ?? 0) rejected, \(c.files[.superseded] ?? 0) superseded, \(c.files[.duplicate] ?? 0) duplicate")
        logger.info("records: \(c.recordsAccepted) accepted, \(c.recordsRejected) rejected")
        logger.info("issues: \(c.issues[.error] ?? 0) errors, \(c.issues[.warning] ?? 0) warnings, \(c.issues[.info] ?? 0) notes (\(output)/issues.csv)")
        if let m = c.migrants {
            logger.info("\(m.period): \(m.supported) migrants supported (\(m.detention) in detention centres, \(m.community) in community housing), \(m.inCareEnd) in care at the end of the month")
        }
        if let v = c.victims {
            logger.info("\(v.period): \(v.assisted) victims of trafficking assisted, \(v.cumulative) since \(v.since)")
        }
        let t = j.ctdc
        let suppressed = zip(CTDC.quasiIdentifiers, t.suppressed).map { "\($0) \($1)" }.joined(separator: ", ")
        logger.info(
            "ctdc: \(t.written) rows written of \(t.consented) consenting cases (\(t.cases) assisted), \(t.dropped) dropped, smallest class \(t.smallestClass) (k = \(t.k)); values suppressed: \(suppressed)")
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
