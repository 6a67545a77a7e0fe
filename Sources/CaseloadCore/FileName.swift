/// A submission's file name: `<kind>_<facility_code>_<YYYY-MM>[_r<N>].<csv|xml>`.
public struct FileName: Sendable, Hashable {
    public enum Format: String, Sendable { case csv, xml }

    public var kind: SubmissionKind
    public var facility: String
    public var period: Period
    public var revision: Int
    public var format: Format

    public init(kind: SubmissionKind, facility: String, period: Period, revision: Int = 1, format: Format) {
        self.kind = kind; self.facility = facility; self.period = period; self.revision = revision; self.format = format
    }

    /// Parses the last component of a path (bytes, so that non-UTF-8 names fail cleanly).
    /// Only the extension is matched case-insensitively.
    public init?(_ name: [UInt8]) {
        guard let dot = name.lastIndex(of: 0x2E) else { return nil }
        let ext = String(decoding: name[(dot + 1)...].map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
        guard let format = Format(rawValue: ext) else { return nil }
        let parts = name[..<dot].split(separator: 0x5F, omittingEmptySubsequences: false)
        guard parts.count == 3 || parts.count == 4 else { return nil }
        guard let kind = SubmissionKind(rawValue: String(decoding: parts[0], as: UTF8.self)) else { return nil }
        guard Facility.isValidCode(parts[1]) else { return nil }
        guard let period = Period(bytes: parts[2]) else { return nil }
        var revision = 1
        if parts.count == 4 {
            let r = parts[3]
            guard r.count >= 2, r.first == 0x72, let n = asciiNumber(r.dropFirst()), n >= 1,
                r[r.startIndex + 1] != 0x30
            else { return nil }
            revision = n
        }
        self.init(
            kind: kind, facility: String(decoding: parts[1], as: UTF8.self), period: period,
            revision: revision, format: format)
    }

    public init?(_ name: String) { self.init(Array(name.utf8)) }

    /// What revisions, duplicates and ambiguity are decided over: kind, facility and period.
    public struct SubmissionKey: Hashable, Sendable {
        public var kind: SubmissionKind
        public var facility: String
        public var period: Period
    }

    public var submissionKey: SubmissionKey { SubmissionKey(kind: kind, facility: facility, period: period) }
}
