// Helpers shared by the test targets (a library target: test targets cannot depend on each other).
import Foundation
import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// Watches a file for any open or read while a body runs (Linux inotify).
public func openedWhile(_ path: String, _ body: () throws -> Void) rethrows -> Bool {
    let fd = inotify_init1(Int32(IN_NONBLOCK))
    precondition(fd >= 0)
    defer { close(fd) }
    precondition(inotify_add_watch(fd, path, UInt32(IN_OPEN | IN_ACCESS)) >= 0)
    try body()
    var buf = [UInt8](repeating: 0, count: 4096)
    return read(fd, &buf, buf.count) > 0
}

/// A file's bytes through read(2). (Foundation's file reading leaks its buffer on an empty
/// file, which LeakSanitizer reports under `make test-sanitize`.)
public func readAll(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = [], chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { return nil }
        if n == 0 { return out }
        out += chunk[0..<n]
    }
}

/// A fresh folder under the temporary directory, removed with what it holds when the test
/// process exits (many are shared by a suite's tests, so no test can remove them itself).
public func makeTemporaryFolder(_ prefix: String = "caseload-test") -> String {
    var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
    let path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    TemporaryFolders.add(path)
    return path
}

enum TemporaryFolders {
    static let made = Mutex<[String]?>(nil)

    static func add(_ path: String) {
        made.withLock { list in
            if list == nil {
                list = []
                atexit { TemporaryFolders.removeAll() }
            }
            list!.append(path)
        }
    }

    static func removeAll() {
        for path in made.withLock({ $0 ?? [] }) { removeTree(path) }
    }

    /// What a folder holds, then the folder; links are removed, not followed. System calls only,
    /// relative to each folder's descriptor (some tests nest names past PATH_MAX): nothing of
    /// Foundation runs at exit (LeakSanitizer checks after).
    static func removeTree(_ path: String) { remove(path, in: AT_FDCWD) }

    static func remove(_ name: String, in parent: Int32) {
        var st = stat()
        guard fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFDIR else {
            unlinkat(parent, name, 0)
            return
        }
        let fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            var names: [String] = []
            if let dir = fdopendir(dup(fd)) {
                while let entry = readdir(dir) {
                    let n = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                    if n != "." && n != ".." { names.append(n) }
                }
                closedir(dir)
            }
            for n in names { remove(n, in: fd) }
            close(fd)
        }
        unlinkat(parent, name, AT_REMOVEDIR)
    }
}

/// The built `caseload` executable (`CASELOAD_BIN`, else the debug build of this checkout).
public enum Binary {
    public static var path: String {
        if let p = ProcessInfo.processInfo.environment["CASELOAD_BIN"] { return p }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/caseload").path
    }

    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// What a measured run gives: the exit status (nil when it was killed at the time limit),
    /// the peak resident memory of that process alone in KiB, its wall time, and its output.
    public struct Measured {
        public var status: Int32?
        public var peakKiB: Int
        public var seconds: Double
        public var stdout: String
        public var stderr: String
    }

