#if canImport(Glibc)
    import Glibc
#endif

/// The names in a folder, as bytes (names need not be UTF-8), "." and ".." left out.
/// `nil` when the folder cannot be opened.
///
/// The name is read through a pointer into readdir's record, never by copying `d_name`: glibc
/// allocates each record only as long as its name (`d_reclen`), so a copy of the 256-byte array
/// reads past it (AddressSanitizer's heap-buffer-overflow of the first `make test-sanitize`).
public func directoryNames(_ path: String) -> [[UInt8]]? {
    guard let d = opendir(path) else { return nil }
    defer { closedir(d) }
    return names(of: d)
}

func names(of d: OpaquePointer) -> [[UInt8]] {
    let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
    var names: [[UInt8]] = []
    while let e = readdir(d) {
        let p = (UnsafeRawPointer(e) + offset).assumingMemoryBound(to: UInt8.self)
        let name = Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))))
        if name == [0x2E] || name == [0x2E, 0x2E] { continue }
        names.append(name)
    }
    return names
}

/// The names of an open folder, "." and ".." left out (the descriptor stays open).
public func directoryNames(fd: Int32) -> [[UInt8]]? {
    let copy = dup(fd)
    guard copy >= 0 else { return nil }
    guard let d = fdopendir(copy) else {
        close(copy)
        return nil
    }
    defer { closedir(d) }
    return names(of: d)
}
