import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// Reads one file's bytes without following links and without opening anything that is not a
/// regular file (a FIFO would block, a device could be endless).
public enum FileReader {
    public enum Result: Sendable {
        case bytes([UInt8])
        case tooLarge(size: Int)
        case unreadable(String)
    }

    /// An open regular file, to be read in chunks (`ByteSource`) and closed by the caller.
    public enum Opened: Sendable {
        case file(fd: Int32, size: Int)
        case tooLarge(size: Int)
        case unreadable(String)
    }

    /// Opens a file without following links and without opening anything that is not a regular
    /// file; a file over the limit is judged by its size and never read.
    public static func open(path: String, limits: Limits = Limits()) -> Opened {
        // A path longer than PATH_MAX (deep folders of a synced share) cannot be given to the
        // system whole: its folder is opened name by name, and the file relative to it.
        guard let (dir, name) = parentFolder(of: path) else { return .unreadable(String(cString: strerror(errno))) }
        defer { if dir != AT_FDCWD { close(dir) } }
        var st = stat()
        guard fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFLNK: return .unreadable("a symbolic link is never followed")
        case S_IFIFO: return .unreadable("a FIFO is never opened")
        case S_IFSOCK: return .unreadable("a socket is never opened")
        case S_IFCHR, S_IFBLK: return .unreadable("a device is never opened")
        case S_IFDIR: return .unreadable("a folder, not a file")
        default: return .unreadable("not a regular file")
        }
        if Int(st.st_size) > limits.maxFileBytes { return .tooLarge(size: Int(st.st_size)) }
        let fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable(String(cString: strerror(errno))) }
        var fst = stat()
        guard fstat(fd, &fst) == 0, (fst.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            return .unreadable("not a regular file")
        }
        let size = Int(fst.st_size)
        if size > limits.maxFileBytes {
            close(fd)
            return .tooLarge(size: size)
        }
        // The bytes are read once from start to end.
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        return .file(fd: fd, size: size)
    }

    /// The folder of `path` and its last name: the current folder and the path itself when the
    /// path is shorter than PATH_MAX; else the folder opened one name at a time with `openat`
    /// (the caller closes it). nil, with `errno` set, when a folder on the way cannot be opened.
    static func parentFolder(of path: String) -> (Int32, String)? {
        guard path.utf8.count >= Int(PATH_MAX) else { return (AT_FDCWD, path) }
        var names = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let last = names.popLast() else { return (AT_FDCWD, path) }
        var dir = Glibc.open(path.hasPrefix("/") ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        for name in names where dir >= 0 {
            let next = openat(dir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            let saved = errno
            close(dir)
            errno = saved
            dir = next
        }
        return dir >= 0 ? (dir, last) : nil
    }

    /// A whole (small) file in memory: the registry.
    public static func read(path: String, limits: Limits = Limits()) -> Result {
        switch open(path: path, limits: limits) {
        case .tooLarge(let size): return .tooLarge(size: size)
        case .unreadable(let why): return .unreadable(why)
        case .file(let fd, let size):
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: size)
            var got = 0
            let ok: Bool = buffer.withUnsafeMutableBytes { raw in
                while got < size {
                    let n = Glibc.read(fd, raw.baseAddress! + got, size - got)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    if n == 0 { break }
                    got += n
                }
                return true
            }
            guard ok else { return .unreadable(String(cString: strerror(errno))) }
            if got < size { buffer.removeLast(size - got) }
            return .bytes(buffer)
        }
    }
}
