import CaseloadCore
import Ingest
import Validate
import Aggregate
import Emit
import CCaseload
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
    /// The k of the CTDC file's k-anonymity (`--ctdc-k`).
    public var ctdcK = CTDC.defaultK
    /// Called as files are judged (from worker threads).
    public var progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?
    /// Where the result goes besides the output folder, once it is in place.
    public var sinks: [any ResultSink] = []
    /// Told of each staging folder a killed run left, as it is removed (for the log).
    public var staleRemoved: (@Sendable (_ path: String) -> Void)?

    public init() {}
}

/// How a run ended; the command maps it to an exit code.
public enum RunOutcome: Sendable {
    /// Reports written; `rejections` says whether any file or record was rejected;
    /// `sinkFailures`, which result sinks failed (Output/ is written all the same).
    case written(JudgedRun, [PeriodFigures], rejections: Bool, sinkFailures: [String])
    case configuration(ConfigurationError)
    case busy
    case failed(String)

    /// The exit codes of outputs.md.
    public var exitCode: Int32 {
        switch self {
        case .written(_, _, let r, _): return r ? 1 : 0
        case .configuration: return 2
        case .busy: return 3
        case .failed: return 4
        }
    }
}

extension Pipeline {
    /// Stage 1's checks that need no registry: the folders and the key file. The key, if any.
    static func checkConfiguration(_ options: RunOptions) throws(ConfigurationError) -> [UInt8]? {
        try checkFolders(input: options.input, output: options.output)
        return try checkKey(options)
    }

    static func checkKey(_ options: RunOptions) throws(ConfigurationError) -> [UInt8]? {
        guard let path = options.keyFile else { return nil }
        return try KeyFile.load(path)
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
/// period's records, a file's window) off the heap, so memory follows what is in use. Fixing it
/// also fixes, at 128 KiB, how much free memory a heap keeps at its top before it gives it back;
/// that is raised to 1 MiB: zlib, packaging a workbook, takes and frees four 64 KiB blocks for
/// each of the 27 parts of each workbook, and giving them back each time and faulting them in
/// again doubled the workbooks' cost (docs/performance.md). It costs at most 1 MiB a heap.
public enum Memory {
    private static let once: Void = { _ = caseload_fixed_malloc_thresholds(128 * 1024, 1024 * 1024) }()
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
