internal import CLibXML2
import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// Streams one XML submission through libxml2's SAX2 parser, fed by an I/O callback from the
/// file's `ByteSource` (so the file is never held whole, and is checked for UTF-8 and hashed as it
/// is read), never building a tree. Safety (design.md, "libxml2, safely"): only `XML_PARSE_NONET`
/// and `XML_PARSE_IGNORE_ENC`, never `NOENT`/`DTDLOAD`/`DTDVALID`/`HUGE`; the parse stops at the
/// first document type declaration (the SAX `internalSubset` callback fires before any
/// declaration of the internal subset is read); a deny-all external entity loader is installed
/// once; the bytes are handed over through the callback, so compressed input is never inflated.
public enum XMLSubmissionReader {
    public struct Envelope: Sendable, Equatable {
        public var kind: String?
        public var facility: String?
        public var period: String?
        public var revision: String?
    }

    public struct Outcome: Sendable {
        public var findings: [Finding] = []
        public var rejected = false
        public var envelope = Envelope()
    }

    /// Reads bytes in memory, named as `name`: the whole of them is checked for UTF-8 first.
    /// Records go to `onRow` in document order; they must be discarded when the outcome is `rejected`.
    public static func read(
        _ bytes: UnsafeBufferPointer<UInt8>, name: FileName,
        onRow: (RowEvent) -> Void
    ) -> Outcome {
        if bytes.isEmpty {
            return Outcome(findings: [Finding(.EMPTY_FILE, message: "the file has no bytes")], rejected: true)
        }
        if let bad = UTF8Check.firstBadByte(bytes) {
            return Outcome(findings: [UTF8Check.finding(bytes[bad], line: UTF8Check.line(of: bad, in: bytes))], rejected: true)
        }
        return read(source: ByteSource(bytes), name: name, onRow: onRow)
    }

    /// Reads a file from its source. A bad byte ends the reading and rejects the file whatever the
    /// parser said (`ENCODING` comes first in the order of judging, after `EMPTY_FILE`).
    public static func read(source: ByteSource, name: FileName, onRow: (RowEvent) -> Void) -> Outcome {
        let kind = name.kind
        var out = Outcome()
        if source.size == 0 {
            out.findings.append(Finding(.EMPTY_FILE, message: "the file has no bytes"))
            out.rejected = true
            return out
        }
        LibXML.initialize()
        withoutActuallyEscaping(onRow) { onRow in
            // Pass 1: the fast SAX parse, with the structure of the XSD checked by hand.
            let state = SAXState.make(kind: kind, onRow: onRow, checkStructure: true)
            defer { SAXState.free(state) }
            parse(source, state: state, schema: nil)
            // The whole file is checked for UTF-8, also where the parser stopped early.
            source.finish()
            if let bad = source.bad {
                out.findings = [UTF8Check.finding(bad.byte, line: source.line(of: bad.offset))]
                return
            }
            if source.consumed == 0 {
                out.findings = [Finding(.EMPTY_FILE, message: "the file has no bytes")]
                return
            }
            let s = state.pointee
            out.envelope = s.envelope
            var schemaError = s.schemaError, malformed = s.malformed
            if !s.doctype && malformed == nil && s.structure != .valid {
                // Pass 2, only for a file whose structure is wrong or unusual: libxml2's own XSD
                // validation has the last word, and gives the line and its words.
                let check = SAXState.make(kind: kind, onRow: { _ in }, checkStructure: false)
                defer { SAXState.free(check) }
                parse(source.rewound(), state: check, schema: LibXML.schema(for: kind))
                schemaError = check.pointee.schemaError
                if malformed == nil { malformed = check.pointee.malformed }
            }
            if s.doctype {
                out.findings.append(
                    Finding(
                        .XML_DOCTYPE, line: s.doctypeLine,
                        message: "the document has a document type declaration; DTDs and entities are never allowed"))
            } else if let e = malformed {
                out.findings.append(Finding(.XML_MALFORMED, line: e.line, message: e.message))
            } else if let e = schemaError {
                out.findings.append(Finding(.XML_SCHEMA, line: e.line, message: e.message))
            } else if let f = s.envelope.mismatch(with: name) {
                out.findings.append(f)
            }
        }
        out.rejected = !out.findings.isEmpty
        return out
    }

