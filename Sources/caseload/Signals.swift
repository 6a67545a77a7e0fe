import CaseloadCore
import Emit
import Logging
#if canImport(Glibc)
    import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP (docs/operations.md, "Signals"). They are blocked in every thread
/// from the start of `main` and taken by one thread of their own with `sigwait`, so no code runs
/// in a signal handler. A command that has not said how to stop ends at once with 128 + the
/// signal, as it would by default; `run` says: the first signal asks the pipeline to stop at its
/// next safe point (it then removes its staging folder, releases the lock and exits 4), a second
/// one removes the staging folder and ends the process at once (exit 4).
enum Signals {
    static let watched: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// What the signal thread does with a first signal; nil: end at once.
    nonisolated(unsafe) static var onFirst: ((Int32) -> Void)?
    /// The staging folder to remove when a second signal ends the run at once.
    nonisolated(unsafe) static var stagingPath: String?
    static let lock = SystemLock()

    static func start() {
        var set = sigset_t()
        sigemptyset(&set)
        for s in watched { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var thread = pthread_t()
        pthread_create(
            &thread, nil,
            { _ in
                Signals.loop(); return nil
            }, nil)
        pthread_detach(thread)
    }

    /// The run's way of stopping.
    static func stopRunAtSafePoints(staging: String, logger: Logger) {
        lock.withLock {
            stagingPath = staging
            onFirst = { s in
                logger.error("\(Stop.name(s)) received: stopping at the next safe point (a second signal stops at once)")
            }
        }
    }

    static func loop() -> Never {
        var set = sigset_t()
        sigemptyset(&set)
        for s in watched { sigaddset(&set, s) }
        while true {
            var number: Int32 = 0
            guard sigwait(&set, &number) == 0 else { continue }
            let (first, staging) = lock.withLock { (onFirst, stagingPath) }
            guard let first else { _exit(128 + number) }
            if Stop.request(number) {
                first(number)
            } else {
                if let staging { removeTree(staging) }
                let line = "caseload: \(Stop.name(number)) received again: stopped at once; the previous output is left as it was\n"
                _ = line.withCString { write(2, $0, strlen($0)) }
                _exit(4)
            }
        }
    }
}
