/// How bad an issue is.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    case error, warning, info

    public static func < (a: Severity, b: Severity) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Every stable issue code of validation.md, with its severity and its explanation.
public enum IssueCode: String, Sendable, Hashable, CaseIterable, Comparable {
    // File rules
    case FILE_NAME, UNKNOWN_FACILITY, FACILITY_KIND, FACILITY_PERIOD, UNREADABLE, TOO_LARGE
    case EMPTY_FILE, ENCODING, CSV_SYNTAX, MISSING_COLUMN, DUPLICATE_COLUMN, XML_MALFORMED
    case XML_DOCTYPE, XML_SCHEMA, ENVELOPE_MISMATCH, AMBIGUOUS_REVISION, TOO_MANY_REJECTS
    case UNKNOWN_COLUMN, NO_RECORDS, DUPLICATE_FILE, SUPERSEDED
    // Record rules
    case FIELD_COUNT, REQUIRED, FORMAT, CODE, DUPLICATE_ID, FUTURE_DATE, DATE_ORDER, OUT_OF_PERIOD
    case AGE_RANGE, UASC_AGE, BLANK_ROW
    // Across files
    case CONFLICT, CONTINUITY, MISSING_SUBMISSION

    public static func < (a: IssueCode, b: IssueCode) -> Bool { a.rawValue < b.rawValue }

    public var severity: Severity {
        switch self {
        case .UNKNOWN_COLUMN, .UASC_AGE, .BLANK_ROW, .CONFLICT, .CONTINUITY, .MISSING_SUBMISSION: return .warning
        case .NO_RECORDS, .DUPLICATE_FILE, .SUPERSEDED: return .info
        case .FILE_NAME, .UNKNOWN_FACILITY, .FACILITY_KIND, .FACILITY_PERIOD, .UNREADABLE, .TOO_LARGE, .EMPTY_FILE, .ENCODING, .CSV_SYNTAX,
            .MISSING_COLUMN, .DUPLICATE_COLUMN, .XML_MALFORMED, .XML_DOCTYPE, .XML_SCHEMA, .ENVELOPE_MISMATCH, .AMBIGUOUS_REVISION,
            .TOO_MANY_REJECTS, .FIELD_COUNT, .REQUIRED, .FORMAT, .CODE, .DUPLICATE_ID, .FUTURE_DATE, .DATE_ORDER, .OUT_OF_PERIOD, .AGE_RANGE:
            return .error
        }
    }

    /// Whether the code judges a whole file (as opposed to one record, or several files).
    public var isFileLevel: Bool {
        switch self {
        case .FIELD_COUNT, .REQUIRED, .FORMAT, .CODE, .DUPLICATE_ID, .FUTURE_DATE, .DATE_ORDER,
            .OUT_OF_PERIOD, .AGE_RANGE, .UASC_AGE, .BLANK_ROW, .CONFLICT, .CONTINUITY, .MISSING_SUBMISSION:
            return false
        case .FILE_NAME, .UNKNOWN_FACILITY, .FACILITY_KIND, .FACILITY_PERIOD, .UNREADABLE, .TOO_LARGE, .EMPTY_FILE, .ENCODING, .CSV_SYNTAX,
            .MISSING_COLUMN, .DUPLICATE_COLUMN, .XML_MALFORMED, .XML_DOCTYPE, .XML_SCHEMA, .ENVELOPE_MISMATCH, .AMBIGUOUS_REVISION,
            .TOO_MANY_REJECTS, .UNKNOWN_COLUMN, .NO_RECORDS, .DUPLICATE_FILE, .SUPERSEDED:
            return true
        }
    }