    /// For tests: the fast pass's verdict on the structure, and libxml2's XSD verdict.
    static func structureVerdicts(_ text: String, kind: SubmissionKind) -> (fast: SAXState.Structure, libxml2Valid: Bool, wellFormed: Bool) {
        LibXML.initialize()
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            let fast = SAXState.make(kind: kind, onRow: { _ in }, checkStructure: true)
            defer { SAXState.free(fast) }
            parse(ByteSource(buf), state: fast, schema: nil)
            let full = SAXState.make(kind: kind, onRow: { _ in }, checkStructure: false)
            defer { SAXState.free(full) }
            parse(ByteSource(buf), state: full, schema: LibXML.schema(for: kind))
            return (
                fast.pointee.structure, full.pointee.schemaError == nil,
                fast.pointee.malformed == nil && full.pointee.malformed == nil && !fast.pointee.doctype
            )
        }
    }

    private static func parse(_ source: ByteSource, state: UnsafeMutablePointer<SAXState>, schema: xmlSchemaPtr?) {
        var sax = xmlSAXHandler()
        sax.initialized = UInt32(XML_SAX2_MAGIC)
        sax.startElementNs = saxStartElement
        sax.endElementNs = saxEndElement
        sax.characters = saxCharacters
        sax.cdataBlock = saxCDATA
        sax.internalSubset = saxInternalSubset
        sax.comment = saxComment
        sax.processingInstruction = saxProcessingInstruction
        sax.serror = saxStructuredError

        let me = UnsafeMutableRawPointer(state)
        let feeder = Feeder(source)
        state.pointee.feeder = feeder
        defer { state.pointee.feeder = nil }
        var userData: UnsafeMutableRawPointer? = me
        let vctxt = schema.map { xmlSchemaNewValidCtxt($0) } ?? nil
        defer { if let vctxt { xmlSchemaFreeValidCtxt(vctxt) } }
        if let vctxt { xmlSchemaSetValidStructuredErrors(vctxt, saxSchemaError, me) }
        withUnsafeMutablePointer(to: &sax) { saxP in
            var saxPtr: UnsafeMutablePointer<xmlSAXHandler>? = saxP
            let plug = vctxt.map { xmlSchemaSAXPlug($0, &saxPtr, &userData) } ?? nil
            defer { if plug != nil { xmlSchemaSAXUnplug(plug) } }
            guard let ctxt = xmlCreatePushParserCtxt(saxPtr, userData, nil, 0, nil) else { return }
            defer { xmlFreeParserCtxt(ctxt) }
            state.pointee.ctxt = ctxt
            defer { state.pointee.ctxt = nil }
            // Parser errors that libxml2 sends to the thread's generic handler land here too.
            xmlSetStructuredErrorFunc(me, saxStructuredError)
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            xmlCtxtUseOptions(ctxt, Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue))
            _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
            // Chunks of 256 KiB from the start of the file, the last one marked as such.
            while !state.pointee.stopped {
                let n = feeder.next()
                let last: Int32 = n == 0 || source.consumed >= source.size ? 1 : 0
                let rc = feeder.buffer.withMemoryRebound(to: CChar.self, capacity: max(n, 1)) {
                    xmlParseChunk(ctxt, n > 0 ? $0 : nil, Int32(n), last)
                }
                let st = state.pointee
                if rc != 0 && st.malformed == nil && !st.doctype {
                    state.pointee.malformed = (Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer(ctxt))), "the parser stopped (error \(rc))")
                }
                if rc != 0 || ctxt.pointee.disableSAX != 0 || last == 1 { break }
            }
            let st = state.pointee
            if ctxt.pointee.wellFormed == 0 && st.malformed == nil && !st.doctype {
                state.pointee.malformed = (Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer(ctxt))), "the document is not well-formed")
            }
        }
    }
}

