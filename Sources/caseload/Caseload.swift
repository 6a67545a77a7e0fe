import ArgumentParser
import Caseload
import Emit
import Synth
import Warehouse
import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

@main
struct CaseloadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "caseload",
        abstract: "Ingests, validates and reports the monthly caseload submissions of IOM Indonesia.",
        subcommands: [Run.self, Validate.self, Explain.self, Synth.self, Schema.self, Keygen.self, WarehouseCommand.self, Publish.self]
    )

    /// Usage errors exit 2 (the contract), not argument-parser's 64.
    static func main() {
        Signals.start()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandleOut.stderr(fullMessage(for: error) + "\n")
                Glibc.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// Options shared by the commands that log.
struct LogOptions: ParsableArguments {
    @Option(name: .customLong("log-format"), help: "plain or json log lines on standard error.")
    var logFormat: LogFormat = .plain

    @Flag(help: "Log errors only.")
    var quiet = false
}

extension LogFormat: ExpressibleByArgument {}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The whole job: every file of the input folder in, every report out.",
        discussion: "Exit codes: 0 written, nothing rejected; 1 written, something rejected (see issues.csv); 2 usage or configuration error; 3 another run is in progress; 4 the run failed, the previous output is intact."
    )

    @Option(help: "The input folder.") var input = "Input"
    @Option(help: "The output folder.") var output = "Output"
    @Option(name: .customLong("min-cell"), help: "The base k of keyed rounding: every count under unhcr/ is shared as a multiple of k.") var minCell = 5
    @Option(name: .customLong("key-file"), help: "The key of keyed rounding (16 to 1,024 bytes; caseload keygen writes one). Keep the same key for good.") var keyFile: String?
    @Option(name: .customLong("max-reject-rate"), help: "Share of rejected records above which a file is rejected whole.") var maxRejectRate = 0.2
    @Flag(help: "Add a row of HXL hashtags to the CSV files under unhcr/.") var hxl = false
    @Option(name: .customLong("ctdc-k"), help: "The k of the k-anonymity of ctdc/victims.csv (CTDC's is 11).") var ctdcK = 11
    @Option(help: "Files judged at once (0: one per core).") var threads = 0
    @Option(help: "Also write how the run went to FILE in the Prometheus text format (node_exporter's textfile collector), on every exit code; replaced atomically.") var metrics: String?
    @OptionGroup var log: LogOptions

    func validate() throws {
        guard minCell >= 1 else { throw ValidationError("--min-cell must be at least 1") }
        guard ctdcK >= 2 && ctdcK <= 1000 else { throw ValidationError("--ctdc-k must be between 2 and 1000") }
        guard (0...1).contains(maxRejectRate) else { throw ValidationError("--max-reject-rate must be between 0 and 1") }
        guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
    }

    func run() throws {
        let logger = Logs.bootstrap(format: log.logFormat, quiet: log.quiet)
        var o = RunOptions()
        o.input = input
        o.output = output
        o.minCell = minCell
        o.ctdcK = ctdcK
        o.keyFile = keyFile
        o.hxl = hxl
        o.judge = JudgeOptions(maxRejectRate: maxRejectRate, threads: threads)
        o.staleRemoved = { path in logger.warning("removed \(path), the staging folder a killed run left") }
        if let progress = Progress.ifTerminal(enabled: !log.quiet && log.logFormat == .plain) {
            o.progress = { progress.update($0, $1) }
        }
        let started = Clock.wall()
        let startedAt = Clock.unixTime()
        Signals.stopRunAtSafePoints(staging: OutputFolder(path: output).stagingPath, logger: logger)
        logger.info("run started", metadata: ["input": "\(input)", "output": "\(output)", "min_cell": "\(minCell)", "key_file": "\(keyFile != nil)", "max_reject_rate": "\(maxRejectRate)"])
        let outcome = Pipeline.run(o)
        switch outcome {
        case .written(let j, let figures, _, let sinkFailures):
            Summary.log(j, figures: figures, output: output, logger: logger, seconds: Clock.wall() - started)
            for failure in sinkFailures { logger.error("\(output) was written, but a result sink failed: \(failure)") }
            logger.info("run finished", metadata: ["exit": "\(outcome.exitCode)"])
        case .configuration(let e):
            logger.error("configuration error: \(e.description); nothing was written", metadata: ["exit": "2"])
        case .busy:
            logger.error("another run is in progress on \(output); nothing was changed", metadata: ["exit": "3"])
        case .failed(let why):
            logger.error("the run failed: \(why); the previous \(output) is left as it was", metadata: ["exit": "4"])
        }
        if let metrics {
            var m = Metrics(command: "run", started: startedAt, seconds: Clock.wall() - started, exitCode: outcome.exitCode, previousFile: metrics)
            if case .written(let j, let figures, _, _) = outcome {
                RunCounts(j, figures: figures).metrics(into: &m, peakBytes: Memory.peakResidentKiB().map { $0 * 1024 })
            }
            if let failure = m.write(to: metrics) { logger.error("\(failure)") }
        }
        throw ExitCode(outcome.exitCode)
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge submission files against the registry and print their issues; writes nothing.",
        discussion: "Exit codes: 0 all would be accepted; 1 some would be rejected; 2 usage or configuration error."
    )

    @Option(help: "The input folder whose facilities.csv is the registry.") var input = "Input"
    @Option(name: .customLong("max-reject-rate"), help: "Share of rejected records above which a file is rejected whole.") var maxRejectRate = 0.2
    @Argument(help: "The files to judge.") var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file") }
    }

    func run() throws {
        let judged: [JudgedFile]
        do {
            judged = try Pipeline.validate(paths: files, input: input, options: JudgeOptions(maxRejectRate: maxRejectRate))
        } catch {
            FileHandleOut.stderr("caseload: \(error.description)\n")
            throw ExitCode(2)
        }
        var out = ""
        var rejected = false
        for f in judged {
            for i in f.issues().sorted(by: Issue.sortOrder) { out += i.terminalLine + "\n" }
            if f.outcome == .rejected { rejected = true }
            if f.findings.contains(where: { $0.code.severity == .error }) { rejected = true }
        }
        FileHandleOut.stdout(out)
        throw ExitCode(rejected ? 1 : 0)
    }
}

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "What an issue code means and how a centre fixes it.")

    @Argument(help: "An issue code, e.g. CODE or FIELD_COUNT.") var code: String

    func run() throws {
        guard let c = IssueCode(rawValue: code.uppercased()) else {
            FileHandleOut.stderr("caseload: unknown issue code '\(code)'. Known codes: \(IssueCode.allCases.map(\.rawValue).joined(separator: ", "))\n")
            throw ExitCode(2)
        }
        let e = c.explanation
        FileHandleOut.stdout("\(c.rawValue) (\(c.severity.rawValue))\n\n\(e.meaning)\n\nHow to fix: \(e.fix)\n")
    }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the published XSD of a submission kind.")

    @Argument(help: "detention or shelter") var kind: String

    func run() throws {
        guard let k = SubmissionKind(rawValue: kind) else { throw ValidationError("kind must be detention or shelter") }
        FileHandleOut.stdout(SubmissionSchema.xsd(for: k))
    }
}

