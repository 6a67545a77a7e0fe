import CaseloadCore
import CCaseload
#if canImport(Glibc)
    import Glibc
#endif

/// Why the outputs could not be put in place (exit 4).
public struct OutputError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// The output folder, replaced atomically: a run writes its result into a staging folder beside
/// it and swaps the two with one `renameat2(RENAME_EXCHANGE)` only when everything is written, so a
/// reader sees the previous complete result or the new one, never a mixture, even if the run is
/// killed or the disk fills up. A lock beside it lets one run at a time work.
public final class OutputFolder {
    public let path: String
    let parent: String
    let base: String
    private var lockFD: Int32 = -1

    public init(path: String) {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        self.path = p
        if let slash = p.lastIndex(of: "/") {
            parent = slash == p.startIndex ? "/" : String(p[..<slash])
            base = String(p[p.index(after: slash)...])
        } else {
            parent = "."
            base = p
        }
    }

    var lockPath: String { parent + "/." + base + ".lock" }
    /// The staging folder of this process.
    public var stagingPath: String { parent + "/" + stagingPrefix + String(getpid()) }
    var stagingPrefix: String { "." + base + ".staging-" }

    /// Takes the lock; false when another run holds it.
    public func lock() throws(OutputError) -> Bool {
        try makeDirectories(parent)
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputError("cannot create the lock \(lockPath): \(errnoText())") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            return false
        }
        lockFD = fd
        return true
    }

    deinit { if lockFD >= 0 { close(lockFD) } }

    /// Writes every file (paths relative to the output folder) into a fresh staging folder and
    /// swaps it in.
    public func replace(with files: [(path: String, bytes: [UInt8])]) throws(OutputError) {
        let staging = try begin()
        do throws(OutputError) {
            for f in files { try staging.write(f.path, f.bytes) }
        } catch {
            staging.abort()
            throw error
        }
        try staging.commit()
    }

    /// A fresh staging folder beside the output folder, for a result written file by file as it
    /// is made. Leftovers of killed runs are removed first (the lock is held).
    public func begin(staleRemoved: ((String) -> Void)? = nil) throws(OutputError) -> Staging {
        try makeDirectories(parent)
        removeStaleStaging(staleRemoved)
        let staging = parent + "/" + stagingPrefix + String(getpid())
        removeTree(staging)
        guard mkdir(staging, 0o755) == 0 else { throw OutputError("cannot create \(staging): \(errnoText())") }
        return Staging(folder: self, path: staging)
    }

    /// A result being written: its files go into the staging folder as they are made, and the
    /// folder replaces the output folder, whole, at `commit()`.
    public final class Staging {
        let folder: OutputFolder
        public let path: String
        private var done = false

        init(folder: OutputFolder, path: String) {
            self.folder = folder
            self.path = path
        }

        /// Writes one file (a path relative to the output folder).
        public func write(_ relative: String, _ bytes: [UInt8]) throws(OutputError) { try Self.write(relative, bytes, under: path) }

        /// The same into the staging folder at `root`, from any thread (files of different paths).
        public static func write(_ relative: String, _ bytes: [UInt8], under root: String) throws(OutputError) {
            let full = root + "/" + relative
            if let slash = full.lastIndex(of: "/") { try makeDirectories(String(full[..<slash])) }
            try writeFile(bytes, to: full, sync: false)
        }

        /// A file written piece by piece (a long caseload list).
        public func create(_ relative: String) throws(OutputError) -> OutputFile {
            let full = path + "/" + relative
            if let slash = full.lastIndex(of: "/") { try makeDirectories(String(full[..<slash])) }
            let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw OutputError("cannot create \(full): \(errnoText())") }
            return OutputFile(fd: fd, path: full)
        }

        /// Removes the staging folder: the output folder stays as it was.
        public func abort() {
            guard !done else { return }
            done = true
            removeTree(path)
        }

        /// Puts the result in place: one flush of the file system for every file written
        /// (instead of one fsync each), then the swap, which comes only after the whole result
        /// is on disk.
        public func commit() throws(OutputError) {
            guard caseload_syncfs(path) == 0 else {
                let why = errnoText()
                abort()
                throw OutputError("cannot write \(path): \(why)")
            }
            done = true
            try folder.swap(in: path)
        }
    }

    /// Swaps a complete staging folder in, and removes what it replaced.
    func swap(in staging: String) throws(OutputError) {
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                removeTree(staging)
                throw OutputError("\(path) exists and is not a folder")
            }
            guard caseload_exchange(staging, path) == 0 else {
                let why = errnoText()
                removeTree(staging)
                throw OutputError("cannot put the new result in place at \(path): \(why)")
            }
            removeTree(staging)  // now holds the previous result
        } else {
            guard rename(staging, path) == 0 else {
                let why = errnoText()
                removeTree(staging)
                throw OutputError("cannot put the new result in place at \(path): \(why)")
            }
        }
        try? syncDirectory(parent)
    }

    private func removeStaleStaging(_ told: ((String) -> Void)?) {
        let prefix = Array(stagingPrefix.utf8)
        let own = stagingPath
        for name in directoryNames(parent) ?? [] where name.starts(with: prefix) {
            let path = parent + "/" + String(decoding: name, as: UTF8.self)
            removeTree(path)
            if path != own { told?(path) }
        }
    }

    private func syncDirectory(_ path: String) throws(OutputError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        _ = fsync(fd)
    }
}