extension XMLSubmissionReader.Envelope {
    /// `ENVELOPE_MISMATCH` when an attribute of the root element disagrees with the file name
    /// (the schema has already checked their forms). The revision compares as a number.
    func mismatch(with name: FileName) -> Finding? {
        func issue(_ attr: String, _ found: String?, _ expected: String) -> Finding {
            Finding(
                .ENVELOPE_MISMATCH, line: nil,
                message: "the root element says \(attr)=\(WrittenBack.quoted(found ?? "")) but the file name says '\(expected)'")
        }
        if kind != name.kind.rawValue { return issue("kind", kind, name.kind.rawValue) }
        if facility != name.facility { return issue("facility", facility, name.facility) }
        if period != name.period.description { return issue("period", period, name.period.description) }
        let rev: Int
        if let r = revision {
            var digits = Substring(r.trimmingXMLSpace)
            if digits.first == "+" { digits = digits.dropFirst() }
            digits = digits.drop { $0 == "0" }
            rev = digits.count > 9 ? Int.max : Int(digits) ?? 0
        } else {
            rev = 1
        }
        if rev != name.revision { return issue("revision", revision ?? "1", String(name.revision)) }
        return nil
    }
}

extension String {
    var trimmingXMLSpace: String {
        let b = Array(utf8)
        let (s, e) = trimmedBounds(b)
        return String(decoding: b[s..<e], as: UTF8.self)
    }
}

/// Reads the source in chunks of 256 KiB for libxml2's push parser, and keeps the bytes of the
/// prolog (until the root element starts), so that `XML_DOCTYPE` can be given the line of the
/// declaration itself.
final class Feeder {
    let source: ByteSource
    static let size = ChunkPool.size
    /// Chunks of 256 KiB (a file of up to 128 KiB is one chunk, in a buffer of its size).
    let capacity: Int
    let buffer: UnsafeMutablePointer<UInt8>
    /// The bytes handed over before the root element started.
    var prolog: [UInt8] = []
    var inProlog = true {
        didSet { if !inProlog { prolog = [] } }
    }

    init(_ source: ByteSource) {
        self.source = source
        capacity = ChunkPool.capacity(for: source.size)
        buffer = ChunkPool.take(capacity)
    }

    deinit { ChunkPool.give(buffer, capacity) }

    /// The next chunk, in `buffer`: its size, 0 at the end.
    func next() -> Int {
        let n = source.read(into: buffer, max: capacity)
        if inProlog && n > 0 { prolog.append(contentsOf: UnsafeBufferPointer(start: buffer, count: n)) }
        return n
    }
}

/// Parse state shared with the C callbacks through a pointer (no reference counting on the
/// hot path); its buffers are managed by hand.
struct SAXState {
    let kind: SubmissionKind
    let onRow: (RowEvent) -> Void
    var ctxt: xmlParserCtxtPtr?
    var feeder: Feeder?
    var depth = 0
    var envelope = XMLSubmissionReader.Envelope()
    var doctype = false
    var doctypeLine: Int?
    var stopped = false
    var malformed: (line: Int, message: String)?
    var schemaError: (line: Int, message: String)?
    var failed: Bool { doctype || malformed != nil || schemaError != nil }

    /// The record being read: its values, one after the other, and their offsets.
    var inRecord = false
    var recordLine = 0
    var values: UnsafeMutablePointer<UInt8>
    var valuesCount = 0
    var valuesCapacity = 1024
    let fieldStart: UnsafeMutablePointer<Int>
    let fieldLength: UnsafeMutablePointer<Int>
    let raw = RawFields()
    /// The field element being read (depth 3), and where its text (or its list) starts.
    var field: Field?
    var fieldIsList = false
    var textStart = 0
    /// Raw bytes of text taken for the current value or item (capped at `textCap`).
    var textTaken = 0
    var itemStart = 0
    var listHasItems = false

