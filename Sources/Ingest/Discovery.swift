import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// One entry of the input folder, found by a recursive walk that never follows links.
public struct InputEntry: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case file, symlink, special(String), unlistableFolder
        /// `lstat` failed (a path longer than the system allows, an I/O error): reported
        /// `UNREADABLE` under its own path, never skipped.
        case unexaminable(String)
    }

    /// The path relative to the input folder, as bytes (`/` between folders).
    public var relativePath: [UInt8]
    public var kind: Kind

    /// The path for people: ill-formed UTF-8 replaced by U+FFFD.
    public var displayPath: String { String(decoding: relativePath, as: UTF8.self) }
    /// The last component.
    public var baseName: [UInt8] {
        Array(relativePath.split(separator: 0x2F, omittingEmptySubsequences: false).last ?? [])
    }
    public init(relativePath: [UInt8], kind: Kind) {
        self.relativePath = relativePath
        self.kind = kind
    }

    /// An entry for a path given on the command line, examined without following links.
    public init(path: String) {
        relativePath = Array(path.utf8)
        var st = stat()
        if lstat(path, &st) != 0 {
            kind = .special("a missing or unexaminable path")
            return
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFLNK: kind = .symlink
        case S_IFDIR: kind = .special("a folder")
        case S_IFIFO: kind = .special("a FIFO")
        case S_IFSOCK: kind = .special("a socket")
        default: kind = .special("a device")
        }
    }

    /// Whether every part of the path is valid UTF-8.
    public var isUTF8: Bool { String(validating: relativePath, as: UTF8.self) != nil }
}

public enum Discovery {
    /// Every entry of `folder` whose name does not start with `.`, except the root's
    /// `facilities.csv`, sorted by path bytes.
    public static func entries(in folder: String) -> [InputEntry] {
        var out: [InputEntry] = []
        let root = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard root >= 0 else { return out }
        walk(root, relative: [], into: &out)
        out.sort { $0.relativePath.lexicographicallyPrecedes($1.relativePath) }
        return out
    }

    /// Every folder is opened relative to its parent (`openat`, `O_NOFOLLOW`) and examined with
    /// `fstatat`: never through a whole path, so that any depth and any path length is listed, and
    /// a link swapped in for a folder is never followed. Takes and closes `dir`.
    private static func walk(_ dir: Int32, relative: [UInt8], into out: inout [InputEntry]) {
        guard let all = directoryNames(fd: dir) else {
            close(dir)
            if !relative.isEmpty { out.append(InputEntry(relativePath: relative, kind: .unlistableFolder)) }
            return
        }
        defer { close(dir) }
        let names = all.filter { $0.first != 0x2E }  // hidden entries
        for name in names {
            let rel = relative.isEmpty ? name : relative + [0x2F] + name
            if relative.isEmpty && name == Array("facilities.csv".utf8) { continue }
            // Names as bytes: a name that is not UTF-8 cannot round-trip through String.
            var z = name
            z.append(0)
            var st = stat()
            let rc = z.withUnsafeBufferPointer { fstatat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st, AT_SYMLINK_NOFOLLOW) }
            guard rc == 0 else {
                out.append(InputEntry(relativePath: rel, kind: .unexaminable(String(cString: strerror(errno)))))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                let child = z.withUnsafeBufferPointer {
                    openat(dir, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                }
                if child < 0 { out.append(InputEntry(relativePath: rel, kind: .unlistableFolder)) } else { walk(child, relative: rel, into: &out) }
            case S_IFREG: out.append(InputEntry(relativePath: rel, kind: .file))
            case S_IFLNK: out.append(InputEntry(relativePath: rel, kind: .symlink))
            case S_IFIFO: out.append(InputEntry(relativePath: rel, kind: .special("a FIFO")))
            case S_IFSOCK: out.append(InputEntry(relativePath: rel, kind: .special("a socket")))
            default: out.append(InputEntry(relativePath: rel, kind: .special("a device")))
            }
        }
    }
}
