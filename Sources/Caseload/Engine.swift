import CaseloadCore
import Ingest
import Validate
#if canImport(Glibc)
    import Glibc
#endif

/// Judges the files of an input folder on worker threads, in the order of their periods, and
/// hands each period to the caller as soon as every file of it is judged, one period after the
/// other. So a period's records are folded into the figures (and let go) while the workers judge
/// the next period's files, and no more than about two periods' records are ever held: memory
/// follows the cases of a period, not the history.
enum Engine {
    /// How far the workers may run ahead of the period being handed over: files of at most this
    /// many later periods are judged meanwhile.
    static let periodsAhead = 1

    /// What the caller is handed for one period.
    struct PeriodWork {
        let period: Period
        /// The indices (into the entries, in path order) of every file named for the period.
        let files: [Int]
    }

    /// Judges `entries` (sorted by path) and calls `onPeriod` for each period in order, with the
    /// period's judged files (in path order, theirs to change). Files without a period (misnamed,
    /// unknown facility, …) are judged first. Returns every judged file, in path order.
    static func run<E: Error>(
        entries: [InputEntry], input: String, registry: Registry, options: JudgeOptions, threads: Int,
        progress: (@Sendable (_ done: Int, _ total: Int) -> Void)?,
        onPeriod: (PeriodWork, inout [JudgedFile]) throws(E) -> Void
    ) throws(E) -> [JudgedFile] {
        let n = entries.count
        // Each entry's period, when its name and the registry give it one.
        var periodOf = [Period?](repeating: nil, count: n)
        for (i, e) in entries.enumerated() {
            guard e.isUTF8, let name = FileName(e.baseName), FileRules.judgeName(name, registry: registry) == nil else { continue }
            periodOf[i] = name.period
        }
        let periods = Set(periodOf.compactMap { $0 }).sorted()
        let periodIndex = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1, $0) })
        var members = [[Int]](repeating: [], count: periods.count)
        var loose: [Int] = []
        for i in 0..<n {
            if let p = periodOf[i] { members[periodIndex[p]!].append(i) } else { loose.append(i) }
        }
        // Within a period, the largest files first: the last to finish is then a small one.
        let order =
            loose
            + members.flatMap { m in
                m.map { ($0, fileSize(input + "/" + entries[$0].displayPath)) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map(\.0)
            }
        let rank = order.map { periodOf[$0].map { periodIndex[$0]! } ?? -1 }

        let shared = Shared(count: n, periods: members.map(\.count))
        let results = UnsafeMutableBufferPointer<JudgedFile?>.allocate(capacity: n)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let out = results
        let workers = max(1, min(threads, max(n, 1)))
        let ahead = periodsAhead
        let pool = WorkerThreads(count: workers) {
            while let k = shared.take(rank: rank, ahead: ahead) {
                let i = order[k]
                let cpu = Clock.threadCPU()
                var f = FileJudge.judge(entry: entries[i], readPath: input + "/" + entries[i].displayPath, registry: registry, options: options)
                f.cpuSeconds = Clock.threadCPU() - cpu
                out[i] = f
                let done = shared.finished(rank: rank[k])
                progress?(done, n)
            }
        }
        do throws(E) {
            for (pk, p) in periods.enumerated() {
                shared.waitForPeriod(pk)
                var mine = members[pk].map { results[$0].take()! }
                try onPeriod(PeriodWork(period: p, files: members[pk]), &mine)
                for (j, i) in members[pk].enumerated() { results[i] = mine[j] }
                shared.staged(pk)
            }
        } catch {
            shared.cancel()
            pool.join()
            throw error
        }
        pool.join()
        return (0..<n).map { results[$0].take()! }
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return lstat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// The state the workers and the period loop share, behind one lock.
    final class Shared: @unchecked Sendable {
        private var mutex = pthread_mutex_t()
        private var changed = pthread_cond_t()
        private var next = 0
        private let total: Int
        private var remaining: [Int]
        private var stagedThrough = -1
        private var done = 0
        private var cancelled = false

        init(count: Int, periods: [Int]) {
            total = count
            remaining = periods
            pthread_mutex_init(&mutex, nil)
            pthread_cond_init(&changed, nil)
        }

        deinit {
            pthread_cond_destroy(&changed)
            pthread_mutex_destroy(&mutex)
        }

        /// The next position in the order to judge, waiting while its period is too far ahead
        /// of the one being handed over; nil when everything is taken or the run is cancelled.
        func take(rank: [Int], ahead: Int) -> Int? {
            pthread_mutex_lock(&mutex)
            defer { pthread_mutex_unlock(&mutex) }
            while true {
                if cancelled || next >= total { return nil }
                if rank[next] <= stagedThrough + 1 + ahead {
                    next += 1
                    return next - 1
                }
                pthread_cond_wait(&changed, &mutex)
            }
        }

        /// A file of period `rank` (or of none, -1) is judged; the count of judged files.
        func finished(rank: Int) -> Int {
            pthread_mutex_lock(&mutex)
            defer { pthread_mutex_unlock(&mutex) }
            done += 1
            if rank >= 0 {
                remaining[rank] -= 1
                if remaining[rank] == 0 { pthread_cond_broadcast(&changed) }
            }
            return done
        }

        func waitForPeriod(_ k: Int) {
            pthread_mutex_lock(&mutex)
            while remaining[k] > 0 { pthread_cond_wait(&changed, &mutex) }
            pthread_mutex_unlock(&mutex)
        }

        func staged(_ k: Int) {
            pthread_mutex_lock(&mutex)
            stagedThrough = k
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
        }

        func cancel() {
            pthread_mutex_lock(&mutex)
            cancelled = true
            pthread_cond_broadcast(&changed)
            pthread_mutex_unlock(&mutex)
        }
    }
}

/// Plain threads for the workers (a worker may wait for the period loop, which a thread pool
/// that does not know it blocks could starve).
final class WorkerThreads {
    private var threads: [pthread_t] = []

    init(count: Int, _ body: @escaping @Sendable () -> Void) {
        for _ in 0..<count {
            let box = Unmanaged.passRetained(Box(body)).toOpaque()
            var t = pthread_t()
            let rc = pthread_create(
                &t, nil,
                { arg in
                    let b = Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue()
                    b.body()
                    return nil
                }, box)
            precondition(rc == 0, "cannot start a worker thread")
            threads.append(t)
        }
    }

    func join() {
        for t in threads { pthread_join(t, nil) }
        threads = []
    }

    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
