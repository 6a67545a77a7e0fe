import CaseloadCore

/// `report.html`: the consolidated report for people, rendered from the same figures as
/// report.json. One self-contained file: inline CSS and SVG, no script, nothing fetched.
/// Every number that comes from the figures carries `data-figure="population/indicator/dimension/category"`
/// and `data-value`, so a test can hold it against report.json.
public enum ReportHTML {
    public struct Context: Sendable {
        /// Every period up to and including this one, for the trend.
        public var history: [PeriodFigures]
        public var quality: DataQuality
        /// Facility names from the registry, by code.
        public var facilityNames: [String: String]
        /// The base of the keyed rounding of the shared files (`--min-cell`).
        public var k: Int
        /// What the CTDC file's anonymisation did: in the report of the run's last period only.
        public var ctdc: CTDC.Report?
        public init(history: [PeriodFigures], quality: DataQuality, facilityNames: [String: String], k: Int = 5, ctdc: CTDC.Report? = nil) {
            self.history = history; self.quality = quality; self.facilityNames = facilityNames; self.k = k; self.ctdc = ctdc
        }
    }

    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

    public static func monthName(_ p: Period) -> String { "\(months[p.month - 1]) \(p.year)" }

    public static func render(_ f: PeriodFigures, context c: Context) -> [UInt8] {
        var h = HTML()
        h.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        h.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
        h.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        h.raw("<title>Caseload report, \(monthName(f.period)) — IOM Indonesia</title>\n<style>\(css)</style>\n</head>\n<body>\n")
        h.raw("<header><p class=\"org\">IOM Indonesia</p><h1>Caseload report, \(monthName(f.period))</h1>")
        h.raw("<p class=\"sub\">Migrants in IOM's care and victims of trafficking assisted. Internal: every figure here is exact. The files under <code>unhcr/</code> are the ones to share: there every count is rounded to a multiple of \(c.k), up or down by at most \(c.k - 1), by a draw fixed by the people it counts (the same people always round the same way, in every table and month), so their tables need not add up to their totals.</p></header>\n<main>\n")
        headline(&h, f, c)
        if !f.migrants.isEmpty { migrantCharts(&h, f, c) }
        if !f.victims.isEmpty { victimCharts(&h, f) }
        trend(&h, f, c)
        quality(&h, f, c)
        appendix(&h, f)
        h.raw("</main>\n<footer>caseload \(Versions.tool) · report for \(f.period.description) · every figure here is also in report.json</footer>\n</body>\n</html>\n")
        return Array(h.text.utf8)
    }

    // MARK: sections

    static func headline(_ h: inout HTML, _ f: PeriodFigures, _ c: Context) {
        h.raw("<section id=\"headline\" aria-label=\"Headline\">\n")
        for sentence in Headline.sentences(f, history: c.history) {
            h.raw(sentence.lead ? "<p class=\"big\">" : "<p>")
            for piece in sentence.pieces {
                switch piece {
                case .text(let t): h.text(t)
                case .figure(let x): h.figure(x.population, x.indicator, x.dimension, x.category)
                }
            }
            h.raw("</p>\n")
        }
        h.raw("</section>\n")
    }

