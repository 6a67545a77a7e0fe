import CaseloadCore
import Emit
import Ingest
#if canImport(Glibc)
    import Glibc
#endif

/// How the night went, in the Prometheus text format (version 0.0.4), for node_exporter's textfile
/// collector (`--metrics FILE`; docs/operations.md, "Monitoring"). Every value is a gauge of the
/// last run: they start again at every run, so none is a counter and none ends in `_total`.
struct Metrics {
    /// `run` or `publish`: the prefix after `caseload_`.
    var command: String
    var started: Double
    var seconds: Double
    var exitCode: Int32
    /// Unix time of the last run that exited 0 or 1: this one, or the one the previous file recorded.
    var lastSuccess: Double?
    /// Known only when the command got that far (exit 0 or 1 of a run; 0 of a publish).
    var gauges: [(name: String, help: String, samples: [(labels: [(String, String)], value: Double)])] = []

    init(command: String, started: Double, seconds: Double, exitCode: Int32, previousFile: String?) {
        self.command = command
        self.started = started
        self.seconds = seconds
        self.exitCode = exitCode
        let name = "caseload_\(command)_last_success_timestamp_seconds"
        let succeeded = command == "run" ? exitCode <= 1 : exitCode == 0
        if succeeded {
            lastSuccess = started
        } else if let previousFile {
            lastSuccess = Metrics.value(of: name, in: previousFile)
        }
    }

    mutating func gauge(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
        gauges.append((name, help, samples))
    }

    mutating func gauge(_ name: String, _ help: String, _ value: Double) { gauge(name, help, [([], value)]) }

    /// The text of the file: HELP, TYPE, then the samples, in a fixed order.
    var text: String {
        var out = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: [(String, String)], value: Double)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for s in samples {
                let labels = s.labels.isEmpty ? "" : "{" + s.labels.map { "\($0.0)=\"\(Metrics.escaped($0.1))\"" }.joined(separator: ",") + "}"
                out += name + labels + " " + Metrics.number(s.value) + "\n"
            }
        }
        let p = "caseload_\(command)_"
        family(p + "last_start_timestamp_seconds", "Start of the last \(command), in seconds since 1970.", [([], started)])
        family(p + "last_duration_seconds", "Wall time of the last \(command).", [([], seconds)])
        family(p + "last_exit_code", "Exit code of the last \(command) (docs/operations.md says what each asks of the operator).", [([], Double(exitCode))])
        if let lastSuccess {
            family(p + "last_success_timestamp_seconds", "Start of the last \(command) that succeeded (exit 0 or 1 of run, 0 of publish).", [([], lastSuccess)])
        }
        for g in gauges { family(p + g.name, g.help, g.samples) }
        return out
    }

    /// Writes the file atomically; a failure is one log line, never a change of the exit code.
    func write(to path: String) -> String? {
        do {
            try replaceFile(Array(text.utf8), at: path)
            return nil
        } catch {
            return "cannot write the metrics file: \(error.description)"
        }
    }

    /// The value of an unlabelled sample in a metrics file written before (nil when unreadable).
    static func value(of name: String, in path: String) -> Double? {
        guard case .bytes(let bytes) = FileReader.read(path: path) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix(name + " ") {
            return Double(line.dropFirst(name.count + 1))
        }
        return nil
    }

    /// Integers without a fraction; others with up to six decimals (seconds to the microsecond).
    static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        return decimalText(v, places: 6, trimmed: true)
    }

    static func escaped(_ s: String) -> String {
        s.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }
}

extension String {
    fileprivate func replacingAll(_ a: Character, _ b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}
