import CaseloadCore

/// The rules across files, run after the files of a period have been judged and the revision
/// for each key chosen: `CONFLICT` and `CONTINUITY` period by period (`PeriodRules`), then
/// `MISSING_SUBMISSION` once every period is known.
public enum AcrossFiles {
    /// `CONFLICT` for one period, and `CONTINUITY` from the period before it. The only state
    /// kept between periods is the list of cases in care at the end of the last one (case,
    /// facility, status: 12 bytes a case), not their records.
    public struct PeriodRules: Sendable {
        /// Facility codes in byte order: a principal record's tie goes to the code that sorts first.
        let facilityIndex: [String: Int32]
        let facilityCodes: [String]
        /// The cases whose principal detention record of `activePeriod` has an active status
        /// (12 bytes a case: the id, and the facility and status packed).
        var active = ActiveCases()
        var activePeriod: Period?

        public init(registry: Registry) {
            facilityCodes = registry.facilities.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            facilityIndex = Dictionary(uniqueKeysWithValues: facilityCodes.enumerated().map { ($1, Int32($0)) })
        }

        /// The issues of period `p`, whose used submissions are `submissions` (in path order, read
        /// case by case through `cases`); `files` are the judged files the submissions point into.
        public mutating func advance(_ p: Period, submissions: [UsedSubmission], cases: PeriodCases, files: [JudgedFile]) -> [Issue] {
            let pass = begin(p, submissions: submissions, files: files)
            cases.forEachCase { pass.visit($0) }
            return end(pass)
        }

        /// A pass over period `p`, for a walk over its cases that other passes share. The pass
        /// takes the cases in care at the end of the period before (it reads them once, in order,
        /// and gives their memory back as it goes); `end` hands the rules those of `p`.
        public mutating func begin(_ p: Period, submissions: [UsedSubmission], files: [JudgedFile]) -> RulesPass {
            let previous = activePeriod == p.previous ? active : ActiveCases()
            active = ActiveCases()
            activePeriod = nil
            return RulesPass(rules: self, p, submissions, files, previous: previous)
        }

        /// The issues of the pass's period; the rules now know the cases in care at its end.
        public mutating func end(_ pass: RulesPass) -> [Issue] {
            pass.finish()
            active = pass.nextActive
            activePeriod = pass.p
            return pass.out
        }

        /// One period of the rules: fed the period's cases one by one, in case order.
        public final class RulesPass {
            let rules: PeriodRules
            let p: Period
            let submissions: [UsedSubmission]
            let files: [JudgedFile]
            let view: SubmissionView
            let facilities: [Int32]
            /// The used detention file of each facility in this period.
            var detentionFile: [Int32: Int] = [:]
            let previous: ActiveCases
            var k = 0
            let nextActive: ActiveCases
            var out: [Issue] = []

            init(
                rules: PeriodRules, _ p: Period, _ submissions: [UsedSubmission], _ files: [JudgedFile],
                previous: ActiveCases
            ) {
                self.rules = rules
                self.p = p
                self.submissions = submissions
                self.files = files
                self.previous = previous
                view = SubmissionView(submissions)
                facilities = submissions.map { rules.facilityIndex[$0.facility.code] ?? 0 }
                for (s, sub) in submissions.enumerated() where sub.kind == .detention { detentionFile[facilities[s]] = sub.file }
                // At most one case in care per detention record with an active status.
                var activeRecords = 0
                for (s, sub) in submissions.enumerated() where view.isDetention[s] {
                    for i in 0..<sub.count where view.detention[s]![i].record.status.isActive { activeRecords += 1 }
                }
                nextActive = ActiveCases(capacity: activeRecords)
            }

            @inline(__always)
            public func visit(_ group: UnsafeBufferPointer<PeriodCases.Ref>) {
                let id = group[0].caseID
                // CONTINUITY: cases in care at the end of the month before, now in no detention list.
                let n = previous.count
                while k < n && previous.id(k) < id {
                    rules.continuity(previous[k], p, detentionFile, files, &out)
                    k += 1
                }
                if k < n && previous.id(k) == id {
                    var inDetention = false
                    for r in group where view.isDetention[Int(r.submission)] { inDetention = true; break }
                    if !inDetention { rules.continuity(previous[k], p, detentionFile, files, &out) }
                    k += 1
                }
                if group.count > 1 { rules.conflict(group, p, submissions, view, files, &out) }
                // The principal detention record: the latest arrival, then the facility code first.
                var best: (arrival: Day, facility: Int32, status: Status)?
                for r in group {
                    guard view.isDetention[Int(r.submission)] else { continue }
                    let d = view.detention[Int(r.submission)]![Int(r.index)].record
                    let f = facilities[Int(r.submission)]
                    if let b = best, !(d.arrival != b.arrival ? d.arrival > b.arrival : f < b.facility) { continue }
                    best = (d.arrival, f, d.status)
                }
                if let b = best, b.status.isActive { nextActive.append(id, facility: b.facility, status: b.status) }
                previous.giveBack(before: k)
            }

            /// The cases in care at the end of the month before that no case of the period came after.
            func finish() {
                while k < previous.count {
                    rules.continuity(previous[k], p, detentionFile, files, &out)
                    k += 1
                }
            }
        }

