import CaseloadCore
import Ingest
import Validate
import Dispatch
#if canImport(Glibc)
    import Glibc
#endif

/// Judging one file from its bytes to its findings and accepted records: the ingest and
/// validate stages composed, in the order of "How a file is judged".
public enum FileJudge {
    /// Steps 1 and 2 (name, registry, readability, size) and, when they pass, the content
    /// (step 4 and 5). Step 3 needs the other files and is applied afterwards.
    public static func judge(entry: InputEntry, readPath: String, registry: Registry, options: JudgeOptions) -> JudgedFile {
        let name = entry.isUTF8 ? FileName(entry.baseName) : nil
        var f = JudgedFile(path: entry.displayPath, pathBytes: entry.relativePath, name: name)
        // Step 1 for what has a name; an entry that cannot even be examined (a folder that
        // cannot be listed, a path too long for the system) is reported under its own path.
        let unreadable: String?
        switch entry.kind {
        case .unlistableFolder: unreadable = "the folder cannot be listed"
        case .unexaminable(let why): unreadable = "the entry cannot be examined: \(why)"
        case .symlink: unreadable = "a symbolic link is never followed"
        case .special(let what): unreadable = "\(what) is never opened"
        case .file: unreadable = nil
        }
        let examinable: Bool = {
            switch entry.kind {
            case .unlistableFolder, .unexaminable: return false
            case .symlink, .special, .file: return true
            }
        }()
        if entry.isUTF8 && !examinable {
            f.findings = [Finding(.UNREADABLE, message: unreadable!)]
            return f
        }
        if let bad = FileRules.judgeName(name, registry: registry) {
            f.findings = [bad]
            return f
        }
        // Step 2: links, FIFOs, sockets and devices are never opened.
        if let unreadable {
            f.findings = [Finding(.UNREADABLE, message: unreadable)]
            return f
        }
        switch FileReader.open(path: readPath, limits: options.limits) {
        case .unreadable(let why):
            f.findings = [Finding(.UNREADABLE, message: "the file cannot be read: \(why)")]
        case .tooLarge(let size):
            f.size = size
            f.findings = [Finding(.TOO_LARGE, message: "the file has \(size) bytes, over the limit of \(options.limits.maxFileBytes)")]
        case .file(let fd, let size):
            defer { close(fd) }
            let source = ByteSource(fd: fd, size: size)
            judgeContent(source: source, into: &f, options: options)
            source.finish()
            if let why = source.ioError {
                f = JudgedFile(path: f.path, pathBytes: f.pathBytes, name: f.name)
                f.findings = [Finding(.UNREADABLE, message: "the file cannot be read: \(why)")]
                return f
            }
            f.size = source.consumed
            f.sha256 = source.sha256
        }
        return f
    }

    /// Steps 4 and 5 on the bytes of a file whose name passed, from its source (read once, in chunks).
    public static func judgeContent(source: ByteSource, into f: inout JudgedFile, options: JudgeOptions) {
        guard let name = f.name else { return }
        // About a hundred bytes a CSV row, five hundred an XML record.
        let expected = source.size / (name.format == .csv ? 100 : 500)
        judgeContent(name: name, into: &f, options: options, expectedRecords: expected) { onRow in
            switch name.format {
            case .csv:
                let o = CSVSubmissionReader.read(source: source, kind: name.kind, limits: options.limits, onRow: onRow)
                return (o.findings, o.rejected)
            case .xml:
                let o = XMLSubmissionReader.read(source: source, name: name, onRow: onRow)
                return (o.findings, o.rejected)
            }
        }
    }

    /// Steps 4 and 5 on bytes in memory (tools and the fuzzer).
    public static func judgeContent(_ bytes: UnsafeBufferPointer<UInt8>, into f: inout JudgedFile, options: JudgeOptions) {
        guard let name = f.name else { return }
        judgeContent(name: name, into: &f, options: options) { onRow in
            switch name.format {
            case .csv:
                let o = CSVSubmissionReader.read(bytes, kind: name.kind, limits: options.limits, onRow: onRow)
                return (o.findings, o.rejected)
            case .xml:
                let o = XMLSubmissionReader.read(bytes, name: name, onRow: onRow)
                return (o.findings, o.rejected)
            }
        }
    }

    /// The record rules over the rows a reader hands over, then the file rules of step 5.
    static func judgeContent(
        name: FileName, into f: inout JudgedFile, options: JudgeOptions, expectedRecords: Int = 512,
        reader: ((RowEvent) -> Void) -> (findings: [Finding], rejected: Bool)
    ) {
        var validator = RecordValidator(kind: name.kind, period: name.period, expectedRecords: expectedRecords)
        var recordFindings: [Finding] = []
        let records = RecordList()
        var accepted = 0, rejected = 0
        let (fileFindings, fileRejected) = reader { event in
            switch validator.judge(event, into: records, findings: &recordFindings) {
            case .accepted: accepted += 1
            case .rejected: rejected += 1
            case .skipped: break
            }
        }
        if fileRejected {
            // A file rejected by a file rule gets no record issues.
            f.findings = fileFindings
            f.outcome = .rejected
            return
        }
        f.findings = fileFindings + recordFindings
        f.acceptedRecords = accepted
        f.rejectedRecords = rejected
        if let tooMany = FileRules.tooManyRejects(accepted: accepted, rejected: rejected, maxRejectRate: options.maxRejectRate) {
            f.findings.append(tooMany)
            f.outcome = .rejected
            return
        }
        if accepted + rejected == 0 {
            f.findings.append(Finding(.NO_RECORDS, message: "the file is valid but holds no record"))
        }
        // Sorted by case, for the rules across files and the figures, which read a period's
        // records case by case.
        records.sortByCase()
        f.records = records
        f.outcome = .accepted
    }
}

/// What shapes the judging of files.
public struct JudgeOptions: Sendable {
    public var maxRejectRate: Double = 0.2
    public var limits = Limits()
    /// Files judged at once; 0 means one per core.
    public var threads: Int = 0

    public init(maxRejectRate: Double = 0.2, threads: Int = 0) {
        self.maxRejectRate = maxRejectRate
        self.threads = threads
    }
}

/// Maps in parallel, keeping the order of the input.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], threads: Int, _ body: @Sendable (T) -> R) -> [R] {
    let n = items.count
    if n == 0 { return [] }
    let workers = max(1, min(threads, n))
    if workers == 1 { return items.map(body) }
    let results = UnsafeMutableBufferPointer<R?>.allocate(capacity: n)
    results.initialize(repeating: nil)
    defer { results.deinitialize(); results.deallocate() }
    nonisolated(unsafe) let out = results
    let next = Counter()
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
        while true {
            let i = next.increment()
            if i >= n { break }
            out[i] = body(items[i])
        }
    }
    return results.map { $0! }
}

final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = DispatchSemaphore(value: 1)
    func increment() -> Int {
        lock.wait()
        defer { lock.signal() }
        let v = value
        value += 1
        return v
    }
}
