/// Calendar arithmetic on plain integers: no Foundation `Calendar`, no time zone, no locale.
///
/// A `Day` is a count of days since 1970-01-01 (proleptic Gregorian), so comparisons and
/// differences are integer operations and nothing depends on the machine's clock settings.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Builds a day from a civil date; returns nil when the date is not on the calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= Day.daysIn(year: year, month: month)
        else { return nil }
        ordinal = Int32(Day.daysFromCivil(year, month, day))
    }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days from 1970-01-01, for a valid date of years 1…9999: the days before its year (leap
    /// days counted by divisions by constants), before its month, and its day; no table, no branch
    /// but the leap day.
    @inline(__always)
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let p = y &- 1
        let beforeYear = 365 &* p &+ p / 4 &- p / 100 &+ p / 400 &- 719_162
        let beforeMonth = m >= 3 ? (153 &* (m &- 3) &+ 2) / 5 &+ 59 &+ (isLeap(y) ? 1 : 0) : (m == 1 ? 0 : 31)
        return beforeYear &+ beforeMonth &+ d &- 1
    }

    // Howard Hinnant's algorithms (days_from_civil / civil_from_days).
    static func civilDays(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        var b = [UInt8](repeating: 0x30, count: 10)
        write(into: &b, at: 0)
        return String(decoding: b, as: UTF8.self)
    }

    /// Writes `YYYY-MM-DD` into ten bytes at `at`.
    @inline(__always)
    public func write(into b: inout [UInt8], at i: Int) {
        let c = civil
        var y = c.year
        for k in stride(from: 3, through: 0, by: -1) { b[i + k] = UInt8(y % 10) + 0x30; y /= 10 }
        b[i + 4] = 0x2D
        b[i + 5] = UInt8(c.month / 10) + 0x30; b[i + 6] = UInt8(c.month % 10) + 0x30
        b[i + 7] = 0x2D
        b[i + 8] = UInt8(c.day / 10) + 0x30; b[i + 9] = UInt8(c.day % 10) + 0x30
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public static func - (a: Day, b: Day) -> Int { Int(a.ordinal) - Int(b.ordinal) }
}

@inline(__always)
func pad(_ value: Int, _ width: Int) -> String {
    let s = String(value)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// A calendar month, `YYYY-MM`.
public struct Period: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// year * 12 + (month - 1)
    public var index: Int32

    public init(year: Int, month: Int) { index = Int32(year * 12 + month - 1) }
    public init(index: Int32) { self.index = index }

    public var year: Int { Int(index) / 12 }
    public var month: Int { Int(index) % 12 + 1 }
    public var first: Day { Day(year: year, month: month, day: 1)! }
    public var last: Day { Day(year: year, month: month, day: Day.daysIn(year: year, month: month))! }
    public var previous: Period { Period(index: index - 1) }
    public var next: Period { Period(index: index + 1) }
    public var description: String { pad(year, 4) + "-" + pad(month, 2) }

    /// Parses exactly `YYYY-MM` with a month 01–12 (ASCII digits only).
    public init?<S: Collection>(bytes s: S) where S.Element == UInt8 {
        let b = Array(s)
        guard b.count == 7, b[4] == UInt8(ascii: "-"),
            let y = asciiNumber(b[0..<4]), let m = asciiNumber(b[5..<7]), (1...12).contains(m), y >= 1
        else { return nil }
        self.init(year: y, month: m)
    }

    public init?(_ text: String) { self.init(bytes: text.utf8) }

    public static func < (a: Period, b: Period) -> Bool { a.index < b.index }

    /// Every period from `a` to `b`, both included.
    public static func range(_ a: Period, _ b: Period) -> [Period] {
        a > b ? [] : (a.index...b.index).map { Period(index: $0) }
    }
}

/// Parses a run of ASCII digits; nil on anything else or on an empty run.
@inline(__always)
public func asciiNumber<S: Collection>(_ s: S) -> Int? where S.Element == UInt8 {
    if s.isEmpty || s.count > 18 { return nil }
    var v = 0
    for c in s {
        guard c >= 0x30, c <= 0x39 else { return nil }
        v = v * 10 + Int(c - 0x30)
    }
    return v
}

/// Dates as the contract writes them: `YYYY-MM-DD` or `DD/MM/YYYY`, two-digit day and month.
public enum DateParser {
    public static func day<S: Collection>(_ s: S) -> Day? where S.Element == UInt8, S.Index == Int {
        guard let c = civil(s) else { return nil }
        return Day(ordinal: Int32(Day.daysFromCivil(c.year, c.month, c.day)))
    }

    /// The year, month and day of `YYYY-MM-DD` or `DD/MM/YYYY`, when it is a calendar date.
    @inline(__always)
    public static func civil<S: Collection>(_ s: S) -> (year: Int, month: Int, day: Int)? where S.Element == UInt8, S.Index == Int {
        guard s.count == 10 else { return nil }
        let i = s.startIndex
        let y: Int, m: Int, d: Int
        if s[i + 4] == 0x2D, s[i + 7] == 0x2D {
            guard let yy = digits4(s, i), let mm = digits2(s, i + 5), let dd = digits2(s, i + 8) else { return nil }
            (y, m, d) = (yy, mm, dd)
        } else if s[i + 2] == 0x2F, s[i + 5] == 0x2F {
            guard let dd = digits2(s, i), let mm = digits2(s, i + 3), let yy = digits4(s, i + 6) else { return nil }
            (y, m, d) = (yy, mm, dd)
        } else {
            return nil
        }
        guard y >= 1, m >= 1, m <= 12, d >= 1, d <= Day.daysIn(year: y, month: m) else { return nil }
        return (y, m, d)
    }