struct Synth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic input folder (registry and submissions, both kinds, both formats)."
    )

    @Option(help: "The folder to write (created when missing; files of the same names are replaced).") var out: String
    @Option(help: "Seed of the generator: the same seed gives the same bytes.") var seed: UInt64 = 2012
    @Option(help: "Multiplies the population (1: about 2,225 migrants in 2012-03 and 4,000 victims).") var scale = 1.0
    @Flag(name: .customLong("no-faults"), help: "Leave out the deliberate faults (misnamed file, resubmission, bad rows).") var noFaults = false
    @Option(name: .customLong("xml-share"), help: "About this share of the bytes in XML (0 to 1); default: each facility keeps its format.") var xmlShare: Double?

    func validate() throws {
        guard scale > 0, scale <= 1000 else { throw ValidationError("--scale must be above 0 and at most 1000") }
        if let x = xmlShare, !(0...1).contains(x) { throw ValidationError("--xml-share must be between 0 and 1") }
    }

    func run() throws {
        let (files, truth) = SynthGenerator.generate(SynthOptions(seed: seed, scale: scale, faults: !noFaults, xmlShare: xmlShare))
        do {
            for f in files {
                let path = out + "/" + f.path
                if let slash = path.lastIndex(of: "/") { try makeDirectories(String(path[..<slash])) }
                try writeFile(f.bytes, to: path)
            }
        } catch {
            FileHandleOut.stderr("caseload: \(error.description)\n")
            throw ExitCode(4)
        }
        let bytes = files.reduce(0) { $0 + $1.bytes.count }
        FileHandleOut.stderr("wrote \(files.count) files, \(truth.records) records, \(bytes) bytes into \(out)\n")
    }
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a new random key for --key-file (never overwrites a file).",
        discussion: "32 bytes from the system's random source, as 64 hex digits and a newline, in a new file of mode 0600. Keep one key for good: a new key re-draws every rounding. Exit codes: 0 written; 2 the file exists; 4 it could not be written."
    )

    @Argument(help: "The key file to create.") var file: String

    func run() throws {
        do {
            try KeyFile.generate(file)
        } catch {
            FileHandleOut.stderr("caseload: \(error.description)\n")
            if case .exists = error { throw ExitCode(2) }
            throw ExitCode(4)
        }
        FileHandleOut.stderr("wrote a new key into \(file) (mode 0600); keep it for good and keep it out of the shared folders\n")
    }
}