    /// Runs the binary and measures it. A small Python parent starts it and reads wait4's
    /// rusage: Linux counts the memory of the process that forked into a child's peak, so the
    /// test process (large) must not be that parent. The child is killed after `timeLimit`.
    public static func measured(_ arguments: [String], timeLimit: Double = 600) throws -> Measured {
        let folder = makeTemporaryFolder("caseload-measure")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            import os, signal, subprocess, sys, time
            folder, limit = sys.argv[1], float(sys.argv[2])
            with open(folder + "/out", "wb") as out, open(folder + "/err", "wb") as err:
                start = time.monotonic()
                p = subprocess.Popen(sys.argv[3:], stdout=out, stderr=err)
                killed = False
                while True:
                    pid, status, usage = os.wait4(p.pid, os.WNOHANG)
                    if pid != 0:
                        break
                    if time.monotonic() - start > limit and not killed:
                        os.kill(p.pid, signal.SIGKILL)
                        killed = True
                    time.sleep(0.005)
                seconds = time.monotonic() - start
            print("killed" if killed else os.waitstatus_to_exitcode(status), usage.ru_maxrss, seconds)
            """
        let r = try run(["-c", script, folder, String(timeLimit), path] + arguments, executable: "/usr/bin/env", prefix: ["python3"])
        let parts = r.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        guard parts.count == 3, let kib = Int(parts[1]), let seconds = Double(parts[2]) else {
            throw MeasureError(output: r.stdout + r.stderr)
        }
        func text(_ name: String) -> String { String(decoding: readAll(folder + "/" + name) ?? [], as: UTF8.self) }
        return Measured(status: Int32(parts[0]), peakKiB: kib, seconds: seconds, stdout: text("out"), stderr: text("err"))
    }

    public struct MeasureError: Error { public var output: String }

    public static func run(
        _ arguments: [String], cwd: String? = nil, environment: [String: String]? = nil,
        executable: String? = nil, prefix: [String] = []
    ) throws -> Result {
        let child = try Spawned([executable ?? path] + prefix + arguments, environment: environment, cwd: cwd, capture: true)
        let (o, e) = child.readOutput()
        return Result(status: child.wait(), stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

/// A child process started with posix_spawn and reaped with waitpid: no run loop, no SIGCHLD
/// handler (Foundation's `Process` lost the exit of a child that had started a daemon, and its
/// `waitUntilExit` then waited for ever). Its standard input is /dev/null; its output is either
/// captured (both streams read together, so neither can fill its pipe) or inherited.
public final class Spawned: @unchecked Sendable {
    public let pid: pid_t
    private var out: Int32 = -1, err: Int32 = -1
    private var status: Int32?

    public struct SpawnError: Error, CustomStringConvertible {
        public var description: String
    }

    public init(_ argv: [String], environment: [String: String]? = nil, cwd: String? = nil, capture: Bool = false, input: Int32? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input, 0) } else { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        var o: [Int32] = [-1, -1], e: [Int32] = [-1, -1]
        if capture {
            guard pipe(&o) == 0, pipe(&e) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
            for fd in o + e { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            posix_spawn_file_actions_adddup2(&actions, o[1], 1)
            posix_spawn_file_actions_adddup2(&actions, e[1], 2)
        }
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        // A working folder through coreutils' env (glibc's posix_spawn_file_actions_addchdir_np is
        // not visible to Swift).
        let argv = cwd.map { ["/usr/bin/env", "-C", $0] + argv } ?? argv
        var cArgs = argv.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, argv[0], &actions, nil, &cArgs, &cEnv)
        if capture { close(o[1]); close(e[1]) }
        guard rc == 0 else {
            if capture { close(o[0]); close(e[0]) }
            throw SpawnError(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        pid = child
        out = o[0]
        err = e[0]
    }

    /// Everything the child writes to its standard output and error, until both are closed.
    public func readOutput() -> ([UInt8], [UInt8]) {
        var collected: [[UInt8]] = [[], []]
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0), pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while fds.contains(where: { $0.fd >= 0 }) {
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for k in fds.indices where fds[k].fd >= 0 && fds[k].revents != 0 {
                let n = chunk.withUnsafeMutableBytes { read(fds[k].fd, $0.baseAddress, $0.count) }
                if n > 0 { collected[k] += chunk[0..<n] } else if n == 0 || errno != EINTR { close(fds[k].fd); fds[k].fd = -1 }
            }
        }
        out = -1
        err = -1
        return (collected[0], collected[1])
    }

    /// Waits for the child: its exit status, or 128 + the signal that ended it (as a shell says).
    @discardableResult
    public func wait() -> Int32 {
        if let status { return status }
        var s: Int32 = 0
        while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
        let code = (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f)
        status = code
        return code
    }

    public func signal(_ number: Int32) { _ = kill(pid, number) }
}

/// Reads RFC 4180 text (as caseload writes it: `,`, `"` quoting, CRLF or LF) into rows of cells.
/// Deliberately separate from the program's own CSV reader.
public func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], cell = ""
    var quoted = false, atStart = true
    var it = Array(text.unicodeScalars).makeIterator()
    var pending: Unicode.Scalar? = nil
    func next() -> Unicode.Scalar? { if let p = pending { pending = nil; return p }; return it.next() }
    while let c = next() {
        if quoted {
            if c == "\"" {
                if let d = next() {
                    if d == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = d }
                } else {
                    quoted = false
                }
            } else {
                cell.unicodeScalars.append(c)
            }
            continue
        }
        switch c {
        case "\"" where atStart && cell.isEmpty: quoted = true; atStart = false
        case ",": row.append(cell); cell = ""; atStart = true
        case "\r": continue
        case "\n": row.append(cell); rows.append(row); row = []; cell = ""; atStart = true
        default: cell.unicodeScalars.append(c); atStart = false
        }
    }
    if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
    return rows
}

/// Every regular file under a folder (recursively, links not followed), by relative path.
public func filesUnder(_ root: String) -> [String: [UInt8]] {
    var out: [String: [UInt8]] = [:]
    guard let e = FileManager.default.enumerator(atPath: root) else { return out }
    while let rel = e.nextObject() as? String {
        var st = stat()
        guard lstat(root + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
        out[rel] = readAll(root + "/" + rel) ?? []
    }
    return out
}

/// What a folder holds, to show it unchanged: each entry's type, size, modification time and,
/// for regular files up to 64 MiB, its bytes' hash.
public func snapshot(_ root: String) -> [String: String] {
    var out: [String: String] = [:]
    guard let e = FileManager.default.enumerator(atPath: root) else { return out }
    while let rel = e.nextObject() as? String {
        var st = stat()
        guard lstat(root + "/" + rel, &st) == 0 else { out[rel] = "gone"; continue }
        var s = "\(st.st_mode) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
        if (st.st_mode & S_IFMT) == S_IFREG && st.st_size <= 64 << 20 {
            var h: UInt64 = 0xcbf29ce484222325  // FNV-1a over every byte
            for b in readAll(root + "/" + rel) ?? [] { h = (h ^ UInt64(b)) &* 0x100000001b3 }
            s += " \(h)"
        }
        out[rel] = s
    }
    return out
}

/// Every sample as "name{label=value,…} value", sorted, from `prometheus_client.parser`.
public func prometheusSamples(_ file: String) throws -> [String: Double] {
    let script = """
        import sys
        from prometheus_client.parser import text_string_to_metric_families
        for family in text_string_to_metric_families(open(sys.argv[1]).read()):
            assert family.type == "gauge", family
            for s in family.samples:
                labels = ",".join("%s=%s" % kv for kv in sorted(s.labels.items()))
                print("%s{%s} %r" % (s.name, labels, s.value))
        """
    let r = try Binary.run(["-c", script, file], executable: "/usr/bin/env", prefix: ["python3"])
    guard r.status == 0 else { throw Binary.MeasureError(output: "prometheus_client did not parse \(file): \(r.stderr)") }
    var out: [String: Double] = [:]
    for line in r.stdout.split(separator: "\n") {
        let space = line.lastIndex(of: " ")!
        out[String(line[..<space])] = Double(line[line.index(after: space)...])!
    }
    return out
}

/// A workbook as openpyxl reads it, as JSON: `sheets` (names in order), `cells` (per sheet, rows of
/// `[value, type]`: type `n` number, `s` string, `d` date as yyyy-mm-dd, `e` empty), `freeze`
/// (the frozen cell per sheet), `tables` (per sheet: name, range, autofilter range), `charts`
/// (the chart types of the package's chart parts, read with zipfile) and `formulas` (how many
/// cells of the package carry a formula).
public func workbookRead(_ file: String) throws -> [String: Any] {
    let script = """
        import sys, json, zipfile, re, datetime, openpyxl
        wb = openpyxl.load_workbook(sys.argv[1])
        out = {"sheets": wb.sheetnames, "cells": {}, "freeze": {}, "tables": {}}
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows():
                cells = []
                for c in row:
                    v = c.value
                    if v is None: cells.append([None, "e"])
                    elif isinstance(v, datetime.datetime): cells.append([v.date().isoformat(), "d" if c.is_date else "n"])
                    elif isinstance(v, (int, float)) and not isinstance(v, bool): cells.append([v, "n"])
                    else: cells.append([str(v), "s" if c.data_type == "s" else c.data_type])
                rows.append(cells)
            out["cells"][ws.title] = rows
            out["freeze"][ws.title] = ws.freeze_panes
            out["tables"][ws.title] = [[t.displayName, t.ref, t.autoFilter.ref if t.autoFilter else None] for t in ws.tables.values()]
        z = zipfile.ZipFile(sys.argv[1])
        out["charts"] = sorted(set(m for n in z.namelist() if n.startswith("xl/charts/") for m in re.findall(r"<c:(lineChart|barChart|pieChart)>", z.read(n).decode())))
        out["formulas"] = sum(len(re.findall(r"<f[ >]", z.read(n).decode())) for n in z.namelist() if n.startswith("xl/worksheets/"))
        print(json.dumps(out))
        """
    let r = try Binary.run(["-c", script, file], executable: "/usr/bin/env", prefix: ["python3"])
    guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
        throw Binary.MeasureError(output: "openpyxl did not read \(file): \(r.stderr)")
    }
    return json
}

/// `frictionless validate` of each data package (its Python API, one process for all): per path,
/// the errors as `type row field`, empty when valid.
public func frictionlessErrors(_ packages: [String]) throws -> [String: [String]] {
    let script = """
        import sys, json
        from frictionless import validate
        out = {}
        for path in sys.argv[1:]:
            report = validate(path)
            errors = []
            for task in report.tasks:
                for e in task.errors:
                    errors.append("%s %s %s" % (e.type, getattr(e, "row_number", None), getattr(e, "field_name", None)))
            for e in report.errors:
                errors.append("%s None None" % e.type)
            if not report.valid and not errors: errors.append("invalid")
            out[path] = errors
        print(json.dumps(out))
        """
    let r = try Binary.run(["-c", script] + packages, executable: "/usr/bin/env", prefix: ["python3"])
    guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [String]] else {
        throw Binary.MeasureError(output: "frictionless failed: \(r.stderr)")
    }
    return json
}
