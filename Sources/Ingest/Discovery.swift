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
        walk(folder, relative: [], into: &out)
        out.sort { $0.relativePath.lexicographicallyPrecedes($1.relativePath) }
        return out
    }

    private static func walk(_ dir: String, relative: [UInt8], into out: inout [InputEntry]) {
        guard let all = directoryNames(dir) else {
            if !relative.isEmpty { out.append(InputEntry(relativePath: relative, kind: .unlistableFolder)) }
            return
        }
        let names = all.filter { $0.first != 0x2E }  // hidden entries
        for name in names {
            let rel = relative.isEmpty ? name : relative + [0x2F] + name
            if relative.isEmpty && name == Array("facilities.csv".utf8) { continue }
            let full = dir + "/" + String(decoding: name, as: UTF8.self)
            // Non-UTF-8 names cannot round-trip through String: build the C path from bytes.
            let fullBytes = Array(dir.utf8) + [0x2F] + name
            var st = stat()
            let rc = fullBytes.withUnsafeBufferPointer { b -> Int32 in
                var z = Array(b); z.append(0)
                return z.withUnsafeBufferPointer { lstat(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), &st) }
            }
            guard rc == 0 else {
                out.append(InputEntry(relativePath: rel, kind: .unexaminable(String(cString: strerror(errno)))))
                continue
            }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if String(validating: fullBytes, as: UTF8.self) != nil {
                    walk(full, relative: rel, into: &out)
                } else {
                    walkBytes(fullBytes, relative: rel, into: &out)
                }
            case S_IFREG: out.append(InputEntry(relativePath: rel, kind: .file))
            case S_IFLNK: out.append(InputEntry(relativePath: rel, kind: .symlink))
            case S_IFIFO: out.append(InputEntry(relativePath: rel, kind: .special("a FIFO")))
            case S_IFSOCK: out.append(InputEntry(relativePath: rel, kind: .special("a socket")))
            default: out.append(InputEntry(relativePath: rel, kind: .special("a device")))
            }
        }
    }

    /// A folder whose path is not UTF-8: everything in it is `FILE_NAME` anyway, but it must
    /// still be listed (never skipped). Walked through `/proc/self/fd` so the path round-trips.
    private static func walkBytes(_ path: [UInt8], relative: [UInt8], into out: inout [InputEntry]) {
        var z = path; z.append(0)
        let fd = z.withUnsafeBufferPointer {
            open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        guard fd >= 0 else {
            out.append(InputEntry(relativePath: relative, kind: .unlistableFolder))
            return
        }
        defer { close(fd) }
        walk("/proc/self/fd/\(fd)", relative: relative, into: &out)
    }
}
