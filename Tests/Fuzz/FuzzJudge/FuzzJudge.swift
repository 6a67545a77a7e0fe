// libFuzzer target: the whole judging of one file, from its bytes to the rows of issues.csv
// (reader, record rules, file rules, writing back). Built only by `make fuzz`.
import Caseload
import CaseloadCore
import FuzzSupport
import Emit
import Ingest

private let names = [
    "detention_IDC-TPI_2012-03.csv", "shelter_SH-JKT_2012-03.csv",
    "detention_IDC-TPI_2012-02_r2.xml", "shelter_SH-JKT_2012-02.xml",
]

/// The first byte picks the file name (kind and format); the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzJudge(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let path = names[Int(data[0] & 3)]
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var f = JudgedFile(path: path, pathBytes: Array(path.utf8), name: FileName(path))
    FileJudge.judgeContent(bytes, into: &f, options: JudgeOptions(threads: 1))
    switch f.outcome {
    case .accepted:
        precondition(f.records.count == f.acceptedRecords)
        precondition(f.findings.allSatisfy { $0.code.severity != .error || $0.line != nil }, "an accepted file has no file-level error")
    case .rejected:
        precondition(f.records.isEmpty)
        precondition(f.findings.contains { $0.code.severity == .error })
    case .superseded, .duplicate:
        preconditionFailure("decided across files, never here")
    }
    let csv = IssuesCSV.render(f.issues())
    // issues.csv reads back as RFC 4180 with nine cells a row, one row per issue, and no text
    // cell starts (after spaces and control characters) with a formula character.
    csv.withUnsafeBufferPointer { out in
        let scanner = CSVScanner(out)
        var rows = 0
        do {
            while let _ = try scanner.nextRow() {
                precondition(scanner.cellCount == 9, "nine cells a row")
                for i in 0..<9 {
                    let cell = scanner.cell(i)
                    if let c = cell.first(where: { $0 != 0x20 && $0 >= 0x20 && $0 != 0x7F }) {
                        precondition(!"=+-@|%".utf8.contains(c) || i == 3, "formula character written back")
                    }
                    if let c = cell.first { precondition(c != 0x09 && c != 0x0D && c != 0x0A) }
                }
                rows += 1
            }
        } catch {
            preconditionFailure("issues.csv does not read back: \(error)")
        }
        precondition(rows == f.findings.count + 1)
    }
    return 0
}

// Top-level code, last: the globals above are initialised before libFuzzer starts.
runFuzzer { data, size in fuzzJudge(data, size) }