/// A file of the staging folder being written; closed by `close()` (or when let go).
public final class OutputFile {
    private var fd: Int32
    let path: String
    public private(set) var bytes = 0

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public func write(_ b: UnsafeBufferPointer<UInt8>) throws(OutputError) {
        var done = 0
        while done < b.count {
            let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError("cannot write \(path): \(errnoText())")
            }
            done += n
        }
        bytes += b.count
    }

    public func close() throws(OutputError) {
        _ = caseload_start_writeback(fd)  // the commit's flush then finds it on its way
        let rc = Glibc.close(fd)
        fd = -1
        if rc != 0 { throw OutputError("cannot write \(path): \(errnoText())") }
    }
}

/// Writes a whole file and (unless told not to) flushes it to disk; if not, starts its way there
/// (the commit's flush of the staging folder then waits for less).
public func writeFile(_ bytes: [UInt8], to path: String, sync: Bool = true) throws(OutputError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw OutputError("cannot create \(path): \(errnoText())") }
    defer { close(fd) }
    var done = 0
    let ok = bytes.withUnsafeBytes { raw -> Bool in
        while done < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
            if n < 0 { if errno == EINTR { continue }; return false }
            done += n
        }
        return true
    }
    guard ok else { throw OutputError("cannot write \(path): \(errnoText())") }
    if sync {
        guard fsync(fd) == 0 else { throw OutputError("cannot write \(path): \(errnoText())") }
    } else {
        _ = caseload_start_writeback(fd)
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// `mkdir -p`.
public func makeDirectories(_ path: String) throws(OutputError) {
    var st = stat()
    if stat(path, &st) == 0 {
        if (st.st_mode & S_IFMT) == S_IFDIR { return }
        throw OutputError("\(path) is not a folder")
    }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        try makeDirectories(String(path[..<slash]))
    }
    if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw OutputError("cannot create \(path): \(errnoText())")
    }
}

/// `rm -rf`, never following links.
public func removeTree(_ path: String) {
    var st = stat()
    guard lstat(path, &st) == 0 else { return }
    if (st.st_mode & S_IFMT) == S_IFDIR {
        for n in directoryNames(path) ?? [] { removeTree(path + "/" + String(decoding: n, as: UTF8.self)) }
        rmdir(path)
    } else {
        unlink(path)
    }
}

/// Replaces `path` whole: the bytes go to `.<name>.tmp-<pid>` beside it, flushed, then renamed
/// over it, so that a reader (node_exporter's textfile collector) sees the old file or the new
/// one, never a part.
public func replaceFile(_ bytes: [UInt8], at path: String) throws(OutputError) {
    let slash = path.lastIndex(of: "/")
    let folder = slash.map { String(path[...$0]) } ?? ""
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    let temporary = folder + "." + name + ".tmp-" + String(getpid())
    do {
        try writeFile(bytes, to: temporary)
    } catch {
        unlink(temporary)
        throw error
    }
    guard rename(temporary, path) == 0 else {
        let why = errnoText()
        unlink(temporary)
        throw OutputError("cannot replace \(path): \(why)")
    }
}