    static func migrantCharts(_ h: inout HTML, _ f: PeriodFigures, _ c: Context) {
        guard let s = f.indicator(.migrants, "supported") else { return }
        h.raw("<section id=\"migrants\"><h2>Migrants supported</h2>\n")
        let nat = s["nationality"]!
        let bars = nat.categories.map { Chart.Bar($0, nat.counts[$0]!) }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.label < $1.label }
        h.figureBlock(
            title: "Nationalities", chart: Chart.bars(Array(bars.prefix(12)), id: "nat", title: "Migrants supported by nationality"),
            note: bars.count > 12 ? "The chart shows the 12 largest groups; the table shows all." : nil)
        h.table(.migrants, s, "nationality", labels: Country.label, order: bars.map(\.label))
        pyramid(&h, .migrants, s, title: "Sex and age of the migrants supported")
        h.figureBlock(title: "Placement", chart: Chart.bars(dimensionBars(s, "placement"), id: "place", title: "Migrants supported by placement"))
        h.table(.migrants, s, "placement", labels: { $0 == "IDC" ? "Immigration detention centre" : "Community housing" })
        h.figureBlock(title: "Status at the end of the month", chart: Chart.bars(dimensionBars(s, "status"), id: "status", title: "Migrants supported by status"))
        h.table(.migrants, s, "status")
        h.raw("<h3>Facilities</h3>\n")
        h.table(.migrants, s, "facility", labels: { code in c.facilityNames[code].map { "\(code) · \(WrittenBack.value($0))" } ?? code })
        h.raw("</section>\n")
    }

    static func victimCharts(_ h: inout HTML, _ f: PeriodFigures) {
        guard let a = f.indicator(.victims, "assisted"), let cum = f.indicator(.victims, "assisted_cumulative") else { return }
        h.raw("<section id=\"victims\"><h2>Victims of trafficking assisted</h2>\n")
        pyramid(&h, .victims, a, title: "Sex and age of the victims assisted this month")
        h.figureBlock(title: "Types of exploitation (this month)", chart: Chart.bars(dimensionBars(a, "exploitation"), id: "expl", title: "Victims assisted by type of exploitation"))
        h.table(.victims, a, "exploitation")
        h.figureBlock(title: "Assistance given (since the first period)", chart: Chart.bars(dimensionBars(cum, "assistance"), id: "assist", title: "Victims assisted since the first period, by assistance received"))
        h.table(.victims, cum, "assistance")
        h.raw("</section>\n")
    }

    static func dimensionBars(_ ind: IndicatorFigures, _ dim: String) -> [Chart.Bar] {
        guard let d = ind[dim] else { return [] }
        let order = IndicatorCatalogue.categories(of: dim) ?? d.categories
        return order.compactMap { cat in d.counts[cat].map { Chart.Bar(cat, $0) } }
    }

    static func pyramid(_ h: inout HTML, _ p: Population, _ ind: IndicatorFigures, title: String) {
        let sa = ind["sex_age"]?.counts ?? [:]
        let rows = AgeGroup.allCases.map { g in
            Chart.PyramidRow(g.rawValue, female: sa["F|\(g.rawValue)"] ?? 0, male: sa["M|\(g.rawValue)"] ?? 0)
        }
        h.figureBlock(
            title: title, chart: Chart.pyramid(rows, id: "pyr-\(p.rawValue)-\(ind.name)", title: title),
            note: "Sex X (other or not stated) is in the table.")
        h.raw("<table><caption>\(escapeHTML(title))</caption><thead><tr><th scope=\"col\">Age group</th><th scope=\"col\">F</th><th scope=\"col\">M</th><th scope=\"col\">X</th></tr></thead><tbody>")
        for g in AgeGroup.allCases {
            h.raw("<tr><th scope=\"row\">\(g.rawValue)</th>")
            for s in Sex.allCases {
                let v = ind["sex_age"]?.counts["\(s.rawValue)|\(g.rawValue)"] ?? 0
                h.raw("<td data-figure=\"\(p.rawValue)/\(ind.name)/sex_age/\(s.rawValue)|\(g.rawValue)\" data-value=\"\(v)\">\(grouped(v))</td>")
            }
            h.raw("</tr>")
        }
        h.raw("</tbody></table>\n")
    }

    static func trend(_ h: inout HTML, _ f: PeriodFigures, _ c: Context) {
        let history = c.history
        guard history.count > 1 else { return }
        let labels = history.map(\.period.description)
        let migrants = history.map { p -> (String, Int?) in (p.period.description, p.indicator(.migrants, "supported")?.total) }
        let victims = history.map { p -> (String, Int?) in (p.period.description, p.indicator(.victims, "assisted_cumulative")?.total) }
        h.raw("<section id=\"trend\"><h2>Trend</h2>\n")
        h.figureBlock(
            title: "Migrants supported and victims assisted since the first period",
            chart: Chart.trend(
                [
                    Chart.Series("Migrants supported", migrants, cssClass: "s1"),
                    Chart.Series("Victims assisted since the first period", victims, cssClass: "s2"),
                ],
                labels: labels, id: "trend", title: "Trend over every period so far"),
            note: "Solid line: migrants supported each month. Second line: victims of trafficking assisted since the first period.")
        h.raw("<table class=\"wide\"><caption>Trend over every period so far</caption><thead><tr><th scope=\"col\">Period</th><th scope=\"col\">Migrants supported</th><th scope=\"col\">Victims assisted since the first period</th></tr></thead><tbody>")
        for p in history.reversed() {
            h.raw("<tr><th scope=\"row\">\(p.period.description)</th><td data-trend=\"migrants/\(p.period.description)\">\(p.indicator(.migrants, "supported").map { grouped($0.total) } ?? "–")</td>")
            h.raw("<td data-trend=\"victims/\(p.period.description)\">\(p.indicator(.victims, "assisted_cumulative").map { grouped($0.total) } ?? "–")</td></tr>")
        }
        h.raw("</tbody></table>\n</section>\n")
    }

    static func quality(_ h: inout HTML, _ f: PeriodFigures, _ c: Context) {
        let q = c.quality
        h.raw("<section id=\"quality\"><h2>Data quality</h2>\n")
        h.raw("<p>Records counted: <span data-quality=\"records/accepted\">\(grouped(q.recordsAccepted))</span>; records rejected: <span data-quality=\"records/rejected\">\(grouped(q.recordsRejected))</span>. Every issue, one a row: <a href=\"../issues.csv\">issues.csv</a>.</p>\n")
        h.raw("<table class=\"wide\"><caption>Files for \(f.period.description) by facility</caption><thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Facility</th><th scope=\"col\">Accepted</th><th scope=\"col\">Rejected</th><th scope=\"col\">Superseded</th><th scope=\"col\">Duplicate</th></tr></thead><tbody>")
        for r in q.files {
            h.raw("<tr><td>\(r.kind)</td><th scope=\"row\">\(escapeHTML(r.facility))</th>")
            for (k, v) in [("accepted", r.accepted), ("rejected", r.rejected), ("superseded", r.superseded), ("duplicate", r.duplicate)] {
                h.raw("<td data-quality=\"files/\(r.kind)/\(escapeHTML(r.facility))/\(k)\"\(k == "rejected" && v > 0 ? " class=\"bad\"" : "")>\(v)</td>")
            }
            h.raw("</tr>")
        }
        h.raw("</tbody></table>\n")
        if !q.rejectedFiles.isEmpty {
            h.raw("<h3>Rejected files</h3><ul class=\"rejected\">")
            for r in q.rejectedFiles {
                h.raw("<li><code>\(escapeHTML(r.path))</code>: <strong>\(r.code)</strong> \(escapeHTML(r.message)) (<a href=\"../issues.csv\">rows in issues.csv</a>)</li>")
            }
            h.raw("</ul>\n")
        }
        h.raw("<h3>Missing submissions</h3>")
        if q.missing.isEmpty {
            h.raw("<p>None: every facility open in \(f.period.description) sent an accepted file.</p>\n")
        } else {
            h.raw("<ul>")
            for m in q.missing {
                let name = c.facilityNames[m.facility].map { " · " + escapeHTML(WrittenBack.value($0)) } ?? ""
                h.raw("<li data-quality=\"missing/\(m.kind)/\(escapeHTML(m.facility))\">\(m.kind) from <strong>\(escapeHTML(m.facility))</strong>\(name)</li>")
            }
            h.raw("</ul>\n")
        }
        h.raw("<table><caption>Issues of \(f.period.description) by code</caption><thead><tr><th scope=\"col\">Code</th><th scope=\"col\">Severity</th><th scope=\"col\">Count</th></tr></thead><tbody>")
        for i in q.issues {
            h.raw("<tr><th scope=\"row\">\(i.code)</th><td>\(i.severity)</td><td data-quality=\"issues/\(i.code)\">\(grouped(i.count))</td></tr>")
        }
        if q.issues.isEmpty { h.raw("<tr><td colspan=\"3\">No issue.</td></tr>") }
        h.raw("</tbody></table>\n")
        if let t = c.ctdc {
            h.raw("<h3>The CTDC file (ctdc/victims.csv)</h3>\n<p>")
            h.raw("<strong data-ctdc=\"written\">\(grouped(t.written))</strong> de-identified rows of the <strong data-ctdc=\"consented\">\(grouped(t.consented))</strong> victims whose latest record says they consent to share (of <strong data-ctdc=\"cases\">\(grouped(t.cases))</strong> assisted so far); ")
            h.raw("<strong data-ctdc=\"dropped\">\(grouped(t.dropped))</strong> rows dropped. Every combination of year, gender, age band, citizenship and country of exploitation occurs at least \(t.k) times (the smallest: <strong data-ctdc=\"smallest\">\(t.smallestClass)</strong>). Values set to -99 to reach it: ")
            h.raw(zip(CTDC.quasiIdentifiers, t.suppressed).map { "\($0) <strong data-ctdc=\"set-to-missing/\($0)\">\(grouped($1))</strong>" }.joined(separator: ", "))
            h.raw(".</p>\n")
        }
        h.raw("</section>\n")
    }

    /// Every figure of the period, table by table, as in report.json (zeros left out).
    static func appendix(_ h: inout HTML, _ f: PeriodFigures) {
        h.raw("<section id=\"all\"><h2>All figures</h2>\n<p>Every indicator of the month with every dimension; a case counts once in each category of the dimensions marked *, so those do not add up to the total.</p>\n")
        for p in Population.allCases {
            for ind in f.indicators(of: p) {
                h.raw("<h3>\(p.rawValue) · \(ind.name)</h3>\n<div class=\"cols\">")
                for d in ind.dimensions {
                    let countries = d.name == Dimension.nationality.rawValue || d.name == Dimension.exploitationCountry.rawValue
                    h.table(p, ind, d.name, labels: countries ? Country.label : { $0 }, compact: true)
                }
                h.raw("</div>\n")
            }
        }
        h.raw("</section>\n")
    }

    static let css = """
        :root{--ink:#1a1a1a;--muted:#555;--line:#d0d0d0;--bar:#0b5fa5;--bar2:#b3421b;--bad:#a00000}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
        header,main,footer{max-width:980px;margin:0 auto;padding:0 16px}header{border-bottom:3px solid var(--bar);padding-top:16px}
        .org{margin:0;color:var(--bar);font-weight:700;letter-spacing:.04em;text-transform:uppercase;font-size:13px}
        h1{margin:4px 0 6px;font-size:26px}.sub{color:var(--muted);margin:0 0 12px}h2{margin:28px 0 8px;font-size:20px;border-bottom:1px solid var(--line)}
        h3{font-size:15px;margin:18px 0 6px}#headline p{margin:10px 0}.big{font-size:18px}strong[data-figure]{font-variant-numeric:tabular-nums}
        figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:4px}.note{color:var(--muted);font-size:13px;margin:2px 0}
        svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif;fill:var(--ink)}svg .tick{fill:var(--muted);font-size:11px}
        svg .grid{stroke:#eee}svg .axis{stroke:#888}svg .bar{fill:var(--bar)}svg .female{fill:var(--bar2)}svg .male{fill:var(--bar)}
        svg .line{fill:none;stroke-width:2.5}svg .s1{stroke:var(--bar);fill:var(--bar)}svg .s2{stroke:var(--bar2);fill:var(--bar2)}svg circle.s1,svg circle.s2{stroke:none}
        svg path.s1,svg path.s2{fill:none}table{border-collapse:collapse;margin:6px 0 14px;font-variant-numeric:tabular-nums;min-width:260px}
        caption{text-align:left;font-weight:600;padding:2px 0}th,td{border-bottom:1px solid var(--line);padding:3px 10px 3px 0;text-align:left}
        td{text-align:right}th[scope=row]{font-weight:500}.wide{width:100%}.cat{width:100%;max-width:520px}.bad{color:var(--bad);font-weight:700}
        .cols{display:flex;flex-wrap:wrap;gap:0 24px}.cols table{min-width:0}ul.rejected li{margin:4px 0}code{font-size:13px}
        footer{color:var(--muted);font-size:12px;border-top:1px solid var(--line);margin-top:24px;padding:8px 16px 24px}
        a{color:var(--bar)}@media (max-width:600px){body{font-size:14px}h1{font-size:21px}.big{font-size:16px}}
        @page{size:A4;margin:14mm}@media print{body{font-size:10.5pt}header,main,footer{max-width:none;padding:0}
        section{break-inside:auto}figure,table{break-inside:avoid}h2,h3{break-after:avoid}a{color:inherit;text-decoration:none}}
        """
}

