import Aggregate
import CaseloadCore
import Validate

/// Stage 3 of the pipeline, one period at a time, as soon as the period's files are judged: the
/// rules between its files (duplicates, ambiguous revisions, the revision choice), then one walk
/// over its cases that feeds both the rules across files (`CONFLICT`, `CONTINUITY`) and the
/// figures, then the keyed rounding of its shared cells (which depends on the release before, so
/// periods come in order). Unless told to keep them, the records are given back as the walk leaves
/// them behind and let go at the end.
struct PeriodStage {
    let registry: Registry
    let keepRecords: Bool
    var rules: AcrossFiles.PeriodRules
    let history: History
    var releases: KeyedRounding.Releases
    /// The issues across files found so far.
    var across: [Issue] = []
    /// Wall seconds: the whole stage (`periods`) and its walk with the figures (`walk`).
    var timings: [String: Double] = ["periods": 0, "walk": 0]

    init(registry: Registry, recordKeys: RecordKeys, k: Int, keepRecords: Bool) {
        self.registry = registry
        self.keepRecords = keepRecords
        rules = AcrossFiles.PeriodRules(registry: registry)
        history = History(registry: registry, recordKeys: recordKeys)
        releases = KeyedRounding.Releases(k: k, facilities: Array(registry.facilities.values))
    }

    /// The period's figures (nil when none of its files is used); `files` are its judged files,
    /// in path order.
    mutating func run(_ p: Period, _ files: inout [JudgedFile]) -> PeriodFigures? {
        let begun = Clock.wall()
        defer { timings["periods"]! += Clock.wall() - begun }
        let used = Self.submissions(&files, registry: registry)
        guard !used.isEmpty else {
            across += rules.advance(p, submissions: used, cases: PeriodCases(used), files: files)
            return nil
        }
        let rulesPass = rules.begin(p, submissions: used, files: files)
        let figuresPass = history.begin(p, submissions: used)
        PeriodCases(used).forEachCase(consuming: !keepRecords) { group in
            rulesPass.visit(group)
            figuresPass.visit(group)
        }
        across += rules.end(rulesPass)
        var f = figuresPass.finish()
        f.shared = releases.share(f)
        timings["walk"]! += Clock.wall() - begun
        if !keepRecords { for i in files.indices { files[i].records = RecordList() } }
        return f
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
}