    /// What the code means and how a centre fixes it (`caseload explain CODE`).
    public var explanation: (meaning: String, fix: String) {
        switch self {
        case .FILE_NAME:
            return (
                "The file name does not follow <kind>_<facility>_<YYYY-MM>[_r<N>].<csv|xml>, for example detention_IDC-TPI_2012-03.csv or shelter_SH-JKT_2012-03_r2.xml. The file is rejected unread.",
                "Rename the file: kind is detention or shelter, the facility code as in the registry (upper case), a month 01-12, a revision r2, r3, ... without leading zeros, extension .csv or .xml."
            )
        case .UNKNOWN_FACILITY:
            return (
                "The facility code in the file name is not in facilities.csv.",
                "Check the code against the registry; if the facility is new, the data officer adds it to facilities.csv first."
            )
        case .FACILITY_KIND:
            return (
                "A shelter file came from a detention centre or community housing, or a detention file from a shelter.",
                "Detention centres (IDC) and community housing (COMMUNITY) send detention files; shelters send shelter files. Fix the kind in the file name, or the facility code."
            )
        case .FACILITY_PERIOD:
            return (
                "The month of the file is before the facility opened or after it closed, according to facilities.csv.",
                "Check the month in the file name; if the registry's opened/closed months are wrong, the data officer corrects facilities.csv."
            )
        case .UNREADABLE:
            return (
                "The file could not be read: no permission, an I/O error, or it is a symbolic link, a FIFO, a device, a socket or a folder that cannot be listed. Links are never followed.",
                "Put a regular, readable file in the input folder (copy it, do not link it)."
            )
        case .TOO_LARGE:
            return (
                "The file breaks a limit: over 1 GiB, a CSV header of more than 1,000 cells, or a CSV field over 1 MiB (often a quote that is never closed). Reading stops at once.",
                "Send the list as exported, one person a row; look for an unclosed quote near the line named."
            )
        case .EMPTY_FILE:
            return (
                "The file has no bytes, or (CSV) no header line.",
                "Export the list again; a facility with nobody in the month sends the header line alone."
            )
        case .ENCODING:
            return (
                "The file is not valid UTF-8, or contains a NUL byte; the line of the first bad byte is given.",
                "Save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8'). Files saved as UTF-16, Windows-1252 or binary files renamed .csv are refused."
            )
        case .CSV_SYNTAX:
            return (
                "A quoted field is opened and never closed; the line where the quote opened is given.",
                "Close the quote (a quote inside a quoted field is written twice: \"\")."
            )
        case .MISSING_COLUMN:
            return (
                "A required column is absent from the header line.",
                "Add the column named in the issue, with its value for every person."
            )
        case .DUPLICATE_COLUMN:
            return (
                "Two header cells name the same column.",
                "Keep one column of that name."
            )
        case .XML_MALFORMED:
            return (
                "The XML is not well-formed (or breaks one of libxml2's limits); line, column and the parser's words are given.",
                "Fix the XML at the place named, or export it again; check it with xmllint before sending."
            )
        case .XML_DOCTYPE:
            return (
                "The XML has a document type declaration (<!DOCTYPE ...>). No DTD or entity is ever allowed: they can be used to read files or exhaust memory.",
                "Remove the <!DOCTYPE ...> declaration; use only the five predefined entities and numeric character references."
            )
        case .XML_SCHEMA:
            return (
                "The XML structure breaks the published XSD (wrong element, element twice, attribute, text in a list); line and the validator's words are given.",
                "Check the file with xmllint --schema against the XSD of its kind (docs/schemas/)."
            )
        case .ENVELOPE_MISMATCH:
            return (
                "The kind, facility, period or revision attribute of the root element disagrees with the file name.",
                "Make the root element's attributes and the file name say the same thing."
            )
        case .AMBIGUOUS_REVISION:
            return (
                "Two files have the same kind, facility, period and revision but different contents; neither can be chosen, so both are rejected.",
                "Remove the wrong one, or send the correction as a higher revision (_r2, _r3, ...)."
            )
        case .TOO_MANY_REJECTS:
            return (
                "More than the allowed share of the file's records (20 % by default) was rejected: the file is judged broken and none of it counts. Its record issues are still listed.",
                "Fix the record issues listed for the file and send it again as a new revision."
            )
        case .UNKNOWN_COLUMN:
            return (
                "A header cell names no known column; the column is ignored.",
                "Remove the column or fix its name if it was meant to be one of the contract's columns."
            )
        case .NO_RECORDS:
            return (
                "The file is valid but holds no record: nobody was in the facility that month.",
                "Nothing to fix if that is true."
            )
        case .DUPLICATE_FILE:
            return (
                "The file has the same bytes as another file of the same kind, facility and period; the first in path order counts, this one does not.",
                "Nothing to fix; remove the copy to keep the folder tidy."
            )
        case .SUPERSEDED:
            return (
                "A higher revision of the same kind, facility and period was used instead of this file.",
                "Nothing to fix."
            )
        case .FIELD_COUNT:
            return (
                "A CSV row has more or fewer cells than the header; the row is not checked further.",
                "Look for an unquoted delimiter inside a value (quote the value) or a missing cell."
            )
        case .REQUIRED:
            return (
                "A required value is missing: an always-required field, the status_date of an exit status, or a list that needs at least one item.",
                "Fill in the value."
            )
        case .FORMAT:
            return (
                "A value is not of its type or pattern: a case_id (like IDN-2011-004512), a unhcr_id (like 354-12C00123), a date that is not a real calendar date (YYYY-MM-DD or DD/MM/YYYY), a boolean (Y/N).",
                "Write the value in the form named in the message."
            )
        case .CODE:
            return (
                "A code, an item of a code list or a country is not in its list.",
                "Use one of the codes the message lists; countries are ISO 3166-1 alpha-3 codes or XXA, XXB, XXC, XXX."
            )
        case .DUPLICATE_ID:
            return (
                "The case_id was already used by an earlier record of the same file; the earlier record keeps its own outcome.",
                "One person, one row: merge the rows or correct the case_id."
            )
        case .FUTURE_DATE:
            return (
                "A date is after the end of the period of the submission.",
                "Correct the date (day and month swapped?) or the month of the file."
            )
        case .DATE_ORDER:
            return (
                "Dates are in an impossible order: arrival, identification or admission before birth; an exit status_date before arrival; a discharge before admission.",
                "Correct whichever date is wrong."
            )
        case .OUT_OF_PERIOD:
            return (
                "An exit status_date or a discharge_date is before the start of the period: the person had left before it and does not belong in this submission.",
                "Remove the person from this month's list, or correct the date."
            )
        case .AGE_RANGE:
            return (
                "The age at the end of the period is over 110.",
                "Correct the birth date."
            )
        case .UASC_AGE:
            return (
                "unaccompanied_minor is true but the person is 18 or older at the end of the period; the flag is ignored in the figures.",
                "Correct the birth date or the flag."
            )
        case .BLANK_ROW:
            return (
                "A CSV row whose cells are all empty; it is skipped and counts as no record.",
                "Remove empty rows."
            )
        case .CONFLICT:
            return (
                "One case has records in the same period that disagree on sex, birth_date or nationality, across files or across both kinds. The figures use each kind's principal record.",
                "Agree with the other facility on the person's details and correct the wrong list."
            )
        case .CONTINUITY:
            return (
                "A person in care at the end of the previous month has no record anywhere this month, although their facility sent its list: someone vanished from the lists.",
                "Add the person with their exit status and status_date, or with their current status."
            )
        case .MISSING_SUBMISSION:
            return (
                "A facility was expected to submit for the period (it is open then) and no file of it was accepted.",
                "Send the month's file, or a corrected revision of the rejected one."
            )
        }
    }
}

