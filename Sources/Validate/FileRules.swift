import CaseloadCore

/// The file rules that need the registry or other files: the name against the registry,
/// duplicates and ambiguous revisions, the share of rejected records, and the revision choice.
/// Policy (the reject threshold) is a parameter; the rules do not know where it comes from.
public enum FileRules {
    /// Step 1 of "How a file is judged": the name, then the registry.
    public static func judgeName(_ name: FileName?, registry: Registry) -> Finding? {
        guard let name else {
            return Finding(.FILE_NAME, message: "the name does not follow <kind>_<facility>_<YYYY-MM>[_r<N>].<csv|xml>")
        }
        guard let facility = registry[name.facility] else {
            return Finding(.UNKNOWN_FACILITY, message: "facility '\(name.facility)' is not in facilities.csv")
        }
        guard name.kind.accepts(facility.kind) else {
            return Finding(.FACILITY_KIND, message: "a \(name.kind.rawValue) file cannot come from facility '\(facility.code)' of kind \(facility.kind.rawValue)")
        }
        guard facility.isOpen(in: name.period) else {
            let span = "\(facility.opened) to \(facility.closed.map(\.description) ?? "now")"
            return Finding(.FACILITY_PERIOD, message: "\(name.period) is outside the facility's opening (\(span))")
        }
        return nil
    }

    /// Step 5's last rule: more than `maxRejectRate` of the records rejected (strictly more).
    public static func tooManyRejects(accepted: Int, rejected: Int, maxRejectRate: Double) -> Finding? {
        let total = accepted + rejected
        guard total > 0, Double(rejected) > maxRejectRate * Double(total) else { return nil }
        return Finding(
            .TOO_MANY_REJECTS,
            message: "\(rejected) of \(total) records were rejected, more than \(percent(maxRejectRate)): none of the file counts")
    }

    static func percent(_ r: Double) -> String {
        let p = r * 100
        return p == p.rounded() ? "\(Int(p)) %" : "\(p) %"
    }

    /// Step 3: among files of one kind, facility and period that have passed steps 1 and 2
    /// (`candidates`, indices into `files`, each with its digest), marks `DUPLICATE_FILE` and
    /// `AMBIGUOUS_REVISION`. Files so marked lose whatever their content gave.
    public static func duplicatesAndAmbiguity(_ files: inout [JudgedFile], candidates: [Int]) {
        var groups: [FileName.SubmissionKey: [Int]] = [:]
        for i in candidates {
            guard let n = files[i].name else { continue }
            groups[n.submissionKey, default: []].append(i)
        }
        // Groups are independent of each other: the order they are taken in changes nothing.
        for members in groups.values.map({ $0.sorted { JudgedFile.pathOrder(files[$0], files[$1]) } }) {
            var firstByDigest: [String: Int] = [:]
            var distinct: [Int] = []
            for i in members {
                let d = files[i].sha256 ?? ""
                if let first = firstByDigest[d] {
                    reset(
                        &files[i], outcome: .duplicate,
                        finding: Finding(
                            .DUPLICATE_FILE,
                            message: "the same bytes as \(WrittenBack.path(files[first].path)), which counts instead"))
                } else {
                    firstByDigest[d] = i
                    distinct.append(i)
                }
            }
            let byRevision = Dictionary(grouping: distinct) { files[$0].name!.revision }
            for (_, same) in byRevision where same.count > 1 {
                for i in same {
                    let others = same.filter { $0 != i }.map { WrittenBack.path(files[$0].path) }.joined(separator: ", ")
                    reset(
                        &files[i], outcome: .rejected,
                        finding: Finding(
                            .AMBIGUOUS_REVISION,
                            message: "revision \(files[i].name!.revision) is also \(others), with other bytes: neither is used"))
                }
            }
        }
    }

    private static func reset(_ f: inout JudgedFile, outcome: FileOutcome, finding: Finding) {
        f.outcome = outcome
        f.findings = [finding]
        f.records = RecordList()
        f.acceptedRecords = 0
        f.rejectedRecords = 0
    }

    /// Revisions: for each kind, facility and period, the accepted file with the highest
    /// revision is used; every other accepted file of the key is `SUPERSEDED`.
    public static func chooseRevisions(_ files: inout [JudgedFile]) {
        var best: [FileName.SubmissionKey: Int] = [:]
        for i in files.indices where files[i].outcome == .accepted {
            let n = files[i].name!
            let key = n.submissionKey
            if let b = best[key] {
                let bn = files[b].name!
                if n.revision > bn.revision || (n.revision == bn.revision && JudgedFile.pathOrder(files[i], files[b])) {
                    best[key] = i
                }
            } else {
                best[key] = i
            }
        }
        let used = Set(best.values)
        for i in files.indices where files[i].outcome == .accepted && !used.contains(i) {
            let n = files[i].name!
            let b = best[n.submissionKey]!
            files[i].outcome = .superseded
            files[i].findings.append(
                Finding(
                    .SUPERSEDED,
                    message: "revision \(files[b].name!.revision) (\(WrittenBack.path(files[b].path))) is used instead"))
        }
    }
}
