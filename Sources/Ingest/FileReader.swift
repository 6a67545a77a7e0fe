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

    public static func read(path: String, limits: Limits = Limits()) -> Result {
        var st = stat()
        guard lstat(path, &st) == 0 else { return .unreadable(String(cString: strerror(errno))) }
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
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return .unreadable(String(cString: strerror(errno))) }
        defer { close(fd) }
        var fst = stat()
        guard fstat(fd, &fst) == 0, (fst.st_mode & S_IFMT) == S_IFREG else {
            return .unreadable("not a regular file")
        }
        let size = Int(fst.st_size)
        if size > limits.maxFileBytes { return .tooLarge(size: size) }
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
