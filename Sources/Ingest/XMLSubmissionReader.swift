internal import CLibXML2
import CaseloadCore

/// Streams one XML submission through libxml2's SAX2 push parser with the kind's XSD plugged in,
/// never building a tree. Safety (design.md, "libxml2, safely"): only `XML_PARSE_NONET` and
/// `XML_PARSE_IGNORE_ENC`, never `NOENT`/`DTDLOAD`/`DTDVALID`/`HUGE`; the parse stops at the first
/// document type declaration (the SAX `internalSubset` callback fires before any declaration of
/// the internal subset is read); a deny-all external entity loader is installed once; the bytes
/// are handed over from memory, so compressed input is never inflated.
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

    /// Reads the bytes of a file named as `kind`. Records go to `onRow` in document order; they
    /// must be discarded when the outcome is `rejected`.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, name: FileName,
                            onRow: (RowEvent) -> Void) -> Outcome {
        let kind = name.kind
        var out = Outcome()
        if bytes.isEmpty {
            out.findings.append(Finding(.EMPTY_FILE, message: "the file has no bytes"))
            out.rejected = true
            return out
        }
        if let bad = UTF8Check.firstBadByte(bytes) {
            out.findings.append(CSVSubmissionReader.encodingFinding(bytes, at: bad))
            out.rejected = true
            return out
        }
        LibXML.initialize()
        withoutActuallyEscaping(onRow) { onRow in
            // Pass 1: the fast SAX parse, with the structure of the XSD checked by hand.
            let state = SAXState(kind: kind, onRow: onRow)
            state.checkStructure = true
            parse(bytes, state: state, schema: nil)
            out.envelope = state.envelope
            if !state.doctype && state.malformed == nil && state.structure != .valid {
                // Pass 2, only for a file whose structure is wrong or unusual: libxml2's own XSD
                // validation has the last word, and gives the line and its words.
                let check = SAXState(kind: kind, onRow: { _ in })
                parse(bytes, state: check, schema: LibXML.schema(for: kind))
                state.schemaError = check.schemaError
                if state.malformed == nil { state.malformed = check.malformed }
            }
            if state.doctype {
                out.findings.append(Finding(.XML_DOCTYPE, line: state.doctypeLine,
                                            message: "the document has a document type declaration; DTDs and entities are never allowed"))
            } else if let e = state.malformed {
                out.findings.append(Finding(.XML_MALFORMED, line: e.line, message: e.message))
            } else if let e = state.schemaError {
                out.findings.append(Finding(.XML_SCHEMA, line: e.line, message: e.message))
            } else if let f = state.envelope.mismatch(with: name) {
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
            let fast = SAXState(kind: kind, onRow: { _ in })
            fast.checkStructure = true
            parse(buf, state: fast, schema: nil)
            let full = SAXState(kind: kind, onRow: { _ in })
            parse(buf, state: full, schema: LibXML.schema(for: kind))
            return (fast.structure, full.schemaError == nil, fast.malformed == nil && full.malformed == nil && !fast.doctype)
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, state: SAXState, schema: xmlSchemaPtr?) {
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

        let me = Unmanaged.passUnretained(state).toOpaque()
        var saxPtr: UnsafeMutablePointer<xmlSAXHandler>? = withUnsafeMutablePointer(to: &sax) { $0 }
        var userData: UnsafeMutableRawPointer? = me
        let vctxt = schema.map { xmlSchemaNewValidCtxt($0) } ?? nil
        defer { if let vctxt { xmlSchemaFreeValidCtxt(vctxt) } }
        if let vctxt { xmlSchemaSetValidStructuredErrors(vctxt, saxSchemaError, me) }
        withUnsafeMutablePointer(to: &sax) { saxP in
            saxPtr = saxP
            let plug = vctxt.map { xmlSchemaSAXPlug($0, &saxPtr, &userData) } ?? nil
            defer { if plug != nil { xmlSchemaSAXUnplug(plug) } }
            guard let ctxt = xmlCreatePushParserCtxt(saxPtr, userData, nil, 0, nil) else { return }
            defer { xmlFreeParserCtxt(ctxt) }
            state.ctxt = ctxt
            state.bytes = bytes
            // Parser errors that libxml2 sends to the thread's generic handler land here too.
            xmlSetStructuredErrorFunc(me, saxStructuredError)
            defer { xmlSetStructuredErrorFunc(nil, nil) }
            let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_IGNORE_ENC.rawValue)
            xmlCtxtUseOptions(ctxt, options)
            _ = xmlSwitchEncoding(ctxt, XML_CHAR_ENCODING_UTF8)
            let chunk = 1 << 18
            var offset = 0
            let base = bytes.baseAddress!
            while offset < bytes.count && !state.stopped {
                let n = min(chunk, bytes.count - offset)
                let last: Int32 = offset + n >= bytes.count ? 1 : 0
                state.fed = offset + n
                let rc = base.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: n) {
                    xmlParseChunk(ctxt, $0, Int32(n), last)
                }
                offset += n
                if rc != 0 && state.malformed == nil && !state.doctype {
                    state.malformed = (Int(xmlSAX2GetLineNumber(ctxt)), "the parser stopped (error \(rc))")
                }
                if rc != 0 || ctxt.pointee.disableSAX != 0 { break }
            }
            if ctxt.pointee.wellFormed == 0 && state.malformed == nil && !state.doctype {
                state.malformed = (Int(xmlSAX2GetLineNumber(ctxt)), "the document is not well-formed")
            }
        }
    }
}

