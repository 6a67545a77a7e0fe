/// Data-quality figures of one period (internal reports only).
public struct DataQuality: Sendable {
    public struct FileCounts: Sendable {
        public var kind: String
        public var facility: String
        public var accepted = 0, rejected = 0, superseded = 0, duplicate = 0
        public init(kind: String, facility: String) { self.kind = kind; self.facility = facility }
    }

    /// By kind and facility, sorted.
    public var files: [FileCounts]
    public var recordsAccepted: Int
    public var recordsRejected: Int
    /// (code, severity, count), sorted by code.
    public var issues: [(code: String, severity: String, count: Int)]
    /// (kind, facility), sorted.
    public var missing: [(kind: String, facility: String)]
    /// Rejected files of the period with the file-level issue that rejected them, by path.
    public var rejectedFiles: [(path: String, code: String, message: String)]

    public init(
        files: [FileCounts], recordsAccepted: Int, recordsRejected: Int,
        issues: [(code: String, severity: String, count: Int)], missing: [(kind: String, facility: String)],
        rejectedFiles: [(path: String, code: String, message: String)] = []
    ) {
        self.files = files; self.recordsAccepted = recordsAccepted; self.recordsRejected = recordsRejected
        self.issues = issues; self.missing = missing; self.rejectedFiles = rejectedFiles
    }
}
