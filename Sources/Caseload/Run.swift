import CaseloadCore
import Ingest
import Validate
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

    public init() {}
}

/// How a run ended; the command maps it to an exit code.
public enum RunOutcome: Sendable {
    /// Reports written; `rejections` says whether any file or record was rejected.
    case written(Pipeline.Judgement, rejections: Bool)
    case configuration(ConfigurationError)
    case busy
    case failed(String)

    /// The exit codes of outputs.md.
    public var exitCode: Int32 {
        switch self {
        case .written(_, let r): return r ? 1 : 0
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
        let judgement: Judgement
        do {
            judgement = try judge(input: options.input, options: options.judge)
        } catch {
            return .configuration(error)
        }
        let outputs = render(judgement, options: options)
        do {
            try folder.replace(with: outputs)
        } catch {
            return .failed(error.description)
        }
        let rejections = judgement.issues.contains { $0.severity == .error }
        return .written(judgement, rejections: rejections)
    }

    /// Every output file, by its path relative to the output folder.
    public static func render(_ j: Judgement, options: RunOptions) -> [(path: String, bytes: [UInt8])] {
        [("issues.csv", IssuesCSV.render(j.issues))]
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
