import CaseloadCore

/// The rules across files, run after every file has been judged and the revision for each key
/// chosen: `CONFLICT`, `CONTINUITY`, `MISSING_SUBMISSION`.
public enum AcrossFiles {
    public static func issues(files: [JudgedFile], registry: Registry) -> [Issue] {
        let used = files.indices.filter { files[$0].outcome == .accepted }
        let all = entries(files, used)
        return conflicts(files, all) + continuity(files, used, all) + missing(files, used, registry)
    }

    /// What the rules across files need of one record, compact, for one sort of all of them.
    struct Entry {
        var caseID: UInt64
        var period: Int32
        var file: Int32
        var line: Int32
        var birth: PartialDate
        var nationality: Country
        var sex: Sex
        var detention: Bool
        var arrival: Day
        var status: Status
    }

    /// Every record of the used files, sorted by case, period, file (path order) and line.
    static func entries(_ files: [JudgedFile], _ used: [Int]) -> [Entry] {
        var out: [Entry] = []
        out.reserveCapacity(used.reduce(0) { $0 + files[$1].records.count })
        for i in used {
            let p = files[i].name!.period.index
            for r in files[i].records.all {
                var e = Entry(caseID: r.record.caseID.packed, period: p, file: Int32(i), line: Int32(r.line), birth: r.record.birth,
                              nationality: r.record.nationality, sex: r.record.sex, detention: false, arrival: Day(ordinal: 0),
                              status: .PENDING_RSD)
                if case .detention(let d) = r.record {
                    e.detention = true
                    e.arrival = d.arrival
                    e.status = d.status
                }
                out.append(e)
            }
        }
        // Files are in path order already (the input folder is listed sorted).
        out.sort { a, b in
            if a.caseID != b.caseID { return a.caseID < b.caseID }
            if a.period != b.period { return a.period < b.period }
            if a.file != b.file { return a.file < b.file }
            return a.line < b.line
        }
        return out
    }

    static func conflicts(_ files: [JudgedFile], _ entries: [Entry]) -> [Issue] {
        var out: [Issue] = []
        var g = 0
        while g < entries.count {
            var h = g + 1
            while h < entries.count && entries[h].caseID == entries[g].caseID && entries[h].period == entries[g].period { h += 1 }
            if h - g > 1 {
                let group = entries[g..<h]
                let last = group.last!
                let checks: [(Field, (Entry) -> String)] = [
                    (.sex, { $0.sex.rawValue }),
                    (.birth_date, { $0.birth.description }),
                    (.nationality, { $0.nationality.code }),
                ]
                for (field, value) in checks {
                    let mine = value(last)
                    guard let other = group.first(where: { value($0) != mine }) else { continue }
                    let f = files[Int(last.file)]
                    let period = Period(index: last.period)
                    out.append(Issue(.CONFLICT, file: f.path, line: Int(last.line), facility: f.name!.facility,
                                     period: period.description, caseID: CaseID(packed: last.caseID).description, field: field.rawValue,
                                     message: "'\(mine)' here but '\(value(other))' in \(WrittenBack.path(files[Int(other.file)].path)):\(other.line) for the same case in \(period)"))
                    break
                }
            }
            g = h
        }
        return out
    }

    static func continuity(_ files: [JudgedFile], _ used: [Int], _ entries: [Entry]) -> [Issue] {
        var usedFile: [String: Int] = [:]  // "facility period" → used detention file
        for i in used where files[i].name!.kind == .detention {
            usedFile["\(files[i].name!.facility) \(files[i].name!.period)"] = i
        }
        // The principal detention record of each case and period, in case and period order.
        struct Best { var caseID: UInt64; var period: Int32; var entry: Entry; var facility: String }
        var principals: [Best] = []
        for e in entries where e.detention {
            let facility = files[Int(e.file)].name!.facility
            if let last = principals.last, last.caseID == e.caseID, last.period == e.period {
                let better = e.arrival != last.entry.arrival ? e.arrival > last.entry.arrival
                    : facility.utf8.lexicographicallyPrecedes(last.facility.utf8)
                if better { principals[principals.count - 1] = Best(caseID: e.caseID, period: e.period, entry: e, facility: facility) }
            } else {
                principals.append(Best(caseID: e.caseID, period: e.period, entry: e, facility: facility))
            }
        }
        var out: [Issue] = []
        for (k, b) in principals.enumerated() where b.entry.status.isActive {
            let next = b.period + 1
            if k + 1 < principals.count, principals[k + 1].caseID == b.caseID, principals[k + 1].period == next { continue }
            let nextPeriod = Period(index: next)
            guard let target = usedFile["\(b.facility) \(nextPeriod)"] else { continue }
            out.append(Issue(.CONTINUITY, file: files[target].path, facility: b.facility, period: nextPeriod.description,
                             caseID: CaseID(packed: b.caseID).description,
                             message: "in care at the end of \(Period(index: b.period)) (\(b.entry.status.rawValue)) but in no accepted detention list of \(nextPeriod)"))
        }
        return out
    }

    static func missing(_ files: [JudgedFile], _ used: [Int], _ registry: Registry) -> [Issue] {
        var out: [Issue] = []
        for kind in SubmissionKind.allCases {
            let mine = used.filter { files[$0].name!.kind == kind }
            guard let lo = mine.map({ files[$0].name!.period }).min(),
                  let hi = mine.map({ files[$0].name!.period }).max() else { continue }
            let have = Set(mine.map { "\(files[$0].name!.facility) \(files[$0].name!.period)" })
            for facility in registry.sorted where kind.accepts(facility.kind) {
                for p in Period.range(lo, hi) where facility.isOpen(in: p) && !have.contains("\(facility.code) \(p)") {
                    out.append(Issue(.MISSING_SUBMISSION, facility: facility.code, period: p.description,
                                     message: "no \(kind.rawValue) submission of \(facility.code) for \(p) was accepted"))
                }
            }
        }
        return out
    }
}
