import CaseloadCore
import Ingest
import Validate
import Aggregate
import Emit
#if canImport(Glibc)
import Glibc
#endif

/// Options of `caseload run`.
public struct RunOptions: Sendable {
    public var input: String = "Input"
    public var output: String = "Output"
    public var judge = JudgeOptions()
    public var minCell: Int = 5
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
    /// The whole job: judge every file, render every output, put `Output/` in place at once.
    public static func run(_ options: RunOptions) -> RunOutcome {
        do {
            try checkFolders(input: options.input, output: options.output)
        } catch {
            return .configuration(error)
        }
        let folder = OutputFolder(path: options.output)
        do {
            guard try folder.lock() else { return .busy }
        } catch {
            return .failed(error.description)
        }
        var judgement: Judgement
        do {
            judgement = try judge(input: options.input, options: options.judge, progress: options.progress)
        } catch {
            return .configuration(error)
        }
        var t = Clock.wall()
        let figures = aggregate(&judgement, threads: options.judge.threads)
        judgement.timings["aggregate"] = Clock.wall() - t
        t = Clock.wall()
        let outputs = render(judgement, figures: figures, options: options)
        judgement.timings["render"] = Clock.wall() - t
        t = Clock.wall()
        do {
            try folder.replace(with: outputs)
        } catch {
            return .failed(error.description)
        }
        judgement.timings["write"] = Clock.wall() - t
        let rejections = judgement.issues.contains { $0.severity == .error }
        return .written(judgement, figures, rejections: rejections)
    }

    /// Every output file, by its path relative to the output folder: per period the internal
    /// report and the shared exports, then issues.csv, then the manifest of them all.
    public static func render(_ j: Judgement, figures: [PeriodFigures], options: RunOptions) -> [(path: String, bytes: [UInt8])] {
        var files: [(path: String, bytes: [UInt8])] = []
        let names = j.registry.facilities.mapValues(\.name)
        // Periods are rendered apart from each other, in parallel; their order is kept.
        let perPeriod = parallelMap(figures, threads: options.judge.threads > 0 ? options.judge.threads : cores) { f -> [(path: String, bytes: [UInt8])] in
            let p = f.period.description
            let quality = dataQuality(j, period: f.period)
            return [
                ("\(p)/report.html", ReportHTML.render(f, context: ReportHTML.Context(history: figures.filter { $0.period <= f.period },
                                                                                     quality: quality, facilityNames: names))),
                ("\(p)/report.json", ReportJSON.render(f, quality: quality)),
                ("\(p)/unhcr/aggregates.csv", AggregatesCSV.render(period: f.period, cells: Suppression.sharedCells(f, k: options.minCell), hxl: options.hxl)),
                ("\(p)/unhcr/caseload.csv", CaseloadCSV.render(period: f.period, rows: f.caseload, hxl: options.hxl)),
            ]
        }
        files += perPeriod.flatMap { $0 }
        files.append(("issues.csv", IssuesCSV.render(j.issues)))
        let inputs = j.files.map {
            ManifestJSON.Input(path: $0.path, pathBytes: $0.pathBytes, bytes: $0.size, sha256: $0.sha256, name: $0.name,
                               outcome: $0.outcome, accepted: $0.acceptedRecords, rejected: $0.rejectedRecords)
        }
        let outputs = files.map { ManifestJSON.Output(path: $0.path, bytes: $0.bytes.count, sha256: Digest.sha256($0.bytes)) }
        files.append(("manifest.json", ManifestJSON.render(minCell: options.minCell, maxRejectRate: options.judge.maxRejectRate, hxl: options.hxl,
                                                           periods: figures.map(\.period), inputs: inputs, outputs: outputs)))
        return files
    }

    /// Stage 4: the figures of every period, from the used files only. The records move from the
    /// judged files into the aggregation (nothing needs them afterwards), so they are never held twice.
    /// Every figure of every period. The two histories (migrants, victims) are independent and
    /// run at once on the given threads (0: one per core); they read the judged files' records in
    /// place, which are let go afterwards. (The rules across files ran before, in `judge`: run
    /// beside the histories, their sorted entries would add 40 bytes a record to the peak.)
    public static func aggregate(_ j: inout Judgement, threads: Int = 0) -> [PeriodFigures] {
        let plan = Aggregator.Plan(usedSubmissions(j))
        enum Done: Sendable {
            case migrants([Aggregator.MigrantFigures])
            case victims([[IndicatorFigures]])
        }
        let done = parallelMap([false, true], threads: threads > 0 ? threads : cores) { victims -> Done in
            victims ? .victims(plan.victims()) : .migrants(plan.migrants())
        }
        guard case .migrants(let m) = done[0], case .victims(let v) = done[1] else {
            preconditionFailure("jobs come back in order")
        }
        for i in j.files.indices { j.files[i].records = RecordList() }
        return plan.assemble(migrants: m, victims: v)
    }

    /// The accepted files' records as the aggregation reads them (the arrays are shared).
    static func usedSubmissions(_ j: Judgement) -> [UsedSubmission] {
        j.files.filter { $0.outcome == .accepted }.map { f in
            UsedSubmission(kind: f.name!.kind, facility: j.registry[f.name!.facility]!, period: f.name!.period, records: f.records)
        }
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
