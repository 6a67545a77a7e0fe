import CaseloadCore
import Ingest
import Validate
import Aggregate
import Emit
import CSystem
#if canImport(Glibc)
import Glibc
#endif

/// Options of `caseload run`.
public struct RunOptions: Sendable {
    public var input: String = "Input"
    public var output: String = "Output"
    public var judge = JudgeOptions()
    /// The base k of keyed rounding (`--min-cell`).
    public var minCell: Int = 5
    /// `--key-file`: the key of the record keys (HMAC-SHA256); without one, plain SHA-256.
    public var keyFile: String?
    public var hxl = false
    /// Called as files are judged (from worker threads).
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?

    public init() {}
}

/// How a run ended; the command maps it to an exit code.
public enum RunOutcome: Sendable {
    /// Reports written; `rejections` says whether any file or record was rejected.
    case written(Pipeline.Judgement, [PeriodFigures], rejections: Bool)
    case configuration(ConfigurationError)
    case busy
    case failed(String)

    /// The exit codes of outputs.md.
    public var exitCode: Int32 {
        switch self {
        case .written(_, _, let r): return r ? 1 : 0
        case .configuration: return 2
        case .busy: return 3
        case .failed: return 4
        }
    }
}

extension Pipeline {
    /// The whole job: the files judged period by period, each period's figures made (and its
    /// records let go) as soon as its files are judged, every output written into a staging
    /// folder as it is made, and the folder put in place of `Output/` at once.
    public static func run(_ options: RunOptions) -> RunOutcome {
        Memory.configure()
        let key: [UInt8]?
        do {
            try checkFolders(input: options.input, output: options.output)
            key = try options.keyFile.map { path throws(ConfigurationError) in try KeyFile.load(path) }
        } catch {
            return .configuration(error)
        }
        let folder = OutputFolder(path: options.output)
        do {
            guard try folder.lock() else { return .busy }
        } catch {
            return .failed(error.description)
        }
        let registry: Registry, entries: [InputEntry]
        do {
            (registry, entries) = try open(input: options.input, options: options.judge)
        } catch {
            return .configuration(error)
        }
        let staging: OutputFolder.Staging
        do {
            staging = try folder.begin()
        } catch {
            return .failed(error.description)
        }
        var written: [ManifestJSON.Output] = []
        func write(_ path: String, _ bytes: [UInt8]) throws(OutputError) {
            try staging.write(path, bytes)
            written.append(ManifestJSON.Output(path: path, bytes: bytes.count, sha256: Digest.sha256(bytes)))
        }
        var rules = AcrossFiles.PeriodRules(registry: registry)
        let history = History(registry: registry, recordKeys: KeyFile.recordKeys(key))
        var releases = KeyedRounding.Releases(k: options.minCell, facilities: Array(registry.facilities.values))
        var across: [Issue] = []
        var figures: [PeriodFigures] = []
        var t: [String: Double] = ["periods": 0, "walk": 0, "caseload": 0]
        let started = Clock.wall()
        var judgement: Judgement
        do {
            let files = try Engine.run(entries: entries, input: options.input, registry: registry, options: options.judge,
                                       threads: threads(options.judge), progress: options.progress) { work, files throws(OutputError) in
                let begun = Clock.wall()
                defer { t["periods"]! += Clock.wall() - begun }
                let used = submissions(&files, registry: registry)
                guard !used.isEmpty else {
                    across += rules.advance(work.period, submissions: used, cases: PeriodCases(used), files: files)
                    return
                }
                // One walk over the period's cases feeds the rules across files and the figures.
                var c = Clock.wall()
                let rulesPass = rules.begin(work.period, submissions: used, files: files)
                let figuresPass = history.begin(work.period, submissions: used)
                // The records are read by this walk only, and let go as it leaves them behind.
                PeriodCases(used).forEachCase(consuming: true) { group in
                    rulesPass.visit(group)
                    figuresPass.visit(group)
                }
                across += rules.end(rulesPass)
                var f = figuresPass.finish()
                f.shared = releases.share(f)
                t["walk"]! += Clock.wall() - c
                c = Clock.wall()
                defer { t["caseload"]! += Clock.wall() - c }
                // The caseload list goes out at once; the rest of the period's outputs need the
                // data quality of the whole run.
                let path = caseloadPath(f.period)
                let file = try staging.create(path)
                let digest = StreamingDigest()
                try CaseloadCSV.render(period: f.period, rows: f.caseload, facilities: f.facilities, hxl: options.hxl) { chunk throws(OutputError) in
                    digest.update(chunk)
                    try file.write(chunk)
                }
                try file.close()
                written.append(ManifestJSON.Output(path: path, bytes: file.bytes, sha256: digest.hex()))
                f.caseload = []
                figures.append(f)
                for i in files.indices { files[i].records = RecordList() }
            }
            t["judge"] = Clock.wall() - started
            judgement = Self.judgement(registry, files, across, timings: t)
            var c = Clock.wall()
            let outputs = render(judgement, figures: figures, options: options, caseload: false)
            judgement.timings["render"] = Clock.wall() - c
            c = Clock.wall()
            for o in outputs { try write(o.path, o.bytes) }
            try write("manifest.json", manifest(judgement, figures: figures, options: options, key: key, outputs: written))
            try staging.commit()
            judgement.timings["write"] = Clock.wall() - c
        } catch {
            staging.abort()
            return .failed(error.description)
        }
        let rejections = judgement.issues.contains { $0.severity == .error }
        return .written(judgement, figures, rejections: rejections)
    }

