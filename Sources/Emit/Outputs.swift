import CaseloadCore

/// Every file of `Output/` but the manifest, as data: where it goes and what renders it. The run
/// writes what this table lists and the manifest lists what the run wrote, so a new format is one
/// renderer of its own file and one row here (docs/development.md).
public enum OutputTable {
    public static let formats: [OutputFormat] = [
        OutputFormat(
            "report.html",
            .period { f, o, facts in
                ReportHTML.render(
                    f,
                    context: ReportHTML.Context(
                        history: facts.figures.filter { $0.period <= f.period }, quality: facts.quality(f.period),
                        facilityNames: o.facilityNames, k: o.k, ctdc: facts.figures.last?.period == f.period ? facts.ctdc : nil))
            }),
        OutputFormat("report.json", .period { f, _, facts in ReportJSON.render(f, quality: facts.quality(f.period)) }),
        OutputFormat(
            "report.xlsx",
            .period { f, o, facts throws(OutputError) in
                try ReportWorkbook.render(
                    f,
                    context: ReportWorkbook.Context(
                        history: facts.figures.filter { $0.period <= f.period }, period: f.period, issues: facts.issues, inputs: facts.inputs,
                        facilityNames: o.facilityNames, k: o.k))
            }),
        OutputFormat("unhcr/aggregates.csv", .period { f, o, _ in AggregatesCSV.render(period: f.period, cells: f.shared, hxl: o.hxl) }),
        OutputFormat(
            "unhcr/caseload.csv",
            .periodAtOnce { f, o, sink in
                CaseloadCSV.render(period: f.period, rows: f.caseload, facilities: f.facilities, hxl: o.hxl, sink: sink)
            }),
        OutputFormat("unhcr/datapackage.json", .period { f, o, _ in DataPackage.render(period: f.period, options: o) }),
        OutputFormat("issues.csv", .run { _, facts in IssuesCSV.render(facts.issues) }),
        OutputFormat("ctdc/victims.csv", .run { _, facts in CTDCFiles.victims(facts.ctdcRows) }),
        OutputFormat("ctdc/report.json", .run { _, facts in CTDCFiles.report(facts.ctdc) }),
    ]

    /// The manifest's own path: written last, listing every other file.
    public static let manifest = "manifest.json"
}

/// One kind of output file.
public struct OutputFormat: Sendable {
    /// The path under the period's folder (`.period…`) or under `Output/` (`.run`).
    public let name: String
    public let render: Render

    public init(_ name: String, _ render: Render) { self.name = name; self.render = render }

    public enum Render: Sendable {
        /// A file of each period, made as soon as the period's figures are, in chunks handed to a
        /// sink (a long list is never held whole, and the period's rows are let go at once).
        case periodAtOnce(@Sendable (PeriodFigures, RenderOptions, (UnsafeBufferPointer<UInt8>) -> Void) -> Void)
        /// A file of each period, made at the end of the run (it needs the run's facts).
        case period(@Sendable (PeriodFigures, RenderOptions, RunFacts) throws(OutputError) -> [UInt8])
        /// A file of the whole run.
        case run(@Sendable (RenderOptions, RunFacts) -> [UInt8])
    }

    /// Its path relative to the output folder, for a period's file.
    public func path(_ p: Period) -> String { "\(p)/\(name)" }

    /// A period's file made at once, as one array (tests and tools).
    public static func collect(_ render: ((UnsafeBufferPointer<UInt8>) -> Void) -> Void) -> [UInt8] {
        var all: [UInt8] = []
        render { all.append(contentsOf: $0) }
        return all
    }
}

/// What every renderer knows from the start of the run.
public struct RenderOptions: Sendable {
    /// The base of the keyed rounding.
    public var k: Int
    public var hxl: Bool
    /// Facility names from the registry, by code.
    public var facilityNames: [String: String]

    public init(k: Int, hxl: Bool, facilityNames: [String: String]) { self.k = k; self.hxl = hxl; self.facilityNames = facilityNames }
}

/// What the renderers of the end of the run know: every period's figures, the data quality, the
/// issues.
public struct RunFacts: Sendable {
    public var figures: [PeriodFigures]
    public var qualityByPeriod: [Period: DataQuality]
    public var issues: [Issue]
    /// The input files as the manifest lists them.
    public var inputs: [ManifestJSON.Input]
    /// `ctdc/victims.csv`'s lines, k-anonymous (each distinct line with its count), and what it took.
    public var ctdcRows: [CTDC.Row]
    public var ctdc: CTDC.Report

    public init(
        figures: [PeriodFigures], qualityByPeriod: [Period: DataQuality], issues: [Issue], inputs: [ManifestJSON.Input], ctdcRows: [CTDC.Row],
        ctdc: CTDC.Report
    ) {
        self.figures = figures; self.qualityByPeriod = qualityByPeriod; self.issues = issues; self.inputs = inputs
        self.ctdcRows = ctdcRows; self.ctdc = ctdc
    }

    func quality(_ p: Period) -> DataQuality { qualityByPeriod[p]! }
}

/// Somewhere a finished run's result goes besides `Output/` (a warehouse, a monitoring system):
/// told once the output folder is in place, with what was written. A sink that fails is logged;
/// `Output/` stays as written.
public protocol ResultSink: Sendable {
    var name: String { get }
    func deliver(_ result: DeliveredResult) throws
}

/// What a sink is handed.
public struct DeliveredResult: Sendable {
    /// The output folder, complete and in place.
    public var output: String
    public var figures: [PeriodFigures]
    public var issues: [Issue]
    public var files: [JudgedFile]
    /// The manifest's bytes (its SHA-256 names the run).
    public var manifest: [UInt8]

    public init(output: String, figures: [PeriodFigures], issues: [Issue], files: [JudgedFile], manifest: [UInt8]) {
        self.output = output; self.figures = figures; self.issues = issues; self.files = files; self.manifest = manifest
    }
}