/// The warehouse's address options, shared by `warehouse init` and `publish`.
struct WarehouseOptions: ParsableArguments {
    @Option(name: .customLong("warehouse"), help: "postgresql://user[:password]@host[:port]/db; without it, the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE).")
    var url: String?

    func address() throws(Warehouse.Failure) -> WarehouseAddress {
        do {
            return try WarehouseAddress.resolve(url: url, environment: ProcessInfoEnvironment.all)
        } catch {
            throw .configuration(error.description)
        }
    }
}

struct WarehouseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "warehouse", abstract: "The offices' PostgreSQL warehouse.", subcommands: [WarehouseInit.self])
}

struct WarehouseInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init", abstract: "Create or migrate the schema caseload (running it twice changes nothing).",
        discussion: "Exit codes: 0 done; 2 usage or configuration error; 4 the warehouse failed (nothing changed).")

    @OptionGroup var warehouse: WarehouseOptions

    func run() throws {
        do {
            let address = try warehouse.address()
            FileHandleOut.stderr("caseload: \(try Warehouse.initialize(address)) (\(address))\n")
        } catch {
            FileHandleOut.stderr("caseload: \(error.description)\n")
            throw ExitCode(error.exitCode)
        }
    }
}

struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load one complete output folder into the warehouse, as one office's rows, in one transaction.",
        discussion: "Exit codes: 0 done (or already published); 2 usage or configuration error (bad address, unknown office, not a caseload output, a file that differs from its manifest); 3 a run is in progress; 4 the warehouse failed (nothing changed).")

    @Option(help: "The output folder of a run.") var output = "Output"
    @Option(help: "The office code, as caseload.offices knows it (e.g. IDN).") var office: String
    @OptionGroup var warehouse: WarehouseOptions
    @Option(help: "Also write how the publish went to FILE in the Prometheus text format, on every exit code; replaced atomically.") var metrics: String?

    func run() throws {
        let started = Clock.wall()
        let startedAt = Clock.unixTime()
        var loaded: (figures: Int, files: Int, issues: Int)?
        var code: Int32 = 0
        defer {
            if let metrics {
                var m = Metrics(command: "publish", started: startedAt, seconds: Clock.wall() - started, exitCode: code, previousFile: metrics)
                if let loaded {
                    m.gauge(
                        "rows", "Rows the last publish loaded, by table (0 when the run was already in the warehouse).",
                        [([("table", "figures")], Double(loaded.figures)), ([("table", "files")], Double(loaded.files)), ([("table", "issues")], Double(loaded.issues))])
                }
                if let failure = m.write(to: metrics) { FileHandleOut.stderr("caseload: \(failure)\n") }
            }
        }
        do {
            let address = try warehouse.address()
            var st = stat()
            guard stat(output + "/manifest.json", &st) == 0 else { throw Warehouse.Failure.configuration("\(output) is not a caseload output: it has no manifest.json") }
            // The run's lock, held while the folder is read: no run replaces it meanwhile.
            let folder = OutputFolder(path: output)
            let locked: Bool
            do { locked = try folder.lock() } catch { throw Warehouse.Failure.configuration(error.description) }
            guard locked else { throw Warehouse.Failure.busy("a run is in progress on \(output); nothing was loaded") }
            let run: PublishedRun
            do { run = try PublishedRun.read(output) } catch { throw Warehouse.Failure.configuration(error.description) }
            switch try Warehouse.publish(run, office: office, address) {
            case .unchanged:
                loaded = (0, 0, 0)
                FileHandleOut.stderr("caseload: run \(run.runSHA256.prefix(12)) of \(office) is already in the warehouse at \(address); nothing changed\n")
            case .loaded(let figures, let files, let issues):
                loaded = (figures, files, issues)
                FileHandleOut.stderr("caseload: published run \(run.runSHA256.prefix(12)) of \(office) to \(address): \(figures) figures, \(files) files, \(issues) issues\n")
            }
        } catch let e as Warehouse.Failure {
            FileHandleOut.stderr("caseload: \(e.description)\n")
            code = e.exitCode
            throw ExitCode(e.exitCode)
        }
    }
}

/// The process environment, without Foundation.
enum ProcessInfoEnvironment {
    static var all: [String: String] {
        var out: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { out[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return out
    }
}
