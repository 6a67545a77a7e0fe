import Aggregate
import CaseloadCore
import Emit
import Ingest
import Validate
#if canImport(Glibc)
    import Glibc
#endif

/// Every file judged and every issue of a run, with the registry they were judged against.
public struct JudgedRun: Sendable {
    public var registry: Registry
    public var files: [JudgedFile]
    public var issues: [Issue]
    /// Wall-clock seconds by stage, for the log and `make bench`: `judge` (every file judged,
    /// the periods handled as they complete), `periods` (of which the period stage took:
    /// `walk`, the rules across files and the figures, and `caseload`, its caseload.csv),
    /// `render` and `write` (the rest of the outputs, and the swap).
    public var timings: [String: Double] = [:]
    /// What the anonymisation of the CTDC file did (docs/ctdc.md).
    public var ctdc = CTDC.Report(k: CTDC.defaultK)
}

/// A run's judgement and its figures, period by period.
public struct Evaluation: Sendable {
    public var run: JudgedRun
    public var figures: [PeriodFigures]
    /// The lines of `ctdc/victims.csv` (without its header), k-anonymous: each distinct line, in
    /// the file's order, with how many times it is written.
    public var ctdcRows: [CTDC.Row] = []
}

/// The registry and the entries of an input folder.
struct Opened {
    let registry: Registry
    let entries: [InputEntry]
}

extension Pipeline {
    /// The same composition as `run` for tests and tools: every file judged, every figure made,
    /// nothing written; the used files keep their records unless `keepRecords` is false.
    public static func evaluate(_ options: RunOptions, keepRecords: Bool = true) throws(ConfigurationError) -> Evaluation {
        let key = try checkKey(options)
        let opened = try open(input: options.input, options: options.judge)
        return evaluate(opened, options, key: key, keepRecords: keepRecords) { (_: inout PeriodFigures) throws(Never) in }
    }

    /// The judged run alone (tests and tools), from the same composition.
    public static func judge(input: String, options: JudgeOptions) throws(ConfigurationError) -> JudgedRun {
        var o = RunOptions()
        o.input = input
        o.judge = options
        return try evaluate(o).run
    }

    /// Every output file of an evaluation, the manifest last (tests and tools; `run` writes them
    /// as they are made).
    public static func render(_ e: Evaluation, options: RunOptions, key: [UInt8]? = nil) throws(OutputError) -> [(path: String, bytes: [UInt8])] {
        let render = renderOptions(options, e.run.registry)
        var files: [(path: String, bytes: [UInt8])] = []
        for f in e.figures {
            for format in OutputTable.formats {
                if case .periodAtOnce(let make) = format.render {
                    files.append((format.path(f.period), OutputFormat.collect { make(f, render, $0) }))
                }
            }
        }
        var outputs = files.map { ManifestJSON.Output(path: $0.path, bytes: $0.bytes.count, sha256: Digest.sha256($0.bytes)) }
        let atEnd = try renderAtEnd(e, render, threads: threads(options.judge))
        files += atEnd.map { ($0.path, $0.bytes) }
        outputs += atEnd.map(\.manifestEntry)
        files.append((OutputTable.manifest, manifest(e, options, key: key, outputs: outputs)))
        return files
    }

    static func renderOptions(_ options: RunOptions, _ registry: Registry) -> RenderOptions {
        RenderOptions(k: options.minCell, hxl: options.hxl, facilityNames: registry.facilities.mapValues(\.name))
    }

    /// A file made at the end of the run, with its size and SHA-256 for the manifest; its bytes,
    /// unless it has been written already.
    struct EndFile: Sendable {
        var path: String
        var bytes: [UInt8]
        var count: Int
        var sha256: String

        var manifestEntry: ManifestJSON.Output { ManifestJSON.Output(path: path, bytes: count, sha256: sha256) }
    }

    /// Writes a file of the result where it belongs (a path under the output folder).
    typealias Writer = @Sendable (String, [UInt8]) throws(OutputError) -> Void

    /// The outputs made at the end of the run, each hashed where it is made and, given `write`,
    /// written there too (its bytes then let go): the run's own and every period's, in parallel
    /// (the run's first: the CTDC file, the largest, is made and on its way to the disk while the
    /// periods' are), in that order.
    static func renderAtEnd(_ e: Evaluation, _ render: RenderOptions, threads: Int, write: Writer? = nil) throws(OutputError) -> [EndFile] {
        let quality = Dictionary(
            uniqueKeysWithValues: e.figures.map {
                ($0.period, DataQuality.of(period: $0.period, files: e.run.files, issues: e.run.issues, registry: e.run.registry))
            })
        let facts = RunFacts(
            figures: e.figures, qualityByPeriod: quality, issues: e.run.issues, inputs: inputs(e), ctdcRows: e.ctdcRows, ctdc: e.run.ctdc)
        let ofRun = OutputTable.formats.filter { if case .run = $0.render { true } else { false } }
        let made = parallelMap(Array(0..<(ofRun.count + e.figures.count)), threads: threads) { i -> [Result<EndFile, OutputError>] in
            func file(_ path: String, _ bytes: [UInt8]) throws(OutputError) -> EndFile {
                let sha256 = Digest.sha256(bytes)
                guard let write else { return EndFile(path: path, bytes: bytes, count: bytes.count, sha256: sha256) }
                try write(path, bytes)
                return EndFile(path: path, bytes: [], count: bytes.count, sha256: sha256)
            }
            if i < ofRun.count {
                guard case .run(let make) = ofRun[i].render else { return [] }
                return [Result { () throws(OutputError) in try file(ofRun[i].name, make(render, facts)) }]
            }
            let f = e.figures[i - ofRun.count]
            return OutputTable.formats.compactMap { format in
                guard case .period(let make) = format.render else { return nil }
                return Result { () throws(OutputError) in try file(format.path(f.period), try make(f, render, facts)) }
            }
        }
        return try made.flatMap { $0 }.map { r throws(OutputError) in try r.get() }
    }