    static func caseloadPath(_ p: Period) -> String { "\(p)/unhcr/caseload.csv" }

    /// The output files of a judgement and its figures, by path relative to the output folder: per
    /// period the internal report and the shared exports (`caseload.csv` unless it was written
    /// already), then issues.csv. The manifest is made from them (`manifest`).
    static func render(_ j: Judgement, figures: [PeriodFigures], options: RunOptions, caseload: Bool) -> [(path: String, bytes: [UInt8])] {
        let names = j.registry.facilities.mapValues(\.name)
        // Periods are rendered apart from each other, in parallel; their order is kept.
        let perPeriod = parallelMap(figures, threads: threads(options.judge)) { f -> [(path: String, bytes: [UInt8])] in
            let p = f.period.description
            let quality = dataQuality(j, period: f.period)
            var out: [(path: String, bytes: [UInt8])] = [
                ("\(p)/report.html", ReportHTML.render(f, context: ReportHTML.Context(history: figures.filter { $0.period <= f.period },
                                                                                     quality: quality, facilityNames: names, k: options.minCell))),
                ("\(p)/report.json", ReportJSON.render(f, quality: quality)),
                ("\(p)/unhcr/aggregates.csv", AggregatesCSV.render(period: f.period, cells: f.shared, hxl: options.hxl)),
            ]
            if caseload { out.append((caseloadPath(f.period), CaseloadCSV.render(period: f.period, rows: f.caseload, facilities: f.facilities, hxl: options.hxl))) }
            return out
        }
        return perPeriod.flatMap { $0 } + [("issues.csv", IssuesCSV.render(j.issues))]
    }

    /// Every output file, the manifest last (tests and tools; `run` writes them as it goes).
    public static func render(_ j: Judgement, figures: [PeriodFigures], options: RunOptions, key: [UInt8]? = nil) -> [(path: String, bytes: [UInt8])] {
        var files = render(j, figures: figures, options: options, caseload: true)
        let outputs = files.map { ManifestJSON.Output(path: $0.path, bytes: $0.bytes.count, sha256: Digest.sha256($0.bytes)) }
        files.append(("manifest.json", manifest(j, figures: figures, options: options, key: key, outputs: outputs)))
        return files
    }

    static func manifest(_ j: Judgement, figures: [PeriodFigures], options: RunOptions, key: [UInt8]?, outputs: [ManifestJSON.Output]) -> [UInt8] {
        let inputs = j.files.map {
            ManifestJSON.Input(path: $0.path, pathBytes: $0.pathBytes, bytes: $0.size, sha256: $0.sha256, name: $0.name,
                               outcome: $0.outcome, accepted: $0.acceptedRecords, rejected: $0.rejectedRecords)
        }
        return ManifestJSON.render(minCell: options.minCell, keyFingerprint: key.map(RecordKeys.fingerprint),
                                   maxRejectRate: options.judge.maxRejectRate, hxl: options.hxl,
                                   periods: figures.map(\.period), inputs: inputs, outputs: outputs)
    }

    /// Every figure of every period, from the used files of a judgement (which keep their records
    /// until then): the same history `run` advances period by period. The records are let go.
    public static func aggregate(_ j: inout Judgement, threads: Int = 0, k: Int = 5, key: [UInt8]? = nil) -> [PeriodFigures] {
        var history = History(registry: j.registry, recordKeys: KeyFile.recordKeys(key))
        var releases = KeyedRounding.Releases(k: k, facilities: Array(j.registry.facilities.values))
        var byPeriod: [Period: [Int]] = [:]
        for i in j.files.indices where j.files[i].outcome == .accepted { byPeriod[j.files[i].name!.period, default: []].append(i) }
        var figures: [PeriodFigures] = []
        for p in byPeriod.keys.sorted() {
            let used = byPeriod[p]!.map { i in
                UsedSubmission(kind: j.files[i].name!.kind, facility: j.registry[j.files[i].name!.facility]!, period: p,
                               records: j.files[i].records, file: i)
            }
            var f = history.advance(p, submissions: used, cases: PeriodCases(used))
            f.shared = releases.share(f)
            figures.append(f)
        }
        for i in j.files.indices { j.files[i].records = RecordList() }
        return figures
    }

