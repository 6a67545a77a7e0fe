// libFuzzer target: the XML reader (libxml2 SAX2 with the hand structure check and, when it
// objects, libxml2's XSD validation) on arbitrary bytes. Built only by `make fuzz`.
import CaseloadCore
import FuzzSupport
import Ingest

/// The first byte picks the kind; the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzXML(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let kind: SubmissionKind = data[0] & 1 == 0 ? .detention : .shelter
    let name = FileName(kind: kind, facility: kind == .detention ? "IDC-TPI" : "SH-JKT", period: Period(year: 2012, month: 3), format: .xml)
    let bytes = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var lastLine = 0
    let outcome = XMLSubmissionReader.read(bytes, name: name) { event in
        guard case .record(let raw) = event else { preconditionFailure("XML has no CSV row events") }
        precondition(raw.line >= lastLine, "records come in document order")
        lastLine = raw.line
        for f in kind.fields { _ = raw[f]?.count }
    }
    if outcome.rejected { precondition(outcome.findings.contains { $0.code.severity == .error }) }
    for f in outcome.findings { precondition(f.line == nil || f.line! >= 1) }
    return 0
}

// Top-level code, last: the globals above are initialised before libFuzzer starts.
runFuzzer { data, size in fuzzXML(data, size) }
