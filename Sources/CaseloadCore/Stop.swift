import Synchronization
#if canImport(Glibc)
    import Glibc
#endif

/// A request to stop the run at its next safe point (SIGTERM, SIGINT or SIGHUP; docs/operations.md,
/// "Signals"): set by the command's signal thread, read by the pipeline between periods and before
/// each step of writing.
public enum Stop {
    private static let signal = Atomic<Int32>(0)

    /// The signal that asked to stop, or 0.
    public static var requested: Int32 { signal.load(ordering: .acquiring) }

    /// Records `number`; true when it is the first request.
    @discardableResult
    public static func request(_ number: Int32) -> Bool {
        signal.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing).exchanged
    }

    /// `SIGTERM`, `SIGINT`, `SIGHUP`, or `signal N`.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(number)"
        }
    }
}