    /// libxml2 interns names per parse: a pointer seen once maps to its field without a String
    /// or a hash (a handful of names, searched in a small array).
    static let names = 64
    let namePointers = UnsafeMutablePointer<UnsafePointer<xmlChar>?>.allocate(capacity: SAXState.names)
    let nameFields = UnsafeMutablePointer<Int8>.allocate(capacity: SAXState.names)
    var nameCount = 0
    var fieldsByName: [String: Field] = [:]
    /// The field of the element just started at depth 3 (looked up once for both uses).
    var startedField: Field?
    var namespacePointer: UnsafePointer<xmlChar>?
    var recordNamePointer: UnsafePointer<xmlChar>?
    var codeNamePointer: UnsafePointer<xmlChar>?

    static let textCap = 1 << 16
    /// libxml2's own limits, which its SAX interface leaves to the tree builder: enforced here.
    static let maxDepth = 256
    static let maxTextNode = 10_000_000
    /// Bytes of the current text node (characters and CDATA since the last other event).
    var textRun = 0

    // The XSD's structure, checked by hand in the fast pass.
    enum Structure { case valid, uncertain, invalid }
    let checkStructure: Bool
    var structure = Structure.valid
    var seenFields: UInt32 = 0

    static func make(kind: SubmissionKind, onRow: @escaping (RowEvent) -> Void, checkStructure: Bool) -> UnsafeMutablePointer<SAXState> {
        let p = UnsafeMutablePointer<SAXState>.allocate(capacity: 1)
        p.initialize(to: SAXState(kind: kind, onRow: onRow, checkStructure: checkStructure))
        return p
    }

    static func free(_ p: UnsafeMutablePointer<SAXState>) {
        p.pointee.values.deallocate()
        p.pointee.namePointers.deallocate()
        p.pointee.nameFields.deallocate()
        p.pointee.fieldStart.deallocate()
        p.pointee.fieldLength.deallocate()
        p.deinitialize(count: 1)
        p.deallocate()
    }

    private init(kind: SubmissionKind, onRow: @escaping (RowEvent) -> Void, checkStructure: Bool) {
        self.kind = kind
        self.onRow = onRow
        self.checkStructure = checkStructure
        values = .allocate(capacity: valuesCapacity)
        let n = Field.count
        fieldStart = .allocate(capacity: n)
        fieldLength = .allocate(capacity: n)
        fieldLength.initialize(repeating: -1, count: n)
        fieldStart.initialize(repeating: 0, count: n)
        for f in kind.fields { fieldsByName[f.xmlName] = f }
    }

    @inline(__always)
    mutating func field(for name: UnsafePointer<xmlChar>) -> Field? {
        var i = 0
        while i < nameCount {
            if namePointers[i] == name {
                let f = nameFields[i]
                return f < 0 ? nil : Field(ordinal: Int(f))
            }
            i &+= 1
        }
        let f = fieldsByName[String(cString: name)]
        if nameCount < SAXState.names {
            namePointers[nameCount] = name
            nameFields[nameCount] = f.map { Int8($0.ordinal) } ?? -1
            nameCount += 1
        }
        return f
    }

    mutating func limitBroken(_ message: String) {
        guard malformed == nil, !doctype else { return }
        malformed = (ctxt.flatMap { $0.pointee.input }.map { Int($0.pointee.line) } ?? 0, message)
        stopped = true
        if let c = ctxt { xmlStopParser(c) }
    }

    /// The line of the start tag that was just read: libxml2's current line less the line
    /// breaks between the tag's `<` and the parser's position.
    func startTagLine() -> Int {
        guard let ctxt, let input = ctxt.pointee.input else { return 0 }
        var line = Int(input.pointee.line)
        if var p = input.pointee.cur, let base = input.pointee.base {
            while p > base && p.pointee != 0x3C {
                if p.pointee == 0x0A { line -= 1 }
                p -= 1
            }
        }
        return line
    }

    // MARK: values

    @inline(__always)
    mutating func appendValue(_ p: UnsafePointer<UInt8>, _ n: Int) {
        appendBytes(p, n, to: &values, count: &valuesCount, capacity: &valuesCapacity)
    }

