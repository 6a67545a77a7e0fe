/// What became of a file.
public enum FileOutcome: String, Sendable, Hashable, CaseIterable {
    case accepted, rejected, superseded, duplicate
}

/// One entry of the input folder, judged: everything later stages need, nothing personal.
public struct JudgedFile: Sendable {
    /// The path relative to the input folder as written back (ill-formed UTF-8 replaced).
    public var path: String
    /// The path's bytes, for path order.
    public var pathBytes: [UInt8]
    /// The parsed name, when the name follows the pattern.
    public var name: FileName?
    public var size: Int?
    public var sha256: String?
    public var outcome: FileOutcome
    /// File-level and record-level findings, in the order found.
    public var findings: [Finding]
    /// Accepted records (empty when the file is rejected), sorted by case id; let go once the
    /// figures of their period are made.
    public var records: RecordList
    public var acceptedRecords: Int
    public var rejectedRecords: Int
    /// CPU time spent judging the file (reading, hashing, parsing, validating), for `make bench`.
    public var cpuSeconds: Double = 0

    public init(path: String, pathBytes: [UInt8], name: FileName?) {
        self.path = path; self.pathBytes = pathBytes; self.name = name
        outcome = .rejected; findings = []; records = RecordList(); acceptedRecords = 0; rejectedRecords = 0
    }

    /// Path order: the byte order of paths relative to the input folder.
    public static func pathOrder(_ a: JudgedFile, _ b: JudgedFile) -> Bool {
        a.pathBytes.lexicographicallyPrecedes(b.pathBytes)
    }

    public func issues() -> [Issue] {
        findings.map { Issue($0, file: path, facility: name?.facility, period: name?.period.description) }
    }
}

/// A configuration error: the run stops before writing anything (exit 2).
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
