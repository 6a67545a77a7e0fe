import CaseloadCore

/// The rules across files, run after every file has been judged and the revision for each key
/// chosen: `CONFLICT`, `CONTINUITY`, `MISSING_SUBMISSION`.
public enum AcrossFiles {
    /// A record of a used file, with where it came from.
    struct Placed {
        var record: Record
        var file: Int
        var line: Int
    }

    public static func issues(files: [JudgedFile], registry: Registry) -> [Issue] {
        let used = files.indices.filter { files[$0].outcome == .accepted }
        return conflicts(files, used) + continuity(files, used) + missing(files, used, registry)
    }

    static func conflicts(_ files: [JudgedFile], _ used: [Int]) -> [Issue] {
        struct Key: Hashable { var id: CaseID; var period: Period }
        var groups: [Key: [Placed]] = [:]
        for i in used {
            let p = files[i].name!.period
            for r in files[i].records {
                groups[Key(id: r.record.caseID, period: p), default: []].append(Placed(record: r.record, file: i, line: r.line))
            }
        }
        var out: [Issue] = []
        for (key, list) in groups where list.count > 1 {
            let ordered = list.sorted {
                $0.file != $1.file ? JudgedFile.pathOrder(files[$0.file], files[$1.file]) : $0.line < $1.line
            }
            let checks: [(Field, (Record) -> String)] = [
                (.sex, { $0.sex.rawValue }),
                (.birth_date, { $0.birth.description }),
                (.nationality, { $0.nationality.code }),
            ]
            for (field, value) in checks {
                let last = ordered.last!
                let mine = value(last.record)
                guard let other = ordered.first(where: { value($0.record) != mine }) else { continue }
                let f = files[last.file]
                out.append(Issue(.CONFLICT, file: f.path, line: last.line, facility: f.name!.facility,
                                 period: key.period.description, caseID: key.id.description, field: field.rawValue,
                                 message: "'\(mine)' here but '\(value(other.record))' in \(WrittenBack.path(files[other.file].path)):\(other.line) for the same case in \(key.period)"))
                break
            }
        }
        return out
    }

    static func continuity(_ files: [JudgedFile], _ used: [Int]) -> [Issue] {
        // Principal detention record per case and period, with its facility.
        struct Best { var record: Record; var facility: String }
        var principal: [Period: [CaseID: Best]] = [:]
        var usedFile: [String: Int] = [:]  // "facility period" → used detention file
        for i in used where files[i].name!.kind == .detention {
            let n = files[i].name!
            usedFile["\(n.facility) \(n.period)"] = i
            for r in files[i].records {
                let id = r.record.caseID
                if let b = principal[n.period]?[id], !Principal.prefers(r.record, n.facility, over: b.record, b.facility) { continue }
                principal[n.period, default: [:]][id] = Best(record: r.record, facility: n.facility)
            }
        }
        var out: [Issue] = []
        for (period, cases) in principal {
            let next = period.next
            let present = principal[next] ?? [:]
            for (id, best) in cases {
                guard case .detention(let d) = best.record, d.status.isActive, present[id] == nil,
                      let target = usedFile["\(best.facility) \(next)"] else { continue }
                out.append(Issue(.CONTINUITY, file: files[target].path, facility: best.facility, period: next.description,
                                 caseID: id.description,
                                 message: "in care at the end of \(period) (\(d.status.rawValue)) but in no accepted detention list of \(next)"))
            }
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
