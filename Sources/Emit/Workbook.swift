import CCaseload
import CXLSXWriter
import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// `report.xlsx`: the period's report for the data officer's Excel (internal, exact figures),
/// written with libxlsxwriter in its normal mode (Excel tables need it). Its sheets are described
/// in docs/workbook.md. Every text cell is a string cell, never a formula; text that a
/// spreadsheet would run as a formula carries the leading `'` of issues.csv. Deterministic: the
/// document's creation date is the period's last day, and libxlsxwriter writes no other clock
/// (its zip entries carry a fixed date).
public enum ReportWorkbook {
    public struct Context: Sendable {
        /// Every period up to and including this one, for the trend.
        public var history: [PeriodFigures]
        /// The issues of the period and those of no period (the run's own: a file name that names
        /// no period, the registry), in issues.csv's order.
        public var issues: [Issue]
        /// The manifest's inputs of the period and those that name no period.
        public var inputs: [ManifestJSON.Input]
        public var facilityNames: [String: String]
        /// The base of the keyed rounding of the shared files.
        public var k: Int

        /// `issues` and `inputs`: the run's; the workbook of `period` keeps those of its period and
        /// those of none (a run of ten years does not copy every night's issues into 120 workbooks).
        public init(
            history: [PeriodFigures], period: Period, issues: [Issue], inputs: [ManifestJSON.Input], facilityNames: [String: String], k: Int
        ) {
            let p = period.description
            self.history = history
            self.issues = issues.filter { $0.period == nil || $0.period == p }
            self.inputs = inputs.filter { $0.name == nil || $0.name?.period == period }
            self.facilityNames = facilityNames; self.k = k
        }
    }

    /// The sheets, in order, with what the `Contents` sheet says of each.
    public static let sheets: [(name: String, about: String)] = [
        ("Contents", "This list"),
        ("Summary", "The headline of the month, as sentences and as figures; the period and the tool's version"),
        ("Figures", "Every figure of the month, one row per cell (as report.json): an Excel table, ready for a pivot table"),
        ("Migrants", "Migrants supported: sex by age group, nationality, placement, status"),
        ("Victims", "Victims of trafficking assisted: sex by age group, nationality, exploitation, assistance"),
        ("Trend", "Every period so far, with a line chart"),
        ("Issues", "The issues of the month and those of no month, as issues.csv lists them: an Excel table"),
        ("Files", "The input files of the month (and those whose name gives none) with outcome and record counts, as manifest.json"),
    ]

    public static let figuresHeader = ["population", "indicator", "dimension", "category", "value"]
    public static let filesHeader = [
        "path", "kind", "facility", "period", "revision", "format", "outcome", "records_accepted", "records_rejected", "bytes", "sha256",
    ]
    public static let trendHeader = [
        "Period", "Migrants supported", "Migrants in care at the end of the month", "Victims assisted",
        "Victims assisted since the first period",
    ]

    /// `rowLimit`: the rows a sheet may hold (Excel's 1,048,576); a longer list of issues ends
    /// with a row that says how many were left out (issues.csv has them all).
    public static func render(_ f: PeriodFigures, context c: Context, rowLimit: Int = 1 << 20) throws(OutputError) -> [UInt8] {
        let month = ReportHTML.monthName(f.period)
        var sheets: [Grid] = []

        var contents = Grid(name: "Contents")
        contents.add([.title("Caseload report, \(month) — IOM Indonesia")])
        contents.add([.prose("Internal: every figure in this workbook is exact. Share only the files under unhcr/ (rounded).")])
        contents.skip()
        contents.add([.heading("Sheet"), .heading("What it holds")])
        for s in Self.sheets where s.name != contents.name { contents.add([.link(s.name), .text(s.about)]) }
        sheets.append(contents)

        sheets.append(summary(f, c, month))
        sheets.append(figures(f))
        sheets.append(population(f, .migrants, month))
        sheets.append(population(f, .victims, month))
        sheets.append(trend(f, c))
        sheets.append(issues(c.issues, rowLimit: rowLimit))
        sheets.append(files(c.inputs))
        precondition(sheets.map(\.name) == Self.sheets.map(\.name))
        return try Writer.write(sheets, title: "Caseload report, \(month)", created: f.period.last)
    }

    // MARK: the sheets as grids of cells

