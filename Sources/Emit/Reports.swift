import CaseloadCore

/// `report.json`: every figure of the period, exact, and its data quality. The format is
/// documented in docs/report-json.md and versioned (`format`).
public enum ReportJSON {
    public static func render(_ f: PeriodFigures, quality q: DataQuality) -> [UInt8] {
        func population(_ p: Population) -> JSON {
            let indicators = f.indicators(of: p)
            if indicators.isEmpty { return .null }
            return .array(
                indicators.map { ind in
                    .object([
                        ("indicator", .string(ind.name)),
                        (
                            "dimensions",
                            .array(
                                ind.dimensions.map { d in
                                    let listed = listedCategories(ind, d)
                                    return .object([
                                        ("dimension", .string(d.name)),
                                        ("multi_valued", .bool(d.multiValued)),
                                        ("categories", .array(listed.map { .object([("category", .string($0)), ("value", .int(d.counts[$0] ?? 0))]) })),
                                    ])
                                })
                        ),
                    ])
                })
        }
        let json = JSON.object([
            ("format", .string("caseload-report")),
            ("format_version", .int(Versions.reportFormat)),
            ("tool", .string("caseload")),
            ("tool_version", .string(Versions.tool)),
            ("period", .string(f.period.description)),
            ("migrants", population(.migrants)),
            ("victims", population(.victims)),
            (
                "data_quality",
                .object([
                    (
                        "files",
                        .array(
                            q.files.map { c in
                                .object([
                                    ("kind", .string(c.kind)), ("facility", .string(c.facility)), ("accepted", .int(c.accepted)),
                                    ("rejected", .int(c.rejected)), ("superseded", .int(c.superseded)), ("duplicate", .int(c.duplicate)),
                                ])
                            })
                    ),
                    ("records", .object([("accepted", .int(q.recordsAccepted)), ("rejected", .int(q.recordsRejected))])),
                    ("issues", .array(q.issues.map { .object([("code", .string($0.code)), ("severity", .string($0.severity)), ("count", .int($0.count))]) })),
                    ("missing_submissions", .array(q.missing.map { .object([("kind", .string($0.kind)), ("facility", .string($0.facility))]) })),
                ])
            ),
        ])
        return json.bytes()
    }

    /// The categories report.json lists for a dimension: closed lists in full, in their order;
    /// open ones (and the median) as they occur.
    public static func listedCategories(_ ind: IndicatorFigures, _ d: DimensionFigures) -> [String] {
        let closed = ind.name == Indicator.stayMedianDays.rawValue ? nil : IndicatorCatalogue.categories(of: d.name)
        return closed.map { list in list + d.categories.filter { !list.contains($0) } } ?? d.categories
    }
}

/// `manifest.json`: what went in and what came out.
public enum ManifestJSON {
    public struct Input: Sendable {
        public var path: String
        public var pathBytes: [UInt8]
        public var bytes: Int?
        public var sha256: String?
        public var name: FileName?
        public var outcome: FileOutcome
        public var accepted: Int
        public var rejected: Int
        public init(path: String, pathBytes: [UInt8], bytes: Int?, sha256: String?, name: FileName?, outcome: FileOutcome, accepted: Int, rejected: Int) {
            self.path = path; self.pathBytes = pathBytes; self.bytes = bytes; self.sha256 = sha256; self.name = name
            self.outcome = outcome; self.accepted = accepted; self.rejected = rejected
        }
    }

    public struct Output: Sendable {
        public var path: String
        public var bytes: Int
        public var sha256: String
        public init(path: String, bytes: Int, sha256: String) { self.path = path; self.bytes = bytes; self.sha256 = sha256 }
    }

    /// `keyFingerprint`: of the key file's key (outputs.md), nil when the run had none.
    public static func render(
        minCell: Int, keyFingerprint: String?, maxRejectRate: Double, hxl: Bool, periods: [Period], inputs: [Input],
        outputs: [Output]
    ) -> [UInt8] {
        func opt<T>(_ v: T?, _ f: (T) -> JSON) -> JSON { v.map(f) ?? .null }
        let json = JSON.object([
            ("format", .string("caseload-manifest")),
            ("format_version", .int(Versions.manifestFormat)),
            ("tool", .string("caseload")),
            ("tool_version", .string(Versions.tool)),
            (
                "options",
                .object([
                    ("min_cell", .int(minCell)),
                    ("rounding", .string("keyed")),
                    ("key_file", .bool(keyFingerprint != nil)),
                    ("key_fingerprint", keyFingerprint.map { .string($0) } ?? .null),
                    ("max_reject_rate", .number(decimal(maxRejectRate))),
                    ("hxl", .bool(hxl)),
                    ("periods", .array(periods.map { .string($0.description) })),
                ])
            ),
            (
                "inputs",
                .array(
                    inputs.sorted { $0.pathBytes.lexicographicallyPrecedes($1.pathBytes) }.map { i in
                        .object([
                            ("path", .string(i.path)), ("bytes", opt(i.bytes) { .int($0) }), ("sha256", opt(i.sha256) { .string($0) }),
                            ("kind", opt(i.name) { .string($0.kind.rawValue) }), ("facility", opt(i.name) { .string($0.facility) }),
                            ("period", opt(i.name) { .string($0.period.description) }), ("revision", opt(i.name) { .int($0.revision) }),
                            ("format", opt(i.name) { .string($0.format.rawValue) }), ("outcome", .string(i.outcome.rawValue)),
                            ("records", .object([("accepted", .int(i.accepted)), ("rejected", .int(i.rejected))])),
                        ])
                    })
            ),
            (
                "outputs",
                .array(
                    outputs.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }.map {
                        .object([("path", .string($0.path)), ("bytes", .int($0.bytes)), ("sha256", .string($0.sha256))])
                    })
            ),
        ])
        return json.bytes()
    }

    /// A decimal without exponent or binary noise: 0.2, 0.05, 1 (up to 6 decimals).
    static func decimal(_ v: Double) -> String { decimalText(v, places: 6, trimmed: true) }
}
