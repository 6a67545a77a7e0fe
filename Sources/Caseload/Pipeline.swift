import CaseloadCore
import Ingest
import Validate
import Emit
#if canImport(Glibc)
import Glibc
#endif

/// The whole job, top to bottom:
///
///     Input/ ──► Ingest ──► Validate ──► (Aggregate) ──► Emit ──► Output/
///
/// 1. the registry (a configuration error stops the run before anything is written);
/// 2. every entry of the input folder, judged alone and in parallel: name, registry,
///    readability, content, records (`FileJudge`);
/// 3. the rules between files: duplicates and ambiguous revisions, then the revision choice;
/// 4. the rules across files (`AcrossFiles`);
/// 5. the outputs, written beside `Output/` and swapped in whole.
public enum Pipeline {
    public struct Judgement: Sendable {
        public var registry: Registry
        public var files: [JudgedFile]
        public var issues: [Issue]
        /// Wall-clock seconds by stage (`judge`, `aggregate`, `render`, `write`), for the log and `make bench`.
        public var timings: [String: Double] = [:]
    }

    /// Stages 1–4.
    public static func judge(input: String, options: JudgeOptions,
                             progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil) throws(ConfigurationError) -> Judgement {
        var st = stat()
        guard stat(input, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ConfigurationError("\(input): the input folder does not exist")
        }
        let registry = try RegistryReader.load(inputFolder: input, limits: options.limits)
        LibXML.initialize()
        let entries = Discovery.entries(in: input)
        let threads = options.threads > 0 ? options.threads : Pipeline.cores
        let done = Counter()
        let started = Clock.wall()
        var files = parallelMap(entries, threads: threads) { entry in
            let cpu = Clock.threadCPU()
            var f = FileJudge.judge(entry: entry, readPath: input + "/" + entry.displayPath, registry: registry, options: options)
            f.cpuSeconds = Clock.threadCPU() - cpu
            if let progress { progress(done.increment() + 1, entries.count) }
            return f
        }
        let judged = Clock.wall()
        let candidates = files.indices.filter { files[$0].sha256 != nil && files[$0].name != nil }
        FileRules.duplicatesAndAmbiguity(&files, candidates: candidates)
        FileRules.chooseRevisions(&files)
        var issues = files.flatMap { $0.issues() }
        let across = Clock.wall()
        issues += AcrossFiles.issues(files: files, registry: registry)
        let end = Clock.wall()
        return Judgement(registry: registry, files: files, issues: issues,
                         timings: ["judge": end - started, "files": judged - started, "across": end - across])
    }

    /// `caseload validate`: the given files judged against the registry of `input`, alone and
    /// against each other (duplicates, ambiguous revisions); nothing written.
    public static func validate(paths: [String], input: String, options: JudgeOptions) throws(ConfigurationError) -> [JudgedFile] {
        let registry = try RegistryReader.load(inputFolder: input, limits: options.limits)
        LibXML.initialize()
        let entries = paths.map { InputEntry(path: $0) }
        var files = parallelMap(Array(zip(entries, paths)), threads: options.threads > 0 ? options.threads : cores) { pair in
            FileJudge.judge(entry: pair.0, readPath: pair.1, registry: registry, options: options)
        }
        let candidates = files.indices.filter { files[$0].sha256 != nil && files[$0].name != nil }
        FileRules.duplicatesAndAmbiguity(&files, candidates: candidates)
        return files
    }

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
