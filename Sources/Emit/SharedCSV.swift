import CaseloadCore

/// The files under `unhcr/`: what leaves the office. Nothing personal: counts rounded by keyed
/// rounding (every count a multiple of k), and registered migrants by UNHCR number (never a name, a birth date or a case id).
public enum AggregatesCSV {
    public static let header = ["period", "population", "indicator", "dimension", "category", "value", "note"]
    /// HXL hashtags (hxlstandard.org), one per column, for `--hxl`.
    public static let hxl = ["#date+period", "#group+population", "#indicator+code", "#indicator+dimension", "#indicator+category", "#indicator+num", "#meta+note"]

    public static func render(period: Period, cells: [SharedCell], hxl withHXL: Bool) -> [UInt8] {
        var w = CSVWriter(header: header)
        if withHXL { w.row(hxl.map { .text($0) }) }
        for c in cells {
            w.row([
                .text(period.description), .text(c.population.rawValue), .text(c.indicator), .text(c.dimension), .text(c.category),
                .number(c.value), c.rounded ? .text("rounded") : .empty,
            ])
        }
        return w.bytes
    }
}

public enum CaseloadCSV {
    public static let header = ["period", "unhcr_id", "sex", "age_group", "nationality", "facility", "placement", "status", "status_date", "arrival_date"]
    public static let hxl = [
        "#date+period", "#beneficiary+code+unhcr", "#beneficiary+sex", "#beneficiary+age_group", "#country+code+nationality",
        "#loc+code+facility", "#loc+type+placement", "#status+code", "#date+status", "#date+arrival",
    ]

    public static func render(period: Period, rows: [CaseloadRow], facilities: [String], hxl withHXL: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256 + rows.count * 80)
        render(period: period, rows: rows, facilities: facilities, hxl: withHXL) { chunk in out.append(contentsOf: chunk) }
        return out
    }

    /// The same, handed to `sink` in chunks of about 64 KiB (a long list is never held whole).
    public static func render<E: Error>(
        period: Period, rows: [CaseloadRow], facilities: [String], hxl withHXL: Bool,
        sink: (UnsafeBufferPointer<UInt8>) throws(E) -> Void
    ) throws(E) {
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
        // Every code's bytes in one block, by (offset, length): no array per cell on the hot path.
        var block: [UInt8] = []
        func entries(_ texts: [String]) -> [(Int, Int)] {
            texts.map { t in
                let b = Array(t.utf8.prefix(40))
                defer { block += b }
                return (block.count, b.count)
            }
        }
        let periodCell = entries([period.description])[0]
        let sexes = entries(Sex.allCases.map(\.rawValue)), groups = entries(AgeGroup.allCases.map(\.rawValue))
        let statuses = entries(Status.allCases.map(\.rawValue)), placements = entries(["IDC", "COMMUNITY"])
        let codes = entries(facilities)
        // The last days written, by day number (a caseload has few distinct arrival dates).
        var dayCache = [UInt64](repeating: UInt64.max, count: 1024)
        var dayText = [UInt8](repeating: 0, count: 1024 * 10)
        try block.withUnsafeBufferPointer { blockBuffer throws(E) in
            let bytes = blockBuffer.baseAddress!
            @inline(__always) func put(_ e: (Int, Int)) {
                (buffer + n).update(from: bytes + e.0, count: e.1)
                n &+= e.1
                buffer[n] = 0x2C
                n &+= 1
            }
            @inline(__always) func date(_ d: Day) {
                let slot = Int(UInt32(bitPattern: d.ordinal) & 1023)
                if dayCache[slot] != UInt64(UInt32(bitPattern: d.ordinal)) {
                    let c = d.civil
                    let t = slot * 10
                    dayText[t] = UInt8(c.year / 1000 % 10) &+ 0x30
                    dayText[t + 1] = UInt8(c.year / 100 % 10) &+ 0x30
                    dayText[t + 2] = UInt8(c.year / 10 % 10) &+ 0x30
                    dayText[t + 3] = UInt8(c.year % 10) &+ 0x30
                    dayText[t + 4] = 0x2D
                    dayText[t + 5] = UInt8(c.month / 10) &+ 0x30
                    dayText[t + 6] = UInt8(c.month % 10) &+ 0x30
                    dayText[t + 7] = 0x2D
                    dayText[t + 8] = UInt8(c.day / 10) &+ 0x30
                    dayText[t + 9] = UInt8(c.day % 10) &+ 0x30
                    dayCache[slot] = UInt64(UInt32(bitPattern: d.ordinal))
                }
                dayText.withUnsafeBufferPointer { (buffer + n).update(from: $0.baseAddress! + slot * 10, count: 10) }
                n &+= 10
            }
            for r in rows {
                if n >= chunk {
                    try sink(UnsafeBufferPointer(start: buffer, count: n))
                    n = 0
                }
                put(periodCell)
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
        }
        if n > 0 { try sink(UnsafeBufferPointer(start: buffer, count: n)) }
    }
}