    /// The data-quality figures of one period: its files by kind and facility, its records,
    /// its issues by code, its missing submissions.
    static func dataQuality(_ j: Judgement, period: Period) -> DataQuality {
        var counts: [String: DataQuality.FileCounts] = [:]
        var accepted = 0, rejected = 0
        for f in j.files {
            guard let n = f.name, n.period == period else { continue }
            let key = "\(n.kind.rawValue) \(n.facility)"
            var c = counts[key] ?? DataQuality.FileCounts(kind: n.kind.rawValue, facility: n.facility)
            switch f.outcome {
            case .accepted: c.accepted += 1; accepted += f.acceptedRecords
            case .rejected: c.rejected += 1
            case .superseded: c.superseded += 1
            case .duplicate: c.duplicate += 1
            }
            if f.outcome != .duplicate && f.outcome != .superseded { rejected += f.rejectedRecords }
            counts[key] = c
        }
        let mine = j.issues.filter { $0.period == period.description }
        let byCode = Dictionary(grouping: mine, by: \.code).map { (code: $0.key.rawValue, severity: $0.key.severity.rawValue, count: $0.value.count) }
        let missing = mine.filter { $0.code == .MISSING_SUBMISSION }.compactMap { i -> (kind: String, facility: String)? in
            guard let fac = i.facility, let f = j.registry[fac] else { return nil }
            return (f.kind == .SHELTER ? "shelter" : "detention", fac)
        }
        let rejectedFiles = j.files.filter { $0.name?.period == period && $0.outcome == .rejected }.sorted(by: JudgedFile.pathOrder).map { f in
            let why = f.findings.first { $0.code.isFileLevel && $0.code.severity == .error } ?? f.findings.first!
            return (path: f.path, code: why.code.rawValue, message: why.message)
        }
        return DataQuality(files: counts.keys.sorted().map { counts[$0]! }, recordsAccepted: accepted, recordsRejected: rejected,
                           issues: byCode.sorted { $0.code < $1.code }, missing: missing.sorted { ($0.kind, $0.facility) < ($1.kind, $1.facility) },
                           rejectedFiles: rejectedFiles)
    }

    /// `--output` may not lie inside the input folder, nor contain it.
    static func checkFolders(input: String, output: String) throws(ConfigurationError) {
        guard let inReal = realPath(input) else {
            throw ConfigurationError("\(input): the input folder does not exist")
        }
        let outReal = resolvedPath(output)
        if outReal == inReal || outReal.hasPrefix(inReal + "/") || inReal.hasPrefix(outReal + "/") || outReal == "/" {
            throw ConfigurationError("the output folder \(output) may not lie inside the input folder \(input), nor contain it")
        }
    }

    static func realPath(_ p: String) -> String? {
        guard let r = realpath(p, nil) else { return nil }
        defer { free(r) }
        return String(cString: r)
    }

    /// The real path of a folder that may not exist yet: its nearest existing ancestor, resolved.
    static func resolvedPath(_ p: String) -> String {
        if let r = realPath(p) { return r }
        var path = p
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard let slash = path.lastIndex(of: "/") else {
            return (realPath(".") ?? ".") + "/" + path
        }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        let base = String(path[path.index(after: slash)...])
        let rp = resolvedPath(parent)
        return (rp == "/" ? "" : rp) + "/" + base
    }
}

/// How the process asks for memory. glibc serves blocks above a threshold straight from the
/// system and gives them back when freed, but raises that threshold each time such a block is
/// freed, up to 32 MiB: the records of every period (a few MB each) would then be carved from the
/// heap, which keeps its high-water mark. A fixed threshold keeps large, short-lived blocks (a
/// period's records, a file's window) off the heap, so memory follows what is in use.
public enum Memory {
    private static let once: Void = { _ = caseload_fixed_mmap_threshold(128 * 1024) }()
    static func configure() { _ = once }

    /// The peak resident memory of this process image, in KiB (`VmHWM` of /proc/self/status), or
    /// nil where there is no such file. Unlike `getrusage`, it does not count the process that
    /// started this one before it was replaced by it (a benchmark's Python, say).
    public static func peakResidentKiB() -> Int? {
        let fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 8192)
        let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        let text = String(decoding: bytes[..<n], as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).filter(\.isNumber))
        }
        return nil
    }
}
