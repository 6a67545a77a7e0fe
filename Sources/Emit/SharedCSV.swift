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
        var date = [UInt8](repeating: 0, count: 10)
        for r in rows {
            out += p; out.append(0x2C)
            out += r.unhcrID.description.utf8; out.append(0x2C)
            out += r.sex.rawValue.utf8; out.append(0x2C)
            out += r.ageGroup.rawValue.utf8; out.append(0x2C)
            out += r.nationality.code.utf8; out.append(0x2C)
            out += r.facility.utf8; out.append(0x2C)
            out += (r.community ? "COMMUNITY" : "IDC").utf8; out.append(0x2C)
            out += r.status.rawValue.utf8; out.append(0x2C)
            if let d = r.statusDate { d.write(into: &date, at: 0); out += date }
            out.append(0x2C)
            r.arrivalDate.write(into: &date, at: 0); out += date
            out.append(0x0A)
        }
        return out
    }
}