    /// The bounds of `values[from..<valuesCount]` without surrounding XML white space.
    @inline(__always)
    func trimmed(from: Int) -> (Int, Int) {
        var s = from, e = valuesCount
        while s < e && isXMLSpace(values[s]) { s += 1 }
        while e > s && isXMLSpace(values[e - 1]) { e -= 1 }
        return (s, e)
    }

    // MARK: the XSD's structure

    /// Something the XSD forbids: libxml2 is asked for its verdict and words.
    mutating func invalid() { structure = .invalid }
    /// Something this check does not decide (xsi:type, CDATA in element content, …): libxml2 decides.
    mutating func uncertain() { if structure == .valid { structure = .uncertain } }

    static let namespace = Array(SubmissionSchema.namespace.utf8)
    static let xsiNamespace = Array("http://www.w3.org/2001/XMLSchema-instance".utf8)
    static let codeName = Array("code".utf8)

    static func equals(_ p: UnsafePointer<xmlChar>?, _ b: [UInt8]) -> Bool {
        guard let p else { return false }
        var i = 0
        while i < b.count {
            if p[i] != b[i] { return false }
            i += 1
        }
        return p[i] == 0
    }

    /// Whether an interned name is `b`, remembering the pointer that was.
    @inline(__always)
    static func isName(_ p: UnsafePointer<xmlChar>?, _ b: [UInt8], cached: inout UnsafePointer<xmlChar>?) -> Bool {
        guard let p else { return false }
        if p == cached { return true }
        if equals(p, b) { cached = p; return true }
        return false
    }

    /// Checks one start tag against the XSD of the kind.
    mutating func checkStart(
        depth: Int, localname: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
        nbAttributes: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        guard SAXState.isName(uri, SAXState.namespace, cached: &namespacePointer), let localname else { return invalid() }
        switch depth {
        case 1:
            guard String(cString: localname) == "submission" else { return invalid() }
            var kindSeen = false, facilitySeen = false, periodSeen = false
            for i in 0..<nbAttributes {
                let b = i * 5
                guard let a = attributes, let vb = a[b + 3], let ve = a[b + 4] else { return invalid() }
                let value = Array(UnsafeBufferPointer(start: vb, count: ve - vb))
                if a[b + 2] != nil { return SAXState.equals(a[b + 2], SAXState.xsiNamespace) ? uncertain() : invalid() }
                switch a[b].map({ String(cString: $0) }) ?? "" {
                case "kind":
                    kindSeen = true
                    if value != Array("detention".utf8) && value != Array("shelter".utf8) { invalid() }
                case "facility": facilitySeen = true
                case "period":
                    periodSeen = true
                    if !SAXState.isPeriod(value) { invalid() }
                case "revision":
                    if !SAXState.isPositiveInteger(value) { invalid() }
                default: invalid()
                }
            }
            if !(kindSeen && facilitySeen && periodSeen) { invalid() }
        case 2:
            guard SAXState.isName(localname, Array(kind.recordElement.utf8), cached: &recordNamePointer) else { return invalid() }
            seenFields = 0
            checkNoAttributes(nbAttributes, attributes)
        case 3:
            guard let f = startedField else { return invalid() }
            let bit = UInt32(1) << UInt32(f.ordinal)
            if seenFields & bit != 0 { return invalid() }
            seenFields |= bit
            checkNoAttributes(nbAttributes, attributes)
        case 4:
            guard fieldIsList, SAXState.isName(localname, SAXState.codeName, cached: &codeNamePointer) else { return invalid() }
            checkNoAttributes(nbAttributes, attributes)
        default:
            invalid()
        }
    }

    mutating func checkNoAttributes(_ n: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        for i in 0..<n {
            if let a = attributes, SAXState.equals(a[i * 5 + 2], SAXState.xsiNamespace) { uncertain() } else { invalid() }
        }
    }

