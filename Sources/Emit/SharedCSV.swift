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

    public static func render(period: Period, rows: [CaseloadRow], hxl withHXL: Bool) -> [UInt8] {
        var w = CSVWriter(header: header)
        if withHXL { w.row(hxl.map { .text($0) }) }
        // Every cell of these rows has a strict form (numbers, codes, dates, facility codes): none
        // needs quoting or neutralising, so rows are written as bytes directly.
        var out = w.bytes
        out.reserveCapacity(out.count + rows.count * 80)
        let p = Array(period.description.utf8)
        let sexes = Sex.allCases.map { Array($0.rawValue.utf8) }
        let groups = AgeGroup.allCases.map { Array($0.rawValue.utf8) }
        let statuses = Status.allCases.map { Array($0.rawValue.utf8) }
        let placements = [Array("IDC".utf8), Array("COMMUNITY".utf8)]
        var facilities: [String: [UInt8]] = [:]
        var row = [UInt8](repeating: 0, count: 128)
        for r in rows {
            let facility: [UInt8]
            if let f = facilities[r.facility] { facility = f } else { facility = Array(r.facility.utf8.prefix(40)); facilities[r.facility] = facility }
            var n = 0
            put(p, &row, &n)
            r.unhcrID.write(into: &row, at: n); n += 12; row[n] = 0x2C; n += 1
            put(sexes[r.sex.ordinal], &row, &n)
            put(groups[r.ageGroup.index], &row, &n)
            let code = r.nationality.letters
            row[n] = code.0; row[n + 1] = code.1; row[n + 2] = code.2; row[n + 3] = 0x2C; n += 4
            put(facility, &row, &n)
            put(placements[r.community ? 1 : 0], &row, &n)
            put(statuses[r.status.ordinal], &row, &n)
            if let d = r.statusDate { d.write(into: &row, at: n); n += 10 }
            row[n] = 0x2C; n += 1
            r.arrivalDate.write(into: &row, at: n); n += 10
            row[n] = 0x0A; n += 1
            out.append(contentsOf: row[0..<n])
        }
        return out
    }
}

/// Copies a cell and its comma into a row being built.
@inline(__always)
private func put(_ b: [UInt8], _ row: inout [UInt8], _ n: inout Int) {
    for c in b { row[n] = c; n += 1 }
    row[n] = 0x2C
    n += 1
}