    static func summary(_ f: PeriodFigures, _ c: Context, _ month: String) -> Grid {
        var g = Grid(name: "Summary")
        g.add([.title("Caseload report, \(month)")])
        g.add([.prose("IOM Indonesia. Internal: every figure here is exact.")])
        g.skip()
        g.add([.text("Period"), .month(f.period.first)])
        g.add([.text("First day"), .day(f.period.first)])
        g.add([.text("Last day"), .day(f.period.last)])
        g.add([.text("Tool"), .text("caseload \(Versions.tool)")])
        g.add([.text("Counts under unhcr/ rounded to a multiple of"), .int(c.k)])
        g.skip()
        g.add([.heading("Headline")])
        let sentences = Headline.sentences(f, history: c.history)
        for s in sentences { g.add([.prose(s.text)]) }
        g.skip()
        g.add([.heading("Figure"), .heading("Value")])
        for s in sentences { for x in s.figures { g.add([.text(x.label), .int(x.value)]) } }
        return g
    }

    static func figures(_ f: PeriodFigures) -> Grid {
        var g = Grid(name: "Figures", table: "FiguresTable", header: figuresHeader)
        for p in Population.allCases {
            for ind in f.indicators(of: p) {
                for d in ind.dimensions {
                    for cat in ReportJSON.listedCategories(ind, d) {
                        g.add([.text(p.rawValue), .text(ind.name), .text(d.name), .text(cat), .int(d.counts[cat] ?? 0)])
                    }
                }
            }
        }
        return g
    }