    /// Text where the XSD allows elements only: white space alone is fine.
    @inline(__always)
    mutating func checkText(_ ch: UnsafePointer<xmlChar>, _ len: Int, cdata: Bool) {
        let elementOnly = depth == 1 || depth == 2 || (depth == 3 && fieldIsList)
        guard elementOnly else { return }
        if cdata { return uncertain() }
        for i in 0..<len where !isXMLSpace(ch[i]) { return invalid() }
    }

    /// `[0-9]{4}-(0[1-9]|1[0-2])`
    static func isPeriod(_ v: [UInt8]) -> Bool {
        guard v.count == 7, v[4] == 0x2D, v[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            let m = asciiNumber(v[5..<7])
        else { return false }
        return (1...12).contains(m) && v[5] <= 0x31
    }

    /// xs:positiveInteger after white-space collapse: an optional `+`, digits, not zero.
    static func isPositiveInteger(_ v: [UInt8]) -> Bool {
        var s = v[...]
        while let f = s.first, isXMLSpace(f) { s = s.dropFirst() }
        while let l = s.last, isXMLSpace(l) { s = s.dropLast() }
        if s.first == 0x2B { s = s.dropFirst() }
        guard !s.isEmpty, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return s.contains { $0 != 0x30 }
    }
}

@inline(__always)
func isXMLSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D }