/// An HTML builder with helpers for figures and tables.
struct HTML {
    var text = ""

    mutating func raw(_ s: String) { text += s }
    mutating func text(_ s: String, escape: Bool = true) { text += escape ? escapeHTML(s) : s }

    /// One figure in running text.
    mutating func figure(_ p: Population, _ ind: IndicatorFigures, _ dim: String, _ cat: String) {
        let v = ind[dim]?.counts[cat] ?? 0
        raw("<strong data-figure=\"\(p.rawValue)/\(ind.name)/\(dim)/\(escapeHTML(cat))\" data-value=\"\(v)\">\(grouped(v))</strong>")
    }

    mutating func figureBlock(title: String, chart: String, note: String? = nil) {
        raw("<figure><figcaption>\(escapeHTML(title))</figcaption>\(chart)")
        if let note { raw("<p class=\"note\">\(escapeHTML(note))</p>") }
        raw("</figure>\n")
    }

    /// A table of one dimension: category, count.
    mutating func table(
        _ p: Population, _ ind: IndicatorFigures, _ dim: String, labels: (String) -> String = { $0 },
        order: [String]? = nil, compact: Bool = false
    ) {
        guard let d = ind[dim] else { return }
        let cats = order ?? (IndicatorCatalogue.categories(of: dim)?.filter { d.counts[$0] != nil } ?? d.categories)
        let star = d.multiValued ? " *" : ""
        raw("<table class=\"\(compact ? "" : "cat")\"><caption>\(escapeHTML(compact ? dim + star : "\(ind.name) by \(dim)\(star)"))</caption><tbody>")
        if cats.isEmpty { raw("<tr><td colspan=\"2\">none</td></tr>") }
        for c in cats {
            let v = d.counts[c] ?? 0
            raw("<tr><th scope=\"row\">\(escapeHTML(labels(c)))</th><td data-figure=\"\(p.rawValue)/\(ind.name)/\(dim)/\(escapeHTML(c))\" data-value=\"\(v)\">\(grouped(v))</td></tr>")
        }
        raw("</tbody></table>\n")
    }
}
