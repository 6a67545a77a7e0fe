// libFuzzer target: the CSV reader on arbitrary bytes. Built only by `make fuzz`
// (CASELOAD_FUZZ=1 adds the fuzz targets to Package.swift).
import CaseloadCore
import FuzzSupport
import Ingest

/// The first byte picks the kind; the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzCSV(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let kind: SubmissionKind = data[0] & 1 == 0 ? .detention : .shelter
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var limits = Limits()
    limits.maxFieldBytes = 4096  // small enough for the fuzzer to cross it
    limits.maxHeaderCells = 64
    var lastLine = 0
    let outcome = CSVSubmissionReader.read(bytes, kind: kind, limits: limits) { event in
        let line: Int
        switch event {
        case .record(let raw):
            line = raw.line
            // Every byte of every value is read (AddressSanitizer checks each access); no value
            // is longer than the field limit.
            for f in kind.fields {
                if let v = raw[f] {
                    precondition(v.count <= limits.maxFieldBytes)
                    var sum = 0
                    for b in v { sum &+= Int(b) }
                    _ = sum
                }
            }
        case .fieldCount(let l, let found, let expected):
            precondition(found != expected)
            line = l
        case .blank(let l):
            line = l
        }
        precondition(line > lastLine, "rows come in line order")
        lastLine = line
    }
    if outcome.rejected { precondition(outcome.findings.contains { $0.code.severity == .error }) }
    for f in outcome.findings { precondition(f.line == nil || f.line! >= 1) }
    return 0
}

// Top-level code, last: the globals above are initialised before libFuzzer starts.
runFuzzer { data, size in fuzzCSV(data, size) }