@inline(__always)
private func state(_ ctx: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXState> {
    ctx!.assumingMemoryBound(to: SAXState.self)
}

private func cString(_ p: UnsafePointer<xmlChar>?) -> String? {
    guard let p else { return nil }
    return String(cString: p)
}

/// The bounds of a value without its surrounding XML white space.
@inline(__always)
func trimmedBounds(_ b: [UInt8]) -> (Int, Int) {
    var s = 0, e = b.count
    while s < e && isXMLSpace(b[s]) { s += 1 }
    while e > s && isXMLSpace(b[e - 1]) { e -= 1 }
    return (s, e)
}

private let saxStartElement: startElementNsSAX2Func = { ctx, localname, _, uri, _, _, nbAttributes, _, attributes in
    let st = state(ctx)
    st.pointee.depth += 1
    st.pointee.textRun = 0
    let depth = st.pointee.depth
    if depth == 3 { st.pointee.startedField = localname.flatMap { st.pointee.field(for: $0) } }
    if st.pointee.checkStructure && st.pointee.structure != .invalid {
        st.pointee.checkStart(depth: depth, localname: localname, uri: uri, nbAttributes: Int(nbAttributes), attributes: attributes)
    }
    if depth > SAXState.maxDepth {
        st.pointee.limitBroken("Excessive depth in document: \(SAXState.maxDepth)")
        return
    }
    switch depth {
    case 1:
        st.pointee.feeder?.inProlog = false
        guard let attributes else { return }
        for i in 0..<Int(nbAttributes) {
            let base = i * 5
            guard attributes[base + 2] == nil, let name = cString(attributes[base]),
                let vb = attributes[base + 3], let ve = attributes[base + 4]
            else { continue }
            let value = String(decoding: UnsafeBufferPointer(start: vb, count: ve - vb), as: UTF8.self)
            switch name {
            case "kind": st.pointee.envelope.kind = value
            case "facility": st.pointee.envelope.facility = value
            case "period": st.pointee.envelope.period = value
            case "revision": st.pointee.envelope.revision = value
            default: break
            }
        }
    case 2:
        if !st.pointee.failed {
            st.pointee.inRecord = true
            st.pointee.recordLine = st.pointee.startTagLine()
            st.pointee.valuesCount = 0
            st.pointee.fieldLength.update(repeating: -1, count: Field.count)
        }
        st.pointee.fieldIsList = false
    case 3:
        let f = st.pointee.startedField
        st.pointee.field = f
        st.pointee.fieldIsList = f?.isList ?? false
        st.pointee.textStart = st.pointee.valuesCount
        st.pointee.textTaken = 0
        st.pointee.listHasItems = false
    case 4:
        if st.pointee.inRecord && st.pointee.fieldIsList && st.pointee.field != nil {
            // Items are separated by NUL; the separator goes before every item but the first.
            if st.pointee.listHasItems {
                var nul: UInt8 = 0
                st.pointee.appendValue(&nul, 1)
            }
            st.pointee.itemStart = st.pointee.valuesCount
            st.pointee.textTaken = 0
        }
    default:
        break
    }
}

private let saxEndElement: endElementNsSAX2Func = { ctx, _, _, _ in
    let st = state(ctx)
    st.pointee.textRun = 0
    defer { st.pointee.depth -= 1 }
    switch st.pointee.depth {
    case 2:
        if st.pointee.inRecord && !st.pointee.failed {
            let raw = st.pointee.raw, values = UnsafePointer(st.pointee.values)
            let starts = st.pointee.fieldStart, lengths = st.pointee.fieldLength
            raw.clear()
            for i in 0..<Field.count where lengths[i] >= 0 { raw.set(i, values + starts[i], lengths[i]) }
            st.pointee.onRow(.record(RawRecord(line: st.pointee.recordLine, fields: raw, nulSeparatedLists: true)))
        }
        st.pointee.inRecord = false
    case 3:
        guard let f = st.pointee.field, st.pointee.inRecord else { return }
        let o = f.ordinal
        if f.isList {
            let start = st.pointee.textStart, count = st.pointee.valuesCount
            if count > start {
                st.pointee.fieldStart[o] = start
                st.pointee.fieldLength[o] = count - start
            }
        } else {
            let (s, e) = st.pointee.trimmed(from: st.pointee.textStart)
            if e > s {
                st.pointee.fieldStart[o] = s
                st.pointee.fieldLength[o] = e - s
            } else {
                st.pointee.valuesCount = st.pointee.textStart
            }
        }
        st.pointee.field = nil
        st.pointee.fieldIsList = false
    case 4:
        guard st.pointee.inRecord, st.pointee.fieldIsList, st.pointee.field != nil else { return }
        let start = st.pointee.itemStart
        let (s, e) = st.pointee.trimmed(from: start)
        if e > s {
            if s > start { (st.pointee.values + start).update(from: st.pointee.values + s, count: e - s) }
            st.pointee.valuesCount = start + (e - s)
            st.pointee.listHasItems = true
        } else {
            // An empty item is dropped, with the separator put before it.
            st.pointee.valuesCount = st.pointee.listHasItems ? start - 1 : start
        }
    default:
        break
    }
}

private let saxCharacters: charactersSAXFunc = { ctx, ch, len in
    let st = state(ctx)
    if st.pointee.checkStructure, let ch, st.pointee.structure != .invalid { st.pointee.checkText(ch, Int(len), cdata: false) }
    saxCharactersUnchecked(ctx, ch, len)
}

private let saxCDATA: cdataBlockSAXFunc = { ctx, ch, len in
    let st = state(ctx)
    if st.pointee.checkStructure, let ch, st.pointee.structure != .invalid { st.pointee.checkText(ch, Int(len), cdata: true) }
    saxCharactersUnchecked(ctx, ch, len)
}

/// Characters without the structure check (CDATA has had its own).
private func saxCharactersUnchecked(_ ctx: UnsafeMutableRawPointer?, _ ch: UnsafePointer<xmlChar>?, _ len: Int32) {
    let st = state(ctx)
    guard let ch else { return }
    let n = Int(len)
    st.pointee.textRun += n
    if st.pointee.textRun > SAXState.maxTextNode {
        st.pointee.limitBroken("huge text node: over \(SAXState.maxTextNode) bytes")
        return
    }
    guard st.pointee.inRecord, st.pointee.field != nil else { return }
    let depth = st.pointee.depth, list = st.pointee.fieldIsList
    guard (depth == 3 && !list) || (depth == 4 && list) else { return }
    let room = SAXState.textCap - st.pointee.textTaken
    guard room > 0 else { return }
    let take = min(n, room)
    st.pointee.appendValue(ch, take)
    st.pointee.textTaken += take
}

/// Comments and processing instructions end a text node.
private let saxComment: commentSAXFunc = { ctx, _ in state(ctx).pointee.textRun = 0 }
private let saxProcessingInstruction: processingInstructionSAXFunc = { ctx, _, _ in state(ctx).pointee.textRun = 0 }

private let saxInternalSubset: internalSubsetSAXFunc = { ctx, _, _, _ in
    let st = state(ctx)
    st.pointee.doctype = true
    // libxml2's line here is where it has read to (after the name, possibly lines later): the
    // issue gets the line of `<!DOCTYPE` itself, the last one before the parser's position.
    st.pointee.doctypeLine = st.pointee.ctxt.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) }
    if let c = st.pointee.ctxt, let b = st.pointee.feeder?.prolog, !b.isEmpty {
        let pattern = Array("<!DOCTYPE".utf8)
        var i = min(Int(xmlByteConsumed(c)), b.count) - pattern.count
        while i >= 0 && !pattern.indices.allSatisfy({ b[i + $0] == pattern[$0] }) { i -= 1 }
        if i >= 0 { st.pointee.doctypeLine = 1 + b[..<i].count { $0 == 0x0A } }
    }
    st.pointee.stopped = true
    if let c = st.pointee.ctxt { xmlStopParser(c) }
}

