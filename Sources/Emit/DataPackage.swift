import CaseloadCore

/// `unhcr/datapackage.json`: a Frictionless Data Package (Table Schema, CSV dialect) that tells
/// the recipients of the period's shared files what each column holds, its type, its codes, and
/// how the counts are rounded, so that `frictionless validate` can check the files. Described in
/// docs/datapackage.md.
public enum DataPackage {
    public static func render(period: Period, options o: RenderOptions) -> [UInt8] {
        func field(_ name: String, _ type: String, _ description: String, required: Bool = true, constraints: [(String, JSON)] = [], hxl: String?) -> JSON {
            var members: [(String, JSON)] = [("name", .string(name)), ("type", .string(type))]
            if type == "date" { members.append(("format", .string("default"))) }
            members.append(("description", .string(description)))
            let all = (required ? [("required", JSON.bool(true))] : []) + constraints
            if !all.isEmpty { members.append(("constraints", .object(all))) }
            if o.hxl, let hxl { members.append(("hxl", .string(hxl))) }
            return .object(members)
        }
        func codes(_ list: [String]) -> (String, JSON) { ("enum", .array(list.map { .string($0) })) }
        let rounding =
            "Every count is rounded to a multiple of \(o.k) by keyed rounding (outputs.md): up or down by at most \(o.k - 1), by a draw fixed by the people the cell counts, so the same people always round the same way and a count below \(o.k) cannot be told from 0. Tables need not add up to their totals."
        let periodField = field("period", "yearmonth", "The month the figures are for (YYYY-MM).", hxl: "#date+period")

        let aggregates = AggregatesCSV.hxl
        let aggregateFields = [
            periodField,
            field("population", "string", "migrants (intercepted migrants in IOM's care) or victims (victims of trafficking assisted).", constraints: [codes(Population.allCases.map(\.rawValue))], hxl: aggregates[1]),
            field("indicator", "string", "The indicator (indicators.md).", constraints: [codes(Indicator.allCases.map(\.rawValue))], hxl: aggregates[2]),
            field("dimension", "string", "What the indicator is broken down by; total is the whole indicator.", constraints: [codes(Dimension.allCases.map(\.rawValue))], hxl: aggregates[3]),
            field(
                "category", "string",
                "The category of the dimension: ALL for total, a code of its list (submissions.md), sex|age_group for sex_age, an ISO 3166-1 alpha-3 code or XXA (stateless), XXB, XXC (refugee), XXX (unknown) for countries. A person counts once in each category of a multi-valued dimension (vulnerability, service, exploitation, assistance).",
                hxl: aggregates[4]),
            field(
                "value", "integer", "The count of people (the median of days for stay_median_days). \(rounding) Cells whose shared value is 0 are not listed.",
                constraints: [("minimum", .int(0))], hxl: aggregates[5]),
            field("note", "string", "rounded on every count; empty for stay_median_days, which is not rounded.", required: false, constraints: [codes(["rounded"])], hxl: aggregates[6]),
        ]
        let caseload = CaseloadCSV.hxl
        let caseloadFields = [
            periodField,
            field("unhcr_id", "string", "The UNHCR registration number.", constraints: [("pattern", .string("[0-9]{3}-[0-9]{2}[A-Z][0-9]{5}"))], hxl: caseload[1]),
            field("sex", "string", "F, M or X (other or not stated).", constraints: [codes(Sex.allCases.map(\.rawValue))], hxl: caseload[2]),
            field("age_group", "string", "The age group at the end of the month.", constraints: [codes(AgeGroup.allCases.map(\.rawValue))], hxl: caseload[3]),
            field(
                "nationality", "string", "ISO 3166-1 alpha-3, or XXA (stateless), XXB (refugee, 1951 Convention), XXC (refugee, other), XXX (unknown).",
                constraints: [codes(countryCodes)], hxl: caseload[4]),
            field("facility", "string", "The facility's code (facilities.csv).", constraints: [codes(o.facilityNames.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })], hxl: caseload[5]),
            field("placement", "string", "IDC (immigration detention centre) or COMMUNITY (community housing).", constraints: [codes(["IDC", "COMMUNITY"])], hxl: caseload[6]),
            field("status", "string", "The status at the end of the month (or of leaving).", constraints: [codes(Status.allCases.map(\.rawValue))], hxl: caseload[7]),
            field("status_date", "date", "The date of the status, when known.", required: false, hxl: caseload[8]),
            field("arrival_date", "date", "The earliest arrival date over the person's records up to this month.", hxl: caseload[9]),
        ]
        var dialect: [(String, JSON)] = [
            ("delimiter", .string(",")), ("lineTerminator", .string("\n")), ("quoteChar", .string("\"")), ("doubleQuote", .bool(true)),
            ("header", .bool(true)),
        ]
        // With --hxl the second line holds HXL hashtags: a comment row for Frictionless.
        if o.hxl { dialect += [("headerRows", .array([.int(1)])), ("commentRows", .array([.int(2)]))] }
        func resource(_ name: String, _ title: String, _ description: String, _ fields: [JSON], primaryKey: [String]?) -> JSON {
            var schema: [(String, JSON)] = [("fields", .array(fields)), ("missingValues", .array([.string("")]))]
            if let primaryKey { schema.append(("primaryKey", .array(primaryKey.map { .string($0) }))) }
            return .object([
                ("name", .string(name)), ("path", .string("\(name).csv")), ("profile", .string("tabular-data-resource")),
                ("title", .string(title)), ("description", .string(description)), ("format", .string("csv")),
                ("mediatype", .string("text/csv")), ("encoding", .string("utf-8")), ("dialect", .object(dialect)), ("schema", .object(schema)),
            ])
        }
        let json = JSON.object([
            ("profile", .string("tabular-data-package")),
            ("name", .string("iom-indonesia-caseload-\(period)")),
            ("title", .string("IOM Indonesia caseload, \(ReportHTML.monthName(period)): files shared with UNHCR")),
            ("description", .string("Written by caseload \(Versions.tool). No names, birth dates or case ids. \(rounding)")),
            ("version", .string(Versions.tool)),
            (
                "resources",
                .array([
                    resource(
                        "aggregates", "Figures of \(period)",
                        "One row per cell of every indicator and dimension whose shared value is not 0. \(rounding)",
                        aggregateFields, primaryKey: ["period", "population", "indicator", "dimension", "category"]),
                    // No primary key: the contract does not forbid two case records that carry one
                    // UNHCR number (docs/datapackage.md).
                    resource(
                        "caseload", "Registered migrants supported in \(period)",
                        "One row per migrant case supported in the month that has a UNHCR registration number; not rounded (UNHCR shares their care).",
                        caseloadFields, primaryKey: nil),
                ])
            ),
        ])
        return json.bytes()
    }
}
