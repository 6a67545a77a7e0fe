import Aggregate
import CaseloadCore
import Emit
import Ingest
import Validate
#if canImport(Glibc)
    import Glibc
#endif

/// The whole job, top to bottom:
///
///     Input/ ──► Ingest ──► Validate ──► Aggregate ──► Emit ──► Output/
///
/// 1. the configuration (input and output folders, the key file, the registry): an error here
///    stops the run before anything is created;
/// 2. every entry of the input folder, judged alone and in parallel, in the order of their
///    periods (`Engine`, `FileJudge`);
/// 3. period by period, as soon as a period's files are judged: the rules between and across its
///    files and its figures (`PeriodStage`); its caseload list is written at once;
/// 4. `MISSING_SUBMISSION`, once every period is known;
/// 5. every other output of `OutputTable`, then the manifest, into a staging folder that replaces
///    `Output/` whole; then the result's sinks (`ResultSink`).
public enum Pipeline {
    public static func run(_ options: RunOptions) -> RunOutcome {
        Memory.configure()
        let key: [UInt8]?, opened: Opened
        do {
            key = try checkConfiguration(options)
            opened = try open(input: options.input, options: options.judge)
        } catch {
            return .configuration(error)
        }
        let folder = OutputFolder(path: options.output)
        let staging: OutputFolder.Staging
        do {
            guard try folder.lock() else { return .busy }
            try stopPoint()
            staging = try folder.begin(staleRemoved: options.staleRemoved)
        } catch {
            return .failed(error.description)
        }
        let out = StagedOutputs(staging)
        let render = renderOptions(options, opened.registry)
        var evaluation: Evaluation
        do {
            evaluation = try evaluate(opened, options, key: key, keepRecords: false) { f throws(OutputError) in
                try stopPoint()
                try out.writeAtOnce(&f, render)
            }
            try stopPoint()
            evaluation.run.timings["caseload"] = out.atOnceSeconds
            evaluation.run.timings["periods"]! += out.atOnceSeconds
            var begun = Clock.wall()
            out.record(try renderAtEnd(evaluation, render, threads: threads(options.judge), write: out.writer))
            evaluation.run.timings["render"] = Clock.wall() - begun
            begun = Clock.wall()
            try stopPoint()
            try out.writeManifest(manifest(evaluation, options, key: key, outputs: out.written))
            try stopPoint()
            try staging.commit()
            evaluation.run.timings["write"] = Clock.wall() - begun
        } catch {
            staging.abort()
            return .failed(error.description)
        }
        let failures = deliver(evaluation, options, manifest: out.manifestBytes)
        return .written(
            evaluation.run, evaluation.figures, rejections: evaluation.run.issues.contains { $0.severity == .error },
            sinkFailures: failures)
    }

    /// Stages 2 to 4 on an opened input: the judged run and every period's figures. `periodDone`
    /// is handed each period's figures as soon as they are made (the run writes its caseload list
    /// there and lets the rows go).
    /// A safe point: a run asked to stop (a signal) stops here, before the next period or the next
    /// step of writing; what it staged is removed and the output folder stays as it was.
    static func stopPoint() throws(OutputError) {
        let s = Stop.requested
        if s != 0 { throw OutputError("stopped by \(Stop.name(s))") }
    }

    static func evaluate<E: Error>(
        _ opened: Opened, _ options: RunOptions, key: [UInt8]?, keepRecords: Bool,
        periodDone: (inout PeriodFigures) throws(E) -> Void
    ) throws(E) -> Evaluation {
        var stage = PeriodStage(registry: opened.registry, recordKeys: KeyFile.recordKeys(key), k: options.minCell, keepRecords: keepRecords)
        var figures: [PeriodFigures] = []
        let started = Clock.wall()
        let files = try Engine.run(
            entries: opened.entries, input: options.input, registry: opened.registry, options: options.judge,
            threads: threads(options.judge), progress: options.progress
        ) { work, files throws(E) in
            guard var f = stage.run(work.period, &files) else { return }
            try periodDone(&f)
            figures.append(f)
        }
        var timings = stage.timings
        timings["judge"] = Clock.wall() - started
        let issues = files.flatMap { $0.issues() } + stage.across + AcrossFiles.missing(files, registry: opened.registry)
        // The CTDC file, k-anonymous before anything is written (docs/ctdc.md).
        let begun = Clock.wall()
        let ctdc = CTDC.anonymise(packed: stage.history.ctdcVictims, k: options.ctdcK)
        timings["ctdc"] = Clock.wall() - begun
        return Evaluation(
            run: JudgedRun(registry: opened.registry, files: files, issues: issues, timings: timings, ctdc: ctdc.report), figures: figures,
            ctdcRows: ctdc.rows)
    }
}