/// One problem found: issues are data, collected and reported; only what stops the whole run is thrown.
public struct Issue: Sendable, Hashable {
    public var code: IssueCode
    /// Path relative to the input folder, already cut for writing back (see `WrittenBack.path`).
    public var file: String?
    public var line: Int?
    public var facility: String?
    public var period: String?
    public var caseID: String?
    public var field: String?
    public var message: String

    public var severity: Severity { code.severity }

    public init(
        _ code: IssueCode, file: String? = nil, line: Int? = nil, facility: String? = nil,
        period: String? = nil, caseID: String? = nil, field: String? = nil, message: String
    ) {
        self.code = code
        self.file = file.map(WrittenBack.path)
        self.line = line
        self.facility = facility.map(WrittenBack.value)
        self.period = period
        self.caseID = caseID.flatMap { $0.isEmpty ? nil : WrittenBack.value($0) }
        self.field = field.map(WrittenBack.value)
        self.message = message
    }

    /// The order of `issues.csv`: file (no file last), line (none first), code, field, case_id,
    /// facility, period, message; text compared by bytes.
    public static func sortOrder(_ a: Issue, _ b: Issue) -> Bool {
        switch (a.file, b.file) {
        case (nil, .some): return false
        case (.some, nil): return true
        case let (.some(x), .some(y)) where x != y: return Array(x.utf8).lexicographicallyPrecedes(y.utf8)
        default: break
        }
        if a.line != b.line { return (a.line ?? -1) < (b.line ?? -1) }
        if a.code != b.code { return a.code.rawValue < b.code.rawValue }
        for (x, y) in [(a.field, b.field), (a.caseID, b.caseID), (a.facility, b.facility), (a.period, b.period)] where x != y {
            return Array((x ?? "").utf8).lexicographicallyPrecedes((y ?? "").utf8)
        }
        return Array(a.message.utf8).lexicographicallyPrecedes(b.message.utf8)
    }

    /// The compiler-like line of the terminal: `file:line: severity[CODE] field: message`.
    public var terminalLine: String {
        var s = ""
        if let f = file {
            s += f
            if let l = line { s += ":\(l)" }
            s += ": "
        } else if let fac = facility {
            s += "\(fac) \(period ?? ""): "
        }
        s += "\(severity.rawValue)[\(code.rawValue)] "
        if let f = field { s += "\(f): " }
        s += message
        return s
    }
}

/// What happens to a value copied from an input into an output.
public enum WrittenBack {
    /// Cut to 40 Unicode scalars (then `…`), control characters replaced by U+FFFD.
    public static func value(_ s: String) -> String {
        var scalars = Array(s.unicodeScalars)
        var cut = false
        if scalars.count > 40 { scalars = Array(scalars[0..<40]); cut = true }
        var out = String.UnicodeScalarView()
        for u in scalars { out.append(isControl(u) ? "\u{FFFD}" : u) }
        if cut { out.append("…") }
        return String(out)
    }

    /// A path over 200 scalars becomes `…` and its last 199; control characters replaced.
    public static func path(_ s: String) -> String {
        var scalars = Array(s.unicodeScalars)
        var prefix = false
        if scalars.count > 200 { scalars = Array(scalars[(scalars.count - 199)...]); prefix = true }
        var out = String.UnicodeScalarView()
        if prefix { out.append("…") }
        for u in scalars { out.append(isControl(u) ? "\u{FFFD}" : u) }
        return String(out)
    }

    /// A value quoted in a message: `'…'`, cut and cleaned.
    public static func quoted<S: Collection>(_ bytes: S) -> String where S.Element == UInt8 {
        "'" + value(String(decoding: Array(bytes), as: UTF8.self)) + "'"
    }

    public static func quoted(_ s: String) -> String { "'" + value(s) + "'" }

    @inline(__always)
    static func isControl(_ u: Unicode.Scalar) -> Bool { u.value < 0x20 || u.value == 0x7F }
}
