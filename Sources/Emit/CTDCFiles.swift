import CaseloadCore

/// `ctdc/victims.csv` and `ctdc/report.json` (docs/ctdc.md). The rows are made k-anonymous by
/// `CTDC.anonymise` before they get here. Every cell is a CTDC code, a year, `0`/`1` or `-99`
/// (CTDC's missing value, a number: written as it is), none needs quoting.
public enum CTDCFiles {
    public static func victims(_ rows: [CTDC.Row]) -> [UInt8] {
        var out = Array((CTDC.header.joined(separator: ",") + "\n").utf8)
        out.reserveCapacity(out.count + rows.reduce(0) { $0 + ($1.line.utf8.count + 1) * $1.count })
        for r in rows {
            let line = Array(r.line.utf8) + [0x0A]
            for _ in 0..<r.count { out.append(contentsOf: line) }
        }
        return out
    }

    public static func report(_ r: CTDC.Report) -> [UInt8] {
        JSON.object([
            ("format", .string("caseload-ctdc-report")),
            ("format_version", .int(1)),
            ("tool", .string("caseload")),
            ("tool_version", .string(Versions.tool)),
            ("k", .int(r.k)),
            ("quasi_identifiers", .array(CTDC.quasiIdentifiers.map { .string($0) })),
            ("cases_assisted", .int(r.cases)),
            ("cases_consented", .int(r.consented)),
            ("rows_written", .int(r.written)),
            ("rows_dropped", .int(r.dropped)),
            ("values_suppressed", .object(zip(CTDC.quasiIdentifiers, r.suppressed).map { ($0, .int($1)) })),
            ("smallest_class", .int(r.smallestClass)),
        ]).bytes()
    }
}
