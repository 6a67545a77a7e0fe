import Caseload
import CaseloadCore
#if canImport(Glibc)
import Glibc
#endif

enum FileHandleOut {
    static func stdout(_ s: String) { write(1, s) }
    static func stderr(_ s: String) { write(2, s) }
    private static func write(_ fd: Int32, _ s: String) {
        var bytes = Array(s.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { if errno == EINTR { continue }; return }
            done += n
        }
        bytes.removeAll()
    }
}

enum MonotonicClock {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// Log lines on standard error: plain for people and cron, or JSON; errors only with --quiet.
struct Logger {
    var format: LogFormat
    var quiet: Bool

    func info(_ message: String, _ fields: [String: String] = [:]) { emit("info", message, fields) }
    func warning(_ message: String, _ fields: [String: String] = [:]) { emit("warning", message, fields) }
    func error(_ message: String, _ fields: [String: String] = [:]) { emit("error", message, fields) }

    private func emit(_ level: String, _ message: String, _ fields: [String: String]) {
        if quiet && level != "error" { return }
        let time = Logger.timestamp()
        switch format {
        case .plain:
            var s = "\(time) \(level) \(message)"
            for k in fields.keys.sorted() { s += " \(k)=\(fields[k]!)" }
            FileHandleOut.stderr(s + "\n")
        case .json:
            var s = "{\"time\":\(json(time)),\"level\":\(json(level)),\"message\":\(json(message))"
            for k in fields.keys.sorted() { s += ",\(json(k)):\(json(fields[k]!))" }
            FileHandleOut.stderr(s + "}\n")
        }
    }

    private func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default:
                if u.value < 0x20 { out += String(format: u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    private func String(format v: UInt32) -> Swift.String {
        let hex = Swift.String(v, radix: 16)
        return "\\u" + Swift.String(repeating: "0", count: 4 - hex.count) + hex
    }

    static func timestamp() -> String {
        var t = time(nil)
        var tm = tm()
        gmtime_r(&t, &tm)
        func p(_ v: Int32, _ w: Int) -> String { let s = Swift.String(v); return Swift.String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(tm.tm_year + 1900, 4))-\(p(tm.tm_mon + 1, 2))-\(p(tm.tm_mday, 2))T\(p(tm.tm_hour, 2)):\(p(tm.tm_min, 2)):\(p(tm.tm_sec, 2))Z"
    }
}

/// The one-screen summary at the end of a run.
enum Summary {
    static func print(_ j: Pipeline.Judgement, logger: Logger, seconds: Double) {
        var byOutcome: [FileOutcome: Int] = [:]
        for f in j.files { byOutcome[f.outcome, default: 0] += 1 }
        let accepted = j.files.reduce(0) { $0 + ($1.outcome == .accepted ? $1.acceptedRecords : 0) }
        let rejectedRecords = j.files.reduce(0) { $0 + $1.rejectedRecords }
        var bySeverity: [Severity: Int] = [:]
        for i in j.issues { bySeverity[i.severity, default: 0] += 1 }
        logger.info("files", ["accepted": "\(byOutcome[.accepted] ?? 0)", "rejected": "\(byOutcome[.rejected] ?? 0)",
                              "superseded": "\(byOutcome[.superseded] ?? 0)", "duplicate": "\(byOutcome[.duplicate] ?? 0)"])
        logger.info("records", ["accepted": "\(accepted)", "rejected": "\(rejectedRecords)"])
        logger.info("issues", ["error": "\(bySeverity[.error] ?? 0)", "warning": "\(bySeverity[.warning] ?? 0)",
                               "info": "\(bySeverity[.info] ?? 0)"])
        logger.info("elapsed", ["seconds": Swift.String(Int(seconds * 1000)) + "e-3"])
    }
}
