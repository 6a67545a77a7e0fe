/// The principal record of a case in one period and kind (indicators.md): the latest
/// `arrival_date` (detention) or `admission_date` (shelter); on a tie, the facility code that
/// sorts first.
public enum Principal {
    /// Whether `a` (from facility `fa`) is preferred over `b` (from facility `fb`).
    public static func prefers(_ a: Record, _ fa: String, over b: Record, _ fb: String) -> Bool {
        let da = date(a), db = date(b)
        if da != db { return da > db }
        return Array(fa.utf8).lexicographicallyPrecedes(Array(fb.utf8))
    }

    static func date(_ r: Record) -> Day {
        switch r {
        case .detention(let d): return d.arrival
        case .shelter(let s): return s.admission
        }
    }
}