private func errorMessage(_ e: xmlErrorPtr) -> String {
    var m = e.pointee.message.map { String(cString: $0) } ?? "error \(e.pointee.code)"
    while let last = m.last, last == "\n" || last == " " { m.removeLast() }
    if e.pointee.int2 > 0 { m = "column \(e.pointee.int2): " + m }
    return m
}

private let saxStructuredError: xmlStructuredErrorFunc = { ctx, err in
    guard let ctx, let err else { return }
    let st = state(ctx)
    guard err.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
    if err.pointee.domain == Int32(XML_FROM_SCHEMASV.rawValue) {
        saxSchemaError(ctx, err)
        return
    }
    if st.pointee.doctype { return }
    if st.pointee.malformed == nil { st.pointee.malformed = (Int(err.pointee.line), errorMessage(err)) }
}

private let saxSchemaError: xmlStructuredErrorFunc = { ctx, err in
    guard let ctx, let err else { return }
    let st = state(ctx)
    guard err.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, st.pointee.schemaError == nil else { return }
    // In streaming mode the validator knows no node, so its errors carry no line: take the
    // parser's (the end of the tag being validated), which libxml2 counts in full (no 65535 cap).
    var line = Int(err.pointee.line)
    if line == 0, let c = st.pointee.ctxt, let input = c.pointee.input { line = Int(input.pointee.line) }
    st.pointee.schemaError = (line, errorMessage(err))
}

/// One-time libxml2 set-up, before any parallel work, and the compiled schemas.
public enum LibXML {
    nonisolated(unsafe) private static var schemas: [SubmissionKind: xmlSchemaPtr] = [:]
    private static let once: Void = {
        xmlInitParser()
        xmlSchemaInitTypes()
        xmlSetExternalEntityLoader(denyAllLoader)
        for kind in SubmissionKind.allCases {
            // The memory parser context keeps the pointer, not a copy: parse while it lives.
            let text = Array(SubmissionSchema.xsd(for: kind).utf8)
            let schema: xmlSchemaPtr? = text.withUnsafeBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                    let pctxt = xmlSchemaNewMemParserCtxt(p, Int32(buf.count))
                    defer { xmlSchemaFreeParserCtxt(pctxt) }
                    return xmlSchemaParse(pctxt)
                }
            }
            if let schema { schemas[kind] = schema }
        }
        precondition(schemas.count == 2, "the built-in XSDs do not compile")
    }()

    /// Counts every attempt to load an external resource (tests assert it stays 0).
    nonisolated(unsafe) public private(set) static var externalLoadAttempts = 0

    public static func initialize() { _ = once }

    static func schema(for kind: SubmissionKind) -> xmlSchemaPtr? {
        initialize()
        return schemas[kind]
    }

    private static let denyAllLoader: xmlExternalEntityLoader = { _, _, _ in
        LibXML.externalLoadAttempts += 1
        return nil
    }
}
