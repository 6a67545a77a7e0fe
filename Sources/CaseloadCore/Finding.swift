/// An issue as a stage finds it, before the file, facility and period are attached.
public struct Finding: Sendable, Hashable {
    public var code: IssueCode
    public var line: Int?
    public var field: String?
    public var caseID: String?
    public var message: String

    public init(_ code: IssueCode, line: Int? = nil, field: String? = nil, caseID: String? = nil, message: String) {
        self.code = code; self.line = line; self.field = field; self.caseID = caseID; self.message = message
    }
}

extension Issue {
    public init(_ f: Finding, file: String?, facility: String?, period: String?) {
        self.init(
            f.code, file: file, line: f.line, facility: facility, period: period,
            caseID: f.caseID, field: f.field, message: f.message)
    }
}

/// What a reader hands over, row by row, in file order (valid during the callback only).
public enum RowEvent {
    /// A record with its values.
    case record(RawRecord)
    /// A CSV row with the wrong number of cells: the row is not checked further.
    case fieldCount(line: Int, found: Int, expected: Int)
    /// A CSV row whose cells are all empty.
    case blank(line: Int)
}

/// The limits of "Hostile input".
public struct Limits: Sendable {
    public var maxFileBytes: Int = 1 << 30
    public var maxHeaderCells: Int = 1000
    public var maxFieldBytes: Int = 1 << 20
    public init() {}
}