extension XMLSubmissionReader.Envelope {
    /// `ENVELOPE_MISMATCH` when an attribute of the root element disagrees with the file name
    /// (the schema has already checked their forms). The revision compares as a number.
    func mismatch(with name: FileName) -> Finding? {
        func issue(_ attr: String, _ found: String?, _ expected: String) -> Finding {
            Finding(.ENVELOPE_MISMATCH, line: nil,
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

/// Parse state shared with the C callbacks through `Unmanaged`.
final class SAXState {
    let kind: SubmissionKind
    let onRow: (RowEvent) -> Void
    var ctxt: xmlParserCtxtPtr?
    var depth = 0
    var envelope = XMLSubmissionReader.Envelope()
    var doctype = false
    var doctypeLine: Int?
    /// The document's bytes and how many of them the parser has been given, to find where the
    /// document type declaration starts.
    var bytes = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
    var fed = 0
    var stopped = false
    var malformed: (line: Int, message: String)?
    var schemaError: (line: Int, message: String)?
    /// The record being read: its values, one after the other, and their ranges.
    var inRecord = false
    var recordLine = 0
    var recordBytes: [UInt8] = []
    var ranges: [Range<Int>?] = Array(repeating: nil, count: Field.allCases.count)
    var field: Field?
    var text: [UInt8] = []
    var itemsStart = 0
    var fieldsByName: [String: Field] = [:]
    /// libxml2 interns names per parse: a pointer seen once maps to its field without a String
    /// or a hash (a handful of names, searched in a small array).
    var fieldByPointer: [(UnsafePointer<xmlChar>, Field?)] = []

    @inline(__always)
    func field(for name: UnsafePointer<xmlChar>) -> Field? {
        for (p, f) in fieldByPointer where p == name { return f }
        let f = fieldsByName[String(cString: name)]
        fieldByPointer.append((name, f))
        return f
    }

    static let codeName = Array("code".utf8)
    lazy var recordName = Array(kind.recordElement.utf8)
    static let textCap = 1 << 16
    /// libxml2's own limits, which its push parser leaves to the tree builder: enforced here.
    static let maxDepth = 256
    static let maxTextNode = 10_000_000
    /// Bytes of the current text node (characters and CDATA since the last other event).
    var textRun = 0

    func limitBroken(_ message: String) {
        guard malformed == nil, !doctype else { return }
        malformed = (ctxt.flatMap { $0.pointee.input }.map { Int($0.pointee.line) } ?? 0, message)
        stopped = true
        if let c = ctxt { xmlStopParser(c) }
    }

    init(kind: SubmissionKind, onRow: @escaping (RowEvent) -> Void) {
        self.kind = kind
        self.onRow = onRow
        for f in kind.fields { fieldsByName[f.xmlName] = f }
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

    var failed: Bool { doctype || malformed != nil || schemaError != nil }

    // MARK: the XSD's structure, checked by hand in the fast pass

    enum Structure { case valid, uncertain, invalid }
    var checkStructure = false
    var structure = Structure.valid
    var seenFields: UInt32 = 0
    var fieldIsList = false

    /// Something the XSD forbids: libxml2 is asked for its verdict and words.
    func invalid() { structure = .invalid }
    /// Something this check does not decide (xsi:type, CDATA in element content, …): libxml2 decides.
    func uncertain() { if structure == .valid { structure = .uncertain } }

    static let namespace = Array(SubmissionSchema.namespace.utf8)
    static let xsiNamespace = Array("http://www.w3.org/2001/XMLSchema-instance".utf8)

    static func equals(_ p: UnsafePointer<xmlChar>?, _ b: [UInt8]) -> Bool {
        guard let p else { return false }
        var i = 0
        while i < b.count {
            if p[i] != b[i] { return false }
            i += 1
        }
        return p[i] == 0
    }

    /// Checks one start tag against the XSD of the kind.
    func checkStart(depth: Int, localname: UnsafePointer<xmlChar>?, uri: UnsafePointer<xmlChar>?,
                    nbAttributes: Int, attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard SAXState.equals(uri, SAXState.namespace), let localname else { return invalid() }
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
            guard SAXState.equals(localname, recordName) else { return invalid() }
            seenFields = 0
            checkNoAttributes(nbAttributes, attributes)
        case 3:
            guard let f = field(for: localname) else { return invalid() }
            let bit = UInt32(1) << UInt32(f.ordinal)
            if seenFields & bit != 0 { return invalid() }
            seenFields |= bit
            fieldIsList = f.isList
            checkNoAttributes(nbAttributes, attributes)
        case 4:
            guard fieldIsList, SAXState.equals(localname, SAXState.codeName) else { return invalid() }
            checkNoAttributes(nbAttributes, attributes)
        default:
            invalid()
        }
    }

    func checkNoAttributes(_ n: Int, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        for i in 0..<n {
            if let a = attributes, SAXState.equals(a[i * 5 + 2], SAXState.xsiNamespace) { uncertain() } else { invalid() }
        }
    }

    /// Text where the XSD allows elements only: white space alone is fine.
    func checkText(_ ch: UnsafePointer<xmlChar>, _ len: Int, cdata: Bool) {
        let elementOnly = depth == 1 || depth == 2 || (depth == 3 && fieldIsList)
        guard elementOnly else { return }
        if cdata { return uncertain() }
        for i in 0..<len {
            let c = ch[i]
            if c != 0x20 && c != 0x09 && c != 0x0A && c != 0x0D { return invalid() }
        }
    }

    /// `[0-9]{4}-(0[1-9]|1[0-2])`
    static func isPeriod(_ v: [UInt8]) -> Bool {
        guard v.count == 7, v[4] == 0x2D, v[0..<4].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let m = asciiNumber(v[5..<7]) else { return false }
        return (1...12).contains(m) && v[5] <= 0x31
    }

    /// xs:positiveInteger after white-space collapse: an optional `+`, digits, not zero.
    static func isPositiveInteger(_ v: [UInt8]) -> Bool {
        var s = v[...]
        while let f = s.first, f == 0x20 || f == 0x09 || f == 0x0A || f == 0x0D { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 || l == 0x0A || l == 0x0D { s = s.dropLast() }
        if s.first == 0x2B { s = s.dropFirst() }
        guard !s.isEmpty, s.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return s.contains { $0 != 0x30 }
    }
}

@inline(__always)
private func state(_ ctx: UnsafeMutableRawPointer?) -> SAXState {
    Unmanaged<SAXState>.fromOpaque(ctx!).takeUnretainedValue()
}

private func cString(_ p: UnsafePointer<xmlChar>?) -> String? {
    guard let p else { return nil }
    return String(cString: p)
}

/// The bounds of a value without its surrounding XML white space.
@inline(__always)
func trimmedBounds(_ b: [UInt8]) -> (Int, Int) {
    var s = 0, e = b.count
    while s < e && (b[s] == 0x20 || b[s] == 0x09 || b[s] == 0x0D || b[s] == 0x0A) { s += 1 }
    while e > s && (b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0D || b[e - 1] == 0x0A) { e -= 1 }
    return (s, e)
}


private let saxStartElement: startElementNsSAX2Func = { ctx, localname, _, uri, _, _, nbAttributes, _, attributes in
    let st = state(ctx)
    st.depth += 1
    st.textRun = 0
    if st.checkStructure && st.structure != .invalid {
        st.checkStart(depth: st.depth, localname: localname, uri: uri, nbAttributes: Int(nbAttributes), attributes: attributes)
    }
    if st.depth > SAXState.maxDepth {
        st.limitBroken("Excessive depth in document: \(SAXState.maxDepth)")
        return
    }
    switch st.depth {
    case 1:
        guard let attributes else { return }
        for i in 0..<Int(nbAttributes) {
            let base = i * 5
            guard attributes[base + 2] == nil, let name = cString(attributes[base]),
                  let vb = attributes[base + 3], let ve = attributes[base + 4] else { continue }
            let value = String(decoding: UnsafeBufferPointer(start: vb, count: ve - vb), as: UTF8.self)
            switch name {
            case "kind": st.envelope.kind = value
            case "facility": st.envelope.facility = value
            case "period": st.envelope.period = value
            case "revision": st.envelope.revision = value
            default: break
            }
        }
    case 2:
        if !st.failed {
            st.inRecord = true
            st.recordLine = st.startTagLine()
            st.recordBytes.removeAll(keepingCapacity: true)
            for i in st.ranges.indices { st.ranges[i] = nil }
        }
    case 3:
        st.field = localname.map { st.field(for: $0) } ?? nil
        st.text.removeAll(keepingCapacity: true)
        st.itemsStart = st.recordBytes.count
    case 4:
        st.text.removeAll(keepingCapacity: true)
    default:
        break
    }
}

private let saxEndElement: endElementNsSAX2Func = { ctx, _, _, _ in
    let st = state(ctx)
    st.textRun = 0
    defer { st.depth -= 1 }
    switch st.depth {
    case 2:
        if st.inRecord && !st.failed {
            st.recordBytes.withUnsafeBufferPointer { buf in
                var r = RawRecord(line: st.recordLine, bytes: buf, nulSeparatedLists: true)
                r.ranges = st.ranges
                st.onRow(.record(r))
            }
        }
        st.inRecord = false
    case 3:
        guard let f = st.field, st.inRecord else { return }
        if f.isList {
            // Items were appended at each </code>, separated by NUL.
            if st.recordBytes.count > st.itemsStart { st.ranges[f.ordinal] = st.itemsStart..<st.recordBytes.count }
        } else {
            let (s, e) = trimmedBounds(st.text)
            if e > s {
                let start = st.recordBytes.count
                st.recordBytes.append(contentsOf: st.text[s..<e])
                st.ranges[f.ordinal] = start..<st.recordBytes.count
            }
        }
        st.field = nil
    case 4:
        guard st.inRecord, st.field?.isList == true else { return }
        let (s, e) = trimmedBounds(st.text)
        if e > s {
            if st.recordBytes.count > st.itemsStart { st.recordBytes.append(0) }
            st.recordBytes.append(contentsOf: st.text[s..<e])
        }
        st.text.removeAll(keepingCapacity: true)
    default:
        break
    }
}

private let saxCharacters: charactersSAXFunc = { ctx, ch, len in
    let st = state(ctx)
    if st.checkStructure, let ch, st.structure != .invalid { st.checkText(ch, Int(len), cdata: false) }
    st.textRun += Int(len)
    if st.textRun > SAXState.maxTextNode {
        st.limitBroken("huge text node: over \(SAXState.maxTextNode) bytes")
        return
    }
    guard st.depth >= 3, st.inRecord, let ch, st.text.count < SAXState.textCap else { return }
    st.text.append(contentsOf: UnsafeBufferPointer(start: ch, count: min(Int(len), SAXState.textCap - st.text.count)))
}

private let saxCDATA: cdataBlockSAXFunc = { ctx, ch, len in
    let st = state(ctx)
    if st.checkStructure, let ch, st.structure != .invalid { st.checkText(ch, Int(len), cdata: true) }
    saxCharacters(ctx, ch, len)
}

/// Comments and processing instructions end a text node.
private let saxComment: commentSAXFunc = { ctx, _ in state(ctx).textRun = 0 }
private let saxProcessingInstruction: processingInstructionSAXFunc = { ctx, _, _ in state(ctx).textRun = 0 }

private let saxInternalSubset: internalSubsetSAXFunc = { ctx, _, _, _ in
    let st = state(ctx)
    st.doctype = true
    // libxml2's line here is where it has read to (after the name, possibly lines later): the
    // issue gets the line of `<!DOCTYPE` itself, the last one before the parser's position.
    st.doctypeLine = st.ctxt.map { Int(xmlSAX2GetLineNumber(UnsafeMutableRawPointer($0))) }
    if let c = st.ctxt, st.bytes.count > 0 {
        let b = st.bytes, pattern = Array("<!DOCTYPE".utf8)
        var i = min(Int(xmlByteConsumed(c)), st.fed) - pattern.count
        while i >= 0 && !pattern.indices.allSatisfy({ b[i + $0] == pattern[$0] }) { i -= 1 }
        if i >= 0 { st.doctypeLine = 1 + b[..<i].count { $0 == 0x0A } }
    }
    st.stopped = true
    if let c = st.ctxt { xmlStopParser(c) }
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
    if st.doctype { return }
    if st.malformed == nil { st.malformed = (Int(err.pointee.line), errorMessage(err)) }
}

private let saxSchemaError: xmlStructuredErrorFunc = { ctx, err in
    guard let ctx, let err else { return }
    let st = state(ctx)
    guard err.pointee.level.rawValue >= XML_ERR_ERROR.rawValue, st.schemaError == nil else { return }
    // In streaming mode the validator knows no node, so its errors carry no line: take the
    // parser's (the end of the tag being validated), which libxml2 counts in full (no 65535 cap).
    var line = Int(err.pointee.line)
    if line == 0, let c = st.ctxt, let input = c.pointee.input { line = Int(input.pointee.line) }
    st.schemaError = (line, errorMessage(err))
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