    @inline(__always)
    static func digits2<S: Collection>(_ s: S, _ i: Int) -> Int? where S.Element == UInt8, S.Index == Int {
        let a = s[i] &- 0x30, b = s[i + 1] &- 0x30
        guard a < 10, b < 10 else { return nil }
        return Int(a) * 10 + Int(b)
    }

    @inline(__always)
    static func digits4<S: Collection>(_ s: S, _ i: Int) -> Int? where S.Element == UInt8, S.Index == Int {
        guard let h = digits2(s, i), let l = digits2(s, i + 2) else { return nil }
        return h * 100 + l
    }

    public static func partial<S: Collection>(_ s: S) -> PartialDate? where S.Element == UInt8, S.Index == Int {
        let i = s.startIndex
        switch s.count {
        case 10:
            guard let c = civil(s) else { return nil }
            return PartialDate(year: c.year, month: c.month, day: c.day)
        case 7:
            guard s[i + 4] == 0x2D, let y = digits4(s, i), let m = digits2(s, i + 5), m >= 1, m <= 12, y >= 1 else { return nil }
            return PartialDate(year: y, month: m, day: nil)
        case 4:
            guard let y = digits4(s, i), y >= 1 else { return nil }
            return PartialDate(year: y, month: nil, day: nil)
        default:
            return nil
        }
    }
}

/// A birth date that may lack its day or its month and day.
public struct PartialDate: Hashable, Sendable, CustomStringConvertible {
    /// Packed in 4 bytes: year, month (0 when absent), day (0 when absent).
    let y: Int16
    let m: UInt8
    let d: UInt8

    public var year: Int { Int(y) }
    public var month: Int? { m == 0 ? nil : Int(m) }
    public var day: Int? { d == 0 ? nil : Int(d) }

    public init(year: Int, month: Int?, day: Int?) {
        y = Int16(year); m = UInt8(month ?? 0); d = UInt8(day ?? 0)
    }

    /// The earliest day it allows (for comparisons); a partial date is always a real one.
    public var earliest: Day { Day(ordinal: Int32(Day.daysFromCivil(Int(y), m == 0 ? 1 : Int(m), d == 0 ? 1 : Int(d)))) }

    /// The day it stands for in ages: `1989` → 1989-07-01, `1989-07` → 1989-07-15.
    public var middle: Day {
        guard let m = month else { return Day(year: year, month: 7, day: 1)! }
        return Day(year: year, month: m, day: day ?? 15)!
    }

    /// The normalised text: `1989`, `1989-07`, `1989-07-01`.
    public var description: String {
        var s = pad(year, 4)
        if let m = month { s += "-" + pad(m, 2) }
        if let d = day { s += "-" + pad(d, 2) }
        return s
    }

    /// Age in completed years on `on`, from the middle of the partial date; 0 when born after it.
    public func age(on end: Day) -> Int {
        let e = end.civil
        return age(year: e.year, month: e.month, day: e.day)
    }

    /// Age in completed years at the end of `p` (its last day), without any day arithmetic.
    @inline(__always)
    public func age(atEndOf p: Period) -> Int {
        let month = p.month
        return age(year: p.year, month: month, day: Day.daysIn(year: p.year, month: month))
    }

    /// Age in completed years on a civil date, from the middle of the partial date (`1989` →
    /// 1989-07-01, `1989-07` → 1989-07-15); 0 when the middle is after it.
    @inline(__always)
    public func age(year ey: Int, month em: Int, day ed: Int) -> Int {
        let bm = m == 0 ? 7 : Int(m)
        let bd = m == 0 ? 1 : (d == 0 ? 15 : Int(d))
        var years = ey - Int(y)
        if em < bm || (em == bm && ed < bd) { years -= 1 }
        return max(0, years)
    }

    /// The earliest day it allows, as a packed civil key (`year << 9 | month << 5 | day`): it
    /// compares as the dates do.
    @inline(__always)
    public var earliestKey: Int { Int(y) << 9 | Int(m == 0 ? 1 : m) << 5 | Int(d == 0 ? 1 : d) }
}

/// UNHCR's age groups.
public enum AgeGroup: String, CaseIterable, Sendable, Comparable {
    case g0to4 = "0-4", g5to11 = "5-11", g12to17 = "12-17", g18to59 = "18-59", g60plus = "60+"

    public init(age: Int) {
        switch age {
        case ..<5: self = .g0to4
        case 5...11: self = .g5to11
        case 12...17: self = .g12to17
        case 18...59: self = .g18to59
        default: self = .g60plus
        }
    }

    /// The group of a position in `allCases`.
    public init(index: Int) {
        switch index {
        case 0: self = .g0to4
        case 1: self = .g5to11
        case 2: self = .g12to17
        case 3: self = .g18to59
        default: self = .g60plus
        }
    }

    /// Position in `allCases`.
    public var index: Int {
        switch self {
        case .g0to4: return 0
        case .g5to11: return 1
        case .g12to17: return 2
        case .g18to59: return 3
        case .g60plus: return 4
        }
    }

    public static func < (a: AgeGroup, b: AgeGroup) -> Bool { a.index < b.index }
}