    /// The input files as the manifest lists them.
    static func inputs(_ e: Evaluation) -> [ManifestJSON.Input] {
        e.run.files.map {
            ManifestJSON.Input(
                path: $0.path, pathBytes: $0.pathBytes, bytes: $0.size, sha256: $0.sha256, name: $0.name,
                outcome: $0.outcome, accepted: $0.acceptedRecords, rejected: $0.rejectedRecords)
        }
    }

    static func manifest(_ e: Evaluation, _ options: RunOptions, key: [UInt8]?, outputs: [ManifestJSON.Output]) -> [UInt8] {
        ManifestJSON.render(
            minCell: options.minCell, keyFingerprint: key.map(RecordKeys.fingerprint),
            maxRejectRate: options.judge.maxRejectRate, hxl: options.hxl,
            periods: e.figures.map(\.period), inputs: inputs(e), outputs: outputs)
    }

    /// Hands the committed result to every sink; the names and reasons of those that failed.
    static func deliver(_ e: Evaluation, _ options: RunOptions, manifest: [UInt8]) -> [String] {
        guard !options.sinks.isEmpty else { return [] }
        let result = DeliveredResult(output: options.output, figures: e.figures, issues: e.run.issues, files: e.run.files, manifest: manifest)
        var failures: [String] = []
        for sink in options.sinks {
            do { try sink.deliver(result) } catch { failures.append("\(sink.name): \(error)") }
        }
        return failures
    }

    /// The registry and the entries of the input folder.
    static func open(input: String, options: JudgeOptions) throws(ConfigurationError) -> Opened {
        var st = stat()
        guard stat(input, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError("\(input): the input folder does not exist")
        }
        let registry = try RegistryReader.load(inputFolder: input, limits: options.limits)
        LibXML.initialize()
        return Opened(registry: registry, entries: Discovery.entries(in: input))
    }

    /// `caseload validate`: the given files judged against the registry of `input`, alone and
    /// against each other (duplicates, ambiguous revisions); nothing written.
    public static func validate(paths: [String], input: String, options: JudgeOptions) throws(ConfigurationError) -> [JudgedFile] {
        let registry = try RegistryReader.load(inputFolder: input, limits: options.limits)
        LibXML.initialize()
        let entries = paths.map { InputEntry(path: $0) }
        var files = parallelMap(Array(zip(entries, paths)), threads: threads(options)) { pair in
            FileJudge.judge(entry: pair.0, readPath: pair.1, registry: registry, options: options)
        }
        let candidates = files.indices.filter { files[$0].sha256 != nil && files[$0].name != nil }
        FileRules.duplicatesAndAmbiguity(&files, candidates: candidates)
        return files
    }

    static func threads(_ options: JudgeOptions) -> Int { options.threads > 0 ? options.threads : cores }

    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// The run's files as they go into the staging folder, each with its SHA-256 for the manifest.
final class StagedOutputs {
    let staging: OutputFolder.Staging
    private(set) var written: [ManifestJSON.Output] = []
    private(set) var manifestBytes: [UInt8] = []
    /// Seconds spent writing the caseload lists during the period stage.
    private(set) var atOnceSeconds = 0.0

    init(_ staging: OutputFolder.Staging) { self.staging = staging }

    /// A period's files that are made as soon as its figures are (its caseload list), in chunks;
    /// their rows are then let go.
    func writeAtOnce(_ f: inout PeriodFigures, _ render: RenderOptions) throws(OutputError) {
        let begun = Clock.wall()
        defer { atOnceSeconds += Clock.wall() - begun }
        for format in OutputTable.formats {
            guard case .periodAtOnce(let make) = format.render else { continue }
            let path = format.path(f.period)
            let file = try staging.create(path)
            let digest = StreamingDigest()
            var failure: OutputError?
            make(f, render) { chunk in
                guard failure == nil else { return }
                digest.update(chunk)
                do throws(OutputError) { try file.write(chunk) } catch { failure = error }
            }
            if let failure { throw failure }
            try file.close()
            written.append(ManifestJSON.Output(path: path, bytes: file.bytes, sha256: digest.hex()))
        }
        f.caseload = []
    }

    /// Files made at the end of the run and written already (`Pipeline.renderAtEnd`), for the manifest.
    func record(_ files: [Pipeline.EndFile]) {
        written += files.map(\.manifestEntry)
    }

    /// Writes files into the staging folder from any thread (their manifest entries are recorded by `record`).
    var writer: Pipeline.Writer {
        let root = staging.path
        return { path, bytes throws(OutputError) in try OutputFolder.Staging.write(path, bytes, under: root) }
    }

    func writeManifest(_ bytes: [UInt8]) throws(OutputError) {
        try staging.write(OutputTable.manifest, bytes)
        manifestBytes = bytes
    }
}