    static func population(_ f: PeriodFigures, _ p: Population, _ month: String) -> Grid {
        var g = Grid(name: p == .migrants ? "Migrants" : "Victims")
        let main = p == .migrants ? "supported" : "assisted"
        let noun = p == .migrants ? "Migrants supported" : "Victims of trafficking assisted"
        g.add([.title("\(noun), \(month)")])
        guard let ind = f.indicator(p, main) else {
            g.add([.prose("No \(p == .migrants ? "detention" : "shelter") submission was accepted for \(month).")])
            return g
        }
        g.skip()
        g.add([.heading("Sex by age group")])
        g.add([.heading("Age group")] + Sex.allCases.map { .heading($0.rawValue) } + [.heading("Total")])
        let sexAge = ind["sex_age"]?.counts ?? [:]
        for a in AgeGroup.allCases {
            g.add(
                [.text(a.rawValue)] + Sex.allCases.map { .int(sexAge["\($0.rawValue)|\(a.rawValue)"] ?? 0) } + [
                    .int(ind["age_group"]?.counts[a.rawValue] ?? 0)
                ])
        }
        g.add([.heading("Total")] + Sex.allCases.map { .int(ind["sex"]?.counts[$0.rawValue] ?? 0) } + [.int(ind.total)])
        g.skip()
        g.add([.heading("Nationality")])
        g.add([.heading("Country"), .heading("Code"), .heading(noun)])
        let nat = ind["nationality"]?.counts ?? [:]
        for (code, n) in nat.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            g.add([.text(countryNames[code] ?? code), .text(code), .int(n)])
        }
        func list(_ title: String, _ indicator: IndicatorFigures, _ dim: String, names: [String: String] = [:]) {
            guard let d = indicator[dim] else { return }
            g.skip()
            g.add([.heading(title)])
            for cat in IndicatorCatalogue.categories(of: dim) ?? d.categories {
                g.add([.text(names[cat] ?? cat), .int(d.counts[cat] ?? 0)])
            }
        }
        if p == .migrants {
            list("Placement", ind, "placement", names: ["IDC": "Immigration detention centre", "COMMUNITY": "Community housing"])
            list("Status at the end of the month", ind, "status")
        } else {
            list("Type of exploitation (a victim counts in each of theirs)", ind, "exploitation")
            if let cum = f.indicator(.victims, "assisted_cumulative") {
                list("Assistance received since the first period (a victim counts in each)", cum, "assistance")
            }
        }
        return g
    }

    static func trend(_ f: PeriodFigures, _ c: Context) -> Grid {
        var g = Grid(name: "Trend", header: trendHeader)
        for h in c.history {
            func v(_ p: Population, _ i: String) -> Cell { h.indicator(p, i).map { .int($0.total) } ?? .empty }
            g.add([.month(h.period.first), v(.migrants, "supported"), v(.migrants, "in_care_end"), v(.victims, "assisted"), v(.victims, "assisted_cumulative")])
        }
        g.chart = Chart(
            title: "Migrants supported and victims assisted since the first period", categories: 0,
            series: [(1, "Migrants supported"), (4, "Victims assisted since the first period")])
        return g
    }

    static func issues(_ all: [Issue], rowLimit: Int) -> Grid {
        var g = Grid(name: "Issues", table: "IssuesTable", header: IssuesCSV.header)
        let sorted = all.sorted(by: Issue.sortOrder)
        let room = rowLimit - 1
        let shown = sorted.count <= room ? sorted.count : room - 1
        for i in sorted.prefix(shown) {
            func t(_ s: String?) -> Cell { s.map { .text($0) } ?? .empty }
            g.add([
                .text(i.severity.rawValue), .text(i.code.rawValue), t(i.file), i.line.map { .int($0) } ?? .empty, t(i.facility),
                i.period.flatMap(Period.init).map { .month($0.first) } ?? t(i.period), t(i.caseID), t(i.field), .text(i.message),
            ])
        }
        if shown < sorted.count {
            g.add([.empty, .empty, .empty, .empty, .empty, .empty, .empty, .empty, .text("… and \(sorted.count - shown) more issues: see issues.csv")])
        }
        return g
    }

    static func files(_ inputs: [ManifestJSON.Input]) -> Grid {
        var g = Grid(name: "Files", table: "FilesTable", header: filesHeader)
        for i in inputs.sorted(by: { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }) {
            let n = i.name
            g.add([
                .text(i.path), n.map { .text($0.kind.rawValue) } ?? .empty, n.map { .text($0.facility) } ?? .empty,
                n.map { .month($0.period.first) } ?? .empty, n.map { .int($0.revision) } ?? .empty, n.map { .text($0.format.rawValue) } ?? .empty,
                .text(i.outcome.rawValue), .int(i.accepted), .int(i.rejected), i.bytes.map { .int($0) } ?? .empty,
                i.sha256.map { .text($0) } ?? .empty,
            ])
        }
        return g
    }

    // MARK: cells and sheets

    enum Cell {
        case text(String)
        /// Text that does not widen its column (a sentence, a title).
        case prose(String)
        case title(String)
        case heading(String)
        case int(Int)
        /// A date shown as yyyy-mm-dd, or (`month`) as yyyy-mm.
        case day(Day), month(Day)
        /// A link to the sheet of that name.
        case link(String)
        case empty

        /// Its width in characters, for the column's width (0: it does not count).
        var width: Int {
            switch self {
            case .text(let s), .heading(let s), .link(let s): return s.count
            case .int(let n): return grouped(n).count
            case .day: return 10
            case .month: return 7
            case .prose, .title, .empty: return 0
            }
        }
    }

    struct Chart {
        var title: String
        /// The column of the categories and those of the series, with their names.
        var categories: Int
        var series: [(column: Int, name: String)]
    }

    struct Grid {
        var name: String
        /// An Excel table over the whole sheet (its name, with autofilter), or nil.
        var table: String?
        /// The first row, frozen (and the table's header).
        var header: [String]?
        var rows: [[Cell]] = []
        var chart: Chart?

        init(name: String, table: String? = nil, header: [String]? = nil) { self.name = name; self.table = table; self.header = header }

        mutating func add(_ row: [Cell]) { rows.append(row) }
        mutating func skip() { rows.append([]) }
    }

    /// The one place that speaks to libxlsxwriter.
    enum Writer {
        static func write(_ grids: [Grid], title: String, created: Day) throws(OutputError) -> [UInt8] {
            let fd = caseload_memfd("report.xlsx")
            guard fd >= 0 else { throw OutputError("report.xlsx: no file in memory (\(String(cString: strerror(errno))))") }
            defer { close(fd) }
            var strings: [UnsafeMutablePointer<CChar>] = []
            defer { for s in strings { free(s) } }
            func c(_ s: String) -> UnsafeMutablePointer<CChar> {
                let p = strdup(s)!
                strings.append(p)
                return p
            }
            // No `tmpdir`: the temporary parts are files in memory (CCaseload's lxw_tmpfile).
            var options = lxw_workbook_options()
            guard let wb = workbook_new_opt("/proc/self/fd/\(fd)", &options) else {
                throw OutputError("report.xlsx: libxlsxwriter could not start the workbook")
            }
            var properties = lxw_doc_properties()
            properties.title = c(title)
            properties.company = c("IOM Indonesia")
            properties.comments = c("Written by caseload \(Versions.tool). Internal: exact figures.")
            properties.created = time_t(Int(created.ordinal) * 86_400)
            var failure: lxw_error = LXW_NO_ERROR
            func check(_ e: lxw_error) { if failure == LXW_NO_ERROR && e != LXW_NO_ERROR { failure = e } }
            check(workbook_set_properties(wb, &properties))

            let title = workbook_add_format(wb)
            format_set_bold(title); format_set_font_size(title, 14)
            let heading = workbook_add_format(wb)
            format_set_bold(heading)
            let count = workbook_add_format(wb)
            format_set_num_format(count, "#,##0")
            let day = workbook_add_format(wb)
            format_set_num_format(day, "yyyy-mm-dd")
            let month = workbook_add_format(wb)
            format_set_num_format(month, "yyyy-mm")
            let link = workbook_add_format(wb)
            format_set_underline(link, UInt8(LXW_UNDERLINE_SINGLE.rawValue)); format_set_font_color(link, lxw_color_t(LXW_COLOR_BLUE.rawValue))

            for g in grids {
                let ws = workbook_add_worksheet(wb, g.name)!
                var widths: [Int] = []
                func widen(_ col: Int, _ w: Int) {
                    while widths.count <= col { widths.append(0) }
                    widths[col] = max(widths[col], w)
                }
                let first = g.header == nil ? 0 : 1
                if let header = g.header {
                    for (col, h) in header.enumerated() {
                        widen(col, h.count)
                        if g.table == nil { check(worksheet_write_string(ws, 0, lxw_col_t(col), h, heading)) }
                    }
                    worksheet_freeze_panes(ws, 1, 0)
                }
                for (r, row) in g.rows.enumerated() {
                    let rr = lxw_row_t(first + r)
                    for (col, cell) in row.enumerated() {
                        let cc = lxw_col_t(col)
                        widen(col, cell.width)
                        switch cell {
                        case .text(let s), .prose(let s): check(worksheet_write_string(ws, rr, cc, CSVWriter.neutralised(s), nil))
                        case .title(let s): check(worksheet_write_string(ws, rr, cc, s, title))
                        case .heading(let s): check(worksheet_write_string(ws, rr, cc, s, heading))
                        case .int(let n): check(worksheet_write_number(ws, rr, cc, Double(n), count))
                        case .day(let d), .month(let d):
                            let (y, m, dd) = d.civil
                            var t = lxw_datetime(year: Int32(y), month: Int32(m), day: Int32(dd), hour: 0, min: 0, sec: 0)
                            if case .day = cell { check(worksheet_write_datetime(ws, rr, cc, &t, day)) } else { check(worksheet_write_datetime(ws, rr, cc, &t, month)) }
                        case .link(let sheet):
                            check(worksheet_write_url_opt(ws, rr, cc, "internal:'\(sheet)'!A1", link, sheet, nil))
                        case .empty: break
                        }
                    }
                }
                if let name = g.table, let header = g.header {
                    // A table needs a row under its header: an empty one when there is nothing to list.
                    let last = lxw_row_t(max(g.rows.count, 1))
                    var columns: [UnsafeMutablePointer<lxw_table_column>?] = header.map { h in
                        let p = UnsafeMutablePointer<lxw_table_column>.allocate(capacity: 1)
                        p.initialize(to: lxw_table_column())
                        p.pointee.header = c(h)
                        p.pointee.header_format = nil
                        return p
                    }
                    columns.append(nil)
                    defer { for p in columns { p?.deallocate() } }
                    var table = lxw_table_options()
                    table.name = c(name)
                    table.style_type = UInt8(LXW_TABLE_STYLE_TYPE_MEDIUM.rawValue)
                    table.style_type_number = 2
                    columns.withUnsafeMutableBufferPointer { buffer in
                        table.columns = buffer.baseAddress
                        check(worksheet_add_table(ws, 0, 0, last, lxw_col_t(header.count - 1), &table))
                    }
                }
                for (col, w) in widths.enumerated() where w > 0 {
                    check(worksheet_set_column(ws, lxw_col_t(col), lxw_col_t(col), Double(min(w, 80) + 2), nil))
                }
                if let chart = g.chart, !g.rows.isEmpty {
                    let ch = workbook_add_chart(wb, UInt8(LXW_CHART_LINE.rawValue))!
                    func range(_ col: Int) -> String {
                        let letter = String(UnicodeScalar(UInt8(65 + col)))
                        return "='\(g.name)'!$\(letter)$2:$\(letter)$\(g.rows.count + 1)"
                    }
                    for s in chart.series {
                        let series = chart_add_series(ch, range(chart.categories), range(s.column))
                        chart_series_set_name(series, s.name)
                    }
                    chart_title_set_name(ch, chart.title)
                    chart_axis_set_num_format(ch.pointee.x_axis, "yyyy-mm")
                    chart_legend_set_position(ch, UInt8(LXW_CHART_LEGEND_BOTTOM.rawValue))
                    check(worksheet_insert_chart(ws, lxw_row_t(g.rows.count + 2), 0, ch))
                }
            }
            // Workbooks are packaged side by side: libxlsxwriter's temporary parts and its
            // gmtime(3) are CCaseload's (xlsxparts.c), in memory and per thread.
            let closed = workbook_close(wb)
            if failure == LXW_NO_ERROR { failure = closed }
            guard failure == LXW_NO_ERROR else { throw OutputError("report.xlsx: \(String(cString: lxw_strerror(failure)))") }
            return try readBack(fd)
        }

        static func readBack(_ fd: Int32) throws(OutputError) -> [UInt8] {
            var out: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var offset: off_t = 0
            while true {
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw OutputError("report.xlsx: cannot read the workbook back (\(String(cString: strerror(errno))))")
                }
                if n == 0 { return out }
                out.append(contentsOf: buffer[0..<n])
                offset += off_t(n)
            }
        }
    }
}
