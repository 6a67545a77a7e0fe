import CaseloadCore

/// The files under `unhcr/`: what leaves the office. Nothing personal: counts with small cells
/// suppressed, and registered migrants by UNHCR number (never a name, a birth date or a case id).
public enum AggregatesCSV {
    public static let header = ["period", "population", "indicator", "dimension", "category", "value", "note"]
    /// HXL hashtags (hxlstandard.org), one per column, for `--hxl`.
    public static let hxl = ["#date+period", "#group+population", "#indicator+code", "#indicator+dimension", "#indicator+category", "#indicator+num", "#meta+note"]

    public static func render(period: Period, cells: [SharedCell], hxl withHXL: Bool) -> [UInt8] {
        var w = CSVWriter(header: header)
        if withHXL { w.row(hxl.map { .text($0) }) }
        for c in cells {
            w.row([.text(period.description), .text(c.population.rawValue), .text(c.indicator), .text(c.dimension), .text(c.category),
                   c.value.map { .number($0) } ?? .empty, c.value == nil ? .text("suppressed") : .empty])
        }
        return w.bytes
    }
}

public enum CaseloadCSV {
    public static let header = ["period", "unhcr_id", "sex", "age_group", "nationality", "facility", "placement", "status", "status_date", "arrival_date"]
    public static let hxl = ["#date+period", "#beneficiary+code+unhcr", "#beneficiary+sex", "#beneficiary+age_group", "#country+code+nationality",
                             "#loc+code+facility", "#loc+type+placement", "#status+code", "#date+status", "#date+arrival"]

    public static func render(period: Period, rows: [CaseloadRow], facilities: [String], hxl withHXL: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + rows.count * 80)
        render(period: period, rows: rows, facilities: facilities, hxl: withHXL) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    /// The same, handed to `sink` in chunks of about 64 KiB (a long list is never held whole).
    public static func render<E: Error>(period: Period, rows: [CaseloadRow], facilities: [String], hxl withHXL: Bool,
                                        sink: (UnsafeBufferPointer<UInt8>) throws(E) -> Void) throws(E) {
        var w = CSVWriter(header: header)
        if withHXL { w.row(hxl.map { .text($0) }) }
        // Every cell of these rows has a strict form (numbers, codes, dates, facility codes): none
        // needs quoting or neutralising, so rows are written as bytes directly, into a chunk
        // handed to `sink` when full.
        let chunk = 1 << 16
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk + 256)
        defer { buffer.deallocate() }
        var n = 0
        for c in w.bytes { buffer[n] = c; n += 1 }
        let p = Array(period.description.utf8)
        let sexes = Sex.allCases.map { Array($0.rawValue.utf8) }
        let groups = AgeGroup.allCases.map { Array($0.rawValue.utf8) }
        let statuses = Status.allCases.map { Array($0.rawValue.utf8) }
        let placements = [Array("IDC".utf8), Array("COMMUNITY".utf8)]
        let codes = facilities.map { Array($0.utf8.prefix(40)) }
        @inline(__always) func put(_ b: [UInt8]) {
            for c in b { buffer[n] = c; n &+= 1 }
            buffer[n] = 0x2C
            n &+= 1
        }
        @inline(__always) func two(_ v: Int) {
            buffer[n] = UInt8(truncatingIfNeeded: v / 10) &+ 0x30
            buffer[n &+ 1] = UInt8(truncatingIfNeeded: v % 10) &+ 0x30
            n &+= 2
        }
        @inline(__always) func date(_ d: Day) {
            let c = d.civil
            two(c.year / 100); two(c.year % 100)
            buffer[n] = 0x2D; n &+= 1
            two(c.month)
            buffer[n] = 0x2D; n &+= 1
            two(c.day)
        }
        for r in rows {
            if n >= chunk {
                try sink(UnsafeBufferPointer(start: buffer, count: n))
                n = 0
            }
            put(p)
            // The UNHCR number from its key: five digits, the letter, five digits.
            let after = Int(r.key % 100_000), rest = Int(r.key / 100_000)
            let before = rest / 26
            let letter = UInt8(rest % 26) &+ 0x41
            buffer[n] = UInt8(before / 10_000) &+ 0x30
            buffer[n &+ 1] = UInt8(before / 1_000 % 10) &+ 0x30
            buffer[n &+ 2] = UInt8(before / 100 % 10) &+ 0x30
            buffer[n &+ 3] = 0x2D
            buffer[n &+ 4] = UInt8(before / 10 % 10) &+ 0x30
            buffer[n &+ 5] = UInt8(before % 10) &+ 0x30
            buffer[n &+ 6] = letter
            buffer[n &+ 7] = UInt8(after / 10_000) &+ 0x30
            buffer[n &+ 8] = UInt8(after / 1_000 % 10) &+ 0x30
            buffer[n &+ 9] = UInt8(after / 100 % 10) &+ 0x30
            buffer[n &+ 10] = UInt8(after / 10 % 10) &+ 0x30
            buffer[n &+ 11] = UInt8(after % 10) &+ 0x30
            buffer[n &+ 12] = 0x2C
            n &+= 13
            put(sexes[r.sex.ordinal])
            put(groups[r.ageGroup.index])
            let code = r.nationality.letters
            buffer[n] = code.0; buffer[n &+ 1] = code.1; buffer[n &+ 2] = code.2; buffer[n &+ 3] = 0x2C; n &+= 4
            put(codes[Int(r.facility)])
            put(placements[r.community ? 1 : 0])
            put(statuses[r.status.ordinal])
            if let d = r.statusDate { date(d) }
            buffer[n] = 0x2C; n &+= 1
            date(r.arrivalDate)
            buffer[n] = 0x0A; n &+= 1
        }
        if n > 0 { try sink(UnsafeBufferPointer(start: buffer, count: n)) }
    }
}
