import CaseloadCore
import Ingest
import Validate
import Aggregate
import Emit
#if canImport(Glibc)
import Glibc
#endif

/// The whole job, top to bottom:
///
///     Input/ ──► Ingest ──► Validate ──► Aggregate ──► Emit ──► Output/
///
/// 1. the registry (a configuration error stops the run before anything is written);
/// 2. every entry of the input folder, judged alone and in parallel, in the order of their
///    periods: name, registry, readability, content, records (`FileJudge`, `Engine`);
/// 3. period by period, as soon as a period's files are judged: the rules between its files
///    (duplicates, ambiguous revisions, the revision choice), the rules across files (`CONFLICT`,
///    `CONTINUITY`), and its figures (`History`); its records are then let go;
/// 4. `MISSING_SUBMISSION`, once every period is known;
/// 5. the outputs, written beside `Output/` and swapped in whole (`Run.swift`).
public enum Pipeline {
    public struct Judgement: Sendable {
        public var registry: Registry
        public var files: [JudgedFile]
        public var issues: [Issue]
        /// Wall-clock seconds by stage, for the log and `make bench`: `judge` (every file judged,
        /// the periods handled as they complete), `periods` (of which the period stage took:
        /// `walk`, the rules across files and the figures, and `caseload`, its caseload.csv),
        /// `render` and `write` (the rest of the outputs, and the swap).
        public var timings: [String: Double] = [:]
    }

    /// Stages 1–4 without the figures (tests and tools): every file judged, the rules between and
    /// across files applied; the used files keep their records, for `aggregate`.
    public static func judge(input: String, options: JudgeOptions,
                             progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws(ConfigurationError) -> Judgement {
        let (registry, entries) = try open(input: input, options: options)
        var rules = AcrossFiles.PeriodRules(registry: registry)
        var across: [Issue] = []
        let started = Clock.wall()
        let files = Engine.run(entries: entries, input: input, registry: registry, options: options, threads: threads(options),
                               progress: progress) { work, files in
            let used = submissions(&files, registry: registry)
            across += rules.advance(work.period, submissions: used, cases: PeriodCases(used), files: files)
        }
        return judgement(registry, files, across, timings: ["judge": Clock.wall() - started])
    }

    /// The registry and the entries of the input folder (stage 1).
    static func open(input: String, options: JudgeOptions) throws(ConfigurationError) -> (Registry, [InputEntry]) {
        var st = stat()
        guard stat(input, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError("\(input): the input folder does not exist")
        }
        let registry = try RegistryReader.load(inputFolder: input, limits: options.limits)
        LibXML.initialize()
        return (registry, Discovery.entries(in: input))
    }

    /// The rules between the files of one period, then its used submissions, in path order
    /// (`file` is the index into `files`).
    static func submissions(_ files: inout [JudgedFile], registry: Registry) -> [UsedSubmission] {
        let candidates = files.indices.filter { files[$0].sha256 != nil && files[$0].name != nil }
        FileRules.duplicatesAndAmbiguity(&files, candidates: candidates)
        FileRules.chooseRevisions(&files)
        return files.indices.filter { files[$0].outcome == .accepted }.map { i in
            let n = files[i].name!
            return UsedSubmission(kind: n.kind, facility: registry[n.facility]!, period: n.period, records: files[i].records, file: i)
        }
    }

    /// Every issue of the run: each file's, then those across files, then the missing submissions.
    static func judgement(_ registry: Registry, _ files: [JudgedFile], _ across: [Issue], timings: [String: Double]) -> Judgement {
        let issues = files.flatMap { $0.issues() } + across + AcrossFiles.missing(files, registry: registry)
        return Judgement(registry: registry, files: files, issues: issues, timings: timings)
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

    public enum Clock {
        public static func wall() -> Double { read(CLOCK_MONOTONIC) }
        public static func threadCPU() -> Double { read(CLOCK_THREAD_CPUTIME_ID) }
        static func read(_ c: clockid_t) -> Double {
            var ts = timespec()
            clock_gettime(c, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        }
    }

    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
