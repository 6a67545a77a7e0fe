import CaseloadCore

extension DataQuality {
    /// The data-quality figures of one period (indicators.md, "Data quality"): its files by kind
    /// and facility, its records, its issues by code, its missing submissions, its rejected files
    /// with the issue that rejected each.
    public static func of(period: Period, files: [JudgedFile], issues: [Issue], registry: Registry) -> DataQuality {
        var counts: [String: DataQuality.FileCounts] = [:]
        var accepted = 0, rejected = 0
        for f in files {
            guard let n = f.name, n.period == period else { continue }
            let key = "\(n.kind.rawValue) \(n.facility)"
            var c = counts[key] ?? DataQuality.FileCounts(kind: n.kind.rawValue, facility: n.facility)
            switch f.outcome {
            case .accepted: c.accepted += 1; accepted += f.acceptedRecords
            case .rejected: c.rejected += 1
            case .superseded: c.superseded += 1
            case .duplicate: c.duplicate += 1
            }
            // A superseded or duplicate file's rejects were corrected or counted elsewhere.
            if f.outcome != .duplicate && f.outcome != .superseded { rejected += f.rejectedRecords }
            counts[key] = c
        }
        let mine = issues.filter { $0.period == period.description }
        let byCode = Dictionary(grouping: mine, by: \.code).map { (code: $0.key.rawValue, severity: $0.key.severity.rawValue, count: $0.value.count) }
        let missing = mine.filter { $0.code == .MISSING_SUBMISSION }.compactMap { i -> (kind: String, facility: String)? in
            guard let fac = i.facility, let f = registry[fac] else { return nil }
            return (f.kind == .SHELTER ? "shelter" : "detention", fac)
        }
        let rejectedFiles = files.filter { $0.name?.period == period && $0.outcome == .rejected }.sorted(by: JudgedFile.pathOrder).map { f in
            let why = f.findings.first { $0.code.isFileLevel && $0.code.severity == .error } ?? f.findings.first!
            return (path: f.path, code: why.code.rawValue, message: why.message)
        }
        return DataQuality(
            files: counts.keys.sorted().map { counts[$0]! }, recordsAccepted: accepted, recordsRejected: rejected,
            issues: byCode.sorted { $0.code < $1.code }, missing: missing.sorted { ($0.kind, $0.facility) < ($1.kind, $1.facility) },
            rejectedFiles: rejectedFiles)
    }
}