        /// A case in care at the end of the month before `p` and in no accepted detention list of
        /// `p`, although the facility of its principal record has a used submission for `p`.
        func continuity(
            _ c: (caseID: UInt64, facility: Int32, status: Status), _ p: Period,
            _ detentionFile: [Int32: Int], _ files: [JudgedFile], _ out: inout [Issue]
        ) {
            guard let target = detentionFile[c.facility] else { return }
            let facility = facilityCodes[Int(c.facility)]
            out.append(
                Issue(
                    .CONTINUITY, file: files[target].path, facility: facility, period: p.description,
                    caseID: CaseID(packed: c.caseID).description,
                    message: "in care at the end of \(p.previous) (\(c.status.rawValue)) but in no accepted detention list of \(p)"))
        }

        /// The records of one case in one period that disagree on sex, birth date or nationality:
        /// one issue, on the last of them, with the first field that disagrees.
        func conflict(
            _ group: UnsafeBufferPointer<PeriodCases.Ref>, _ p: Period, _ submissions: [UsedSubmission],
            _ view: SubmissionView, _ files: [JudgedFile], _ out: inout [Issue]
        ) {
            struct Seen { var sex: Sex; var birth: PartialDate; var nationality: Country; var submission: Int; var line: Int32 }
            let seen: [Seen] = group.map { r in
                let s = Int(r.submission), i = Int(r.index)
                if view.isDetention[s] {
                    let l = view.detention[s]![i]
                    return Seen(sex: l.record.sex, birth: l.record.birth, nationality: l.record.nationality, submission: s, line: l.line)
                }
                let l = view.shelter[s]![i]
                return Seen(sex: l.record.sex, birth: l.record.birth, nationality: l.record.nationality, submission: s, line: l.line)
            }
            // Most cases agree: settle that before making any String.
            let agree = seen.dropFirst().allSatisfy {
                $0.sex == seen[0].sex && $0.birth == seen[0].birth && $0.nationality == seen[0].nationality
            }
            if agree { return }
            let last = seen.last!
            let checks: [(Field, (Seen) -> String)] = [
                (.sex, { $0.sex.rawValue }),
                (.birth_date, { $0.birth.description }),
                (.nationality, { $0.nationality.code }),
            ]
            for (field, value) in checks {
                let mine = value(last)
                guard let other = seen.first(where: { value($0) != mine }) else { continue }
                let f = files[submissions[last.submission].file]
                out.append(
                    Issue(
                        .CONFLICT, file: f.path, line: Int(last.line), facility: f.name!.facility,
                        period: p.description, caseID: CaseID(packed: group.first!.caseID).description, field: field.rawValue,
                        message: "'\(mine)' here but '\(value(other))' in \(WrittenBack.path(files[submissions[other.submission].file].path)):\(other.line) for the same case in \(p)"))
                return
            }
        }
    }

    /// Cases in care at the end of a period, in case order: ids, and facility index and status,
    /// in two buffers of plain values. Read once, in order, by the next period's pass, which gives
    /// the memory of the cases it has passed back to the system as it goes (`giveBack(before:)`).
    public final class ActiveCases: @unchecked Sendable {
        private let ids: RecordBuffer<UInt64>
        private let info: RecordBuffer<UInt32>
        /// The byte offsets up to which `ids` and `info` have been given back.
        private var given = (ids: 0, info: 0)

        init(capacity: Int = 0) {
            ids = RecordBuffer(capacity: capacity)
            info = RecordBuffer(capacity: capacity)
        }

        var count: Int { ids.count }

        func append(_ id: UInt64, facility: Int32, status: Status) {
            ids.append(id)
            info.append(UInt32(bitPattern: facility) << 4 | UInt32(status.ordinal))
        }

        @inline(__always)
        func id(_ k: Int) -> UInt64 { ids[k] }

        subscript(_ k: Int) -> (caseID: UInt64, facility: Int32, status: Status) {
            (ids[k], Int32(bitPattern: info[k] >> 4), Status(ordinal: Int(info[k] & 15)))
        }

        /// The cases before `k` are never read again: the whole pages they fill go back to the
        /// system (at least `RecordPages.step` bytes at a time).
        @inline(__always)
        func giveBack(before k: Int) {
            guard let i = ids.base, let f = info.base else { return }
            RecordPages.passed(i, to: k &* 8, given: &given.ids)
            RecordPages.passed(f, to: k &* 4, given: &given.info)
        }
    }

    /// `MISSING_SUBMISSION`: for every period from the earliest to the latest period of any used
    /// submission of a kind, each facility expected to submit that kind and without a used file.
    public static func missing(_ files: [JudgedFile], registry: Registry) -> [Issue] {
        let used = files.indices.filter { files[$0].outcome == .accepted }
        var out: [Issue] = []
        for kind in SubmissionKind.allCases {
            let mine = used.filter { files[$0].name!.kind == kind }
            guard let lo = mine.map({ files[$0].name!.period }).min(),
                let hi = mine.map({ files[$0].name!.period }).max()
            else { continue }
            let have = Set(mine.map { "\(files[$0].name!.facility) \(files[$0].name!.period)" })
            for facility in registry.sorted where kind.accepts(facility.kind) {
                for p in Period.range(lo, hi) where facility.isOpen(in: p) && !have.contains("\(facility.code) \(p)") {
                    out.append(
                        Issue(
                            .MISSING_SUBMISSION, facility: facility.code, period: p.description,
                            message: "no \(kind.rawValue) submission of \(facility.code) for \(p) was accepted"))
                }
            }
        }
        return out
    }
}
