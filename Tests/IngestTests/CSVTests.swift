import CaseloadCore
import Foundation
import Testing
@testable import Ingest
#if canImport(Glibc)
    import Glibc
#endif

/// Reads every row of some CSV bytes with the scanner.
func scan(_ text: [UInt8], limits: Limits = Limits()) throws(CSVFailure) -> (delimiter: UInt8, rows: [(line: Int, cells: [String])]) {
    try text.withUnsafeBufferPointer { buf throws(CSVFailure) in
        let s = CSVScanner(buf, limits: limits)
        var rows: [(Int, [String])] = []
        while let line = try s.nextRow() {
            rows.append((line, (0..<s.cellCount).map { String(decoding: s.cell($0), as: UTF8.self) }))
        }
        return (s.delimiter, rows)
    }
}

func scan(_ text: String) throws(CSVFailure) -> [(line: Int, cells: [String])] { try scan(Array(text.utf8)).rows }

struct CSVSpectrumTests {
    static let cases = [
        "comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines", "newlines_crlf",
        "quotes_and_newlines", "simple", "simple_crlf", "utf8",
    ]

    static func fixture(_ path: String) throws -> Data {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/csv-spectrum/" + path, withExtension: nil))
        return try Data(contentsOf: url)
    }

    @Test(arguments: cases)
    func spectrumCase(_ name: String) throws {
        let csv = try Self.fixture("csvs/\(name).csv")
        let expected = try JSONSerialization.jsonObject(with: try Self.fixture("json/\(name).json")) as! [[String: String]]
        let rows = try scan(Array(csv)).rows
        let header = rows[0].cells
        let records = rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.cells)) }
        #expect(records == expected)
    }

    @Test func crlfFixturesReallyAreCRLF() throws {
        let bytes = Array(try Self.fixture("csvs/simple_crlf.csv"))
        #expect(bytes.contains(0x0D))
    }
}

struct CSVDialectTests {
    @Test func byteOrderMarkIsSkipped() throws {
        let rows = try scan([0xEF, 0xBB, 0xBF] + Array("case_id,sex\nA,B\n".utf8)).rows
        #expect(rows.map(\.cells) == [["case_id", "sex"], ["A", "B"]])
    }

    @Test func semicolonWhenTheHeaderHasNoComma() throws {
        let r = try scan(Array("case_id;sex;services\nA;F;FOOD,NFI\n".utf8))
        #expect(r.delimiter == UInt8(ascii: ";"))
        #expect(r.rows[1].cells == ["A", "F", "FOOD,NFI"])
        let c = try scan(Array("case_id,sex;x\nA,F;1\n".utf8))
        #expect(c.delimiter == UInt8(ascii: ","))
    }

    @Test func crOnlyLineEnds() throws {
        let rows = try scan("a,b\r1,2\r\r3,4")
        #expect(rows.map(\.line) == [1, 2, 4])
        #expect(rows.map(\.cells) == [["a", "b"], ["1", "2"], ["3", "4"]])
    }

    @Test func aQuotedFieldAcrossLinesStartsWhereItStarts() throws {
        let rows = try scan("a,b\n1,\"first\nsecond\r\nthird\"\n2,x\n")
        #expect(rows.map(\.line) == [1, 2, 5])
        #expect(rows[1].cells == ["1", "first\nsecond\r\nthird"])
    }

    @Test func lenientQuoting() throws {
        let rows = try scan("a,b,c\n  \"x, y\" , ab\"c ,\"q\"tail\n")
        #expect(rows[1].cells == ["x, y", "ab\"c", "qtail"])
    }

    @Test func emptyLinesAreSkippedAndCellsTrimmed() throws {
        let rows = try scan("\n\na , b\t\n\n 1 ,\t2 \n   \n")
        #expect(rows.map(\.line) == [3, 5, 6])
        #expect(rows.map(\.cells) == [["a", "b"], ["1", "2"], [""]])
    }

    @Test func unterminatedQuoteIsSyntax() {
        #expect(throws: CSVFailure.unterminatedQuote(line: 3)) { try scan("a,b\n1,2\n3,\"open\nmore\n") }
    }

    @Test func aFieldOverOneMebibyteIsTooLarge() {
        let big = "a,b\n1,2\n3," + String(repeating: "x", count: (1 << 20) + 1) + "\n"
        #expect(throws: CSVFailure.fieldTooLarge(line: 3)) { try scan(big) }
        let quoted = "a,b\n1,\"" + String(repeating: "y\n", count: 600_000)
        #expect(throws: CSVFailure.fieldTooLarge(line: 2)) { try scan(quoted) }
        // Exactly 1 MiB is allowed.
        let edge = "a\n" + String(repeating: "z", count: 1 << 20) + "\n"
        #expect((try? scan(edge))?.count == 2)
    }

    @Test func headerOfMoreThanAThousandCells() {
        let header = (0...1000).map { "c\($0)" }.joined(separator: ",")
        let (o, _) = CSVSubmissionReaderTests.read("\n" + header + "\nx\n")
        #expect(o.findings == [Finding(.TOO_LARGE, line: 2, message: "the header has more than 1000 cells")])
        let ok = "case_id,sex,birth_date,nationality,arrival_date,status," + (6..<1000).map { "c\($0)" }.joined(separator: ",")
        let (fine, _) = CSVSubmissionReaderTests.read(ok + "\n")
        #expect(fine.findings.count == 994 && fine.findings.allSatisfy { $0.code == .UNKNOWN_COLUMN })
    }

    @Test func utf8CheckFindsTheFirstBadByteAndItsLine() {
        let bytes: [UInt8] = Array("a,b\r\n1,2\r3,".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        bytes.withUnsafeBufferPointer { b in
            let bad = UTF8Check.firstBadByte(b)
            #expect(bad == 11)
            #expect(UTF8Check.line(of: bad!, in: b) == 3)
        }
        let nul: [UInt8] = Array("a\nb\nc".utf8) + [0] + Array("d".utf8)
        nul.withUnsafeBufferPointer { b in
            #expect(UTF8Check.firstBadByte(b) == 5)
            #expect(UTF8Check.line(of: 5, in: b) == 3)
        }
        for bad in [[0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0xFF]] as [[UInt8]] {
            bad.withUnsafeBufferPointer { #expect(UTF8Check.firstBadByte($0) == 0) }
        }
        let good = Array("ʤ 𝄞 € long ascii run of text, enough for the fast path".utf8)
        good.withUnsafeBufferPointer { #expect(UTF8Check.firstBadByte($0) == nil) }
    }
}

struct CSVSubmissionReaderTests {
    /// A row event with its values copied out of the reader's buffer.
    enum Seen: Equatable {
        case record(line: Int, values: [Field: String])
        case fieldCount(line: Int, found: Int, expected: Int)
        case blank(line: Int)
    }

    static func read(_ text: String, kind: SubmissionKind = .detention) -> (CSVSubmissionReader.Outcome, [Seen]) {
        read(Array(text.utf8), kind: kind)
    }

    static func read(_ bytes: [UInt8], kind: SubmissionKind = .detention) -> (CSVSubmissionReader.Outcome, [Seen]) {
        var events: [Seen] = []
        let o = bytes.withUnsafeBufferPointer {
            CSVSubmissionReader.read($0, kind: kind) { e in
                switch e {
                case .record(let r):
                    var values: [Field: String] = [:]
                    for f in Field.allCases { if let v = r[f] { values[f] = String(decoding: v, as: UTF8.self) } }
                    events.append(.record(line: r.line, values: values))
                case let .fieldCount(l, found, expected): events.append(.fieldCount(line: l, found: found, expected: expected))
                case .blank(let l): events.append(.blank(line: l))
                }
            }
        }
        return (o, events)
    }

    static let header = "case_id,sex,birth_date,nationality,arrival_date,status"

    @Test func headerProblemsEachGetAnIssue() {
        let (o, _) = Self.read(" Case_ID ,SEX,nationality,Sex,remarks,,remarks,status\n")
        #expect(o.rejected)
        #expect(o.findings.map(\.code) == [.UNKNOWN_COLUMN, .UNKNOWN_COLUMN, .UNKNOWN_COLUMN, .DUPLICATE_COLUMN, .MISSING_COLUMN, .MISSING_COLUMN])
        #expect(o.findings.map(\.field) == ["remarks", "", "remarks", "sex", "birth_date", "arrival_date"])
        #expect(o.findings.allSatisfy { $0.line == 1 })
        #expect(o.findings[3].message == "column 'sex' is named more than once")
        #expect(o.findings[4].message == "required column 'birth_date' is missing")
    }

    @Test func optionalColumnsMayBeAbsent() {
        let (o, events) = Self.read(Self.header + "\nIDN-2011-000001,M,1990,AFG,2012-01-01,PENDING_RSD\n")
        #expect(o.findings.isEmpty && !o.rejected)
        #expect(events.count == 1)
    }

    @Test func rowsBecomeEvents() {
        let (_, events) = Self.read(Self.header + "\n\n  ,\t, \nIDN-2011-000001,M\n\"IDN-2011-000002\",F,1990,XXA,\"2012-01-01\",PENDING_RSD\n")
        #expect(
            events == [
                .blank(line: 3),
                .fieldCount(line: 4, found: 2, expected: 6),
                .record(
                    line: 5,
                    values: [
                        .case_id: "IDN-2011-000002", .sex: "F", .birth_date: "1990", .nationality: "XXA",
                        .arrival_date: "2012-01-01", .status: "PENDING_RSD",
                    ]),
            ])
    }

    @Test func fileLevelOrder() {
        // Empty, then encoding (over the whole file, before parsing), then syntax.
        #expect(Self.read("").0.findings.map(\.code) == [.EMPTY_FILE])
        #expect(Self.read([0xEF, 0xBB, 0xBF, 0x0D, 0x0A]).0.findings.map(\.code) == [.EMPTY_FILE])
        let enc = Self.read(Array((Self.header + "\n\"open\n").utf8) + [0xFF]).0.findings
        #expect(enc.map(\.code) == [.ENCODING] && enc[0].line == 3)
        // A syntax error further down wins over header problems.
        let syn = Self.read("bogus\n1\n\"open\n").0.findings
        #expect(syn.map(\.code) == [.CSV_SYNTAX] && syn[0].line == 3)
        let nul = Self.read(Array((Self.header + "\nx").utf8) + [0]).0.findings
        #expect(nul == [Finding(.ENCODING, line: 2, message: "a NUL byte: the file must be UTF-8 text")])
    }
}

/// A small deterministic generator for the property tests of this file.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

/// The scanner reads a file through a window that is refilled and grown; it must say exactly
/// what it says over the same bytes in memory, wherever the window's ends fall.
struct CSVStreamingTests {
    static let tokens: [String] = [
        "a", "bc", "1", " ", "\t", ",", ",", ";", "|", "\"", "\"\"", "\n", "\n", "\r", "\r\n",
        "é", "€", "𝄞", "xyzzy", "  \"q\" ", "\"a,b\"", "\"line\nbreak\"", String(repeating: "w", count: 70),
    ]

    enum Outcome: Equatable {
        case rows(delimiter: UInt8, header: Bool, [[String]])
        case failure(CSVFailure)
    }

    static func scan(_ s: CSVScanner, limits: Limits) -> Outcome {
        var rows: [[String]] = []
        do {
            var first = true
            while let line = try (first ? s.nextRow(maxCells: limits.maxHeaderCells) : s.nextRow(keepCells: 3)) {
                first = false
                rows.append(["\(line)", "\(s.cellCount)", "\(s.rowIsBlank)"] + (0..<min(s.cellCount, 3)).map { String(decoding: s.cell($0), as: UTF8.self) })
            }
        } catch {
            return .failure(error)
        }
        return .rows(delimiter: s.delimiter, header: s.hasHeaderLine, rows)
    }

    @Test func aWindowOfAnySizeSaysWhatMemorySays() {
        var rng = TestRandom(seed: 2012)
        var limits = Limits()
        limits.maxFieldBytes = 90
        limits.maxHeaderCells = 12
        var checked = 0
        for round in 0..<1500 {
            var text = round % 7 == 0 ? "\u{FEFF}" : ""
            for _ in 0..<rng.below(120) { text += Self.tokens[rng.below(Self.tokens.count)] }
            let bytes = Array(text.utf8)
            let expected = bytes.withUnsafeBufferPointer { Self.scan(CSVScanner($0, limits: limits), limits: limits) }
            for chunk in [4, 5, 64, 100, 257] {
                let got = bytes.withUnsafeBufferPointer { buf in
                    Self.scan(CSVScanner(source: ByteSource(buf), limits: limits, chunk: chunk), limits: limits)
                }
                #expect(got == expected, "round \(round), window \(chunk): \(text.debugDescription)")
                checked += 1
            }
        }
        #expect(checked == 7500)
    }

    /// What the dialect says of bytes without a quote, worked out the plain way: lines split at
    /// `\r\n`, `\r` or `\n`, empty ones skipped, cells split at the delimiter (`;` when the first
    /// line has one and no `,`) and trimmed of spaces and tabs; a cell over the field limit before
    /// trimming, or a header of more cells than allowed, ends the reading at the first such cell.
    static func plainSplit(_ bytes: [UInt8], limits: Limits) -> Outcome {
        var b = bytes[...]
        if b.starts(with: [0xEF, 0xBB, 0xBF]) { b = b.dropFirst(3) }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if c == 0x0A || c == 0x0D {
                lines.append(current)
                current = []
                if c == 0x0D && i + 1 < b.endIndex && b[i + 1] == 0x0A { i += 1 }
            } else {
                current.append(c)
            }
            i += 1
        }
        lines.append(current)
        let first = lines.first { !$0.isEmpty }
        let delimiter: UInt8 = first.map { $0.contains(0x3B) && !$0.contains(0x2C) } == true ? 0x3B : 0x2C
        var rows: [[String]] = []
        var header = true
        for (n, line) in lines.enumerated() where !line.isEmpty {
            let raw = line.split(separator: delimiter, omittingEmptySubsequences: false)
            for (k, cell) in raw.enumerated() {
                if header && k >= limits.maxHeaderCells { return .failure(.headerTooLarge(line: n + 1)) }
                if cell.count > limits.maxFieldBytes { return .failure(.fieldTooLarge(line: n + 1)) }
            }
            let cells = raw.map { cell -> String in
                var t = cell[...]
                while let f = t.first, f == 0x20 || f == 0x09 { t = t.dropFirst() }
                while let l = t.last, l == 0x20 || l == 0x09 { t = t.dropLast() }
                return String(decoding: t, as: UTF8.self)
            }
            let blank = cells.allSatisfy(\.isEmpty)
            rows.append(["\(n + 1)", "\(cells.count)", "\(blank)"] + cells.prefix(header ? cells.count : 3))
            header = false
        }
        return .rows(delimiter: delimiter, header: first != nil, rows)
    }

    /// Rows without quotes take the scanner's vector pass (sixteen bytes at a time, in C): what it
    /// makes of them, in memory and through windows, is what the plain split says, wherever the
    /// delimiters, line ends, spaces and limits fall against the blocks of sixteen.
    @Test func rowsWithoutQuotesAreWhatAPlainSplitSays() {
        let tokens: [String] = [
            "a", "bc", "1", " ", "\t", ",", ",", ",", ";", "|", "\n", "\n", "\r", "\r\n", "é", "€",
            "fifteen bytes..", "sixteen bytes...", "seventeen bytes..", String(repeating: "w", count: 70),
            String(repeating: ",", count: 20), String(repeating: "x,", count: 40), String(repeating: " y,", count: 30),
        ]
        var rng = TestRandom(seed: 16)
        var checked = 0, failures = 0, wide = 0
        for round in 0..<1500 {
            var limits = Limits()
            limits.maxFieldBytes = round % 3 == 0 ? 20 + rng.below(60) : 10_000
            limits.maxHeaderCells = round % 4 == 0 ? 12 : 300
            var text = round % 5 == 0 ? "\u{FEFF}" : ""
            for _ in 0..<rng.below(150) { text += tokens[rng.below(tokens.count)] }
            let bytes = Array(text.utf8)
            let expected = Self.plainSplit(bytes, limits: limits)
            if case .failure = expected { failures += 1 }
            if case .rows(_, _, let rows) = expected, let h = rows.first, Int(h[1])! > 64 { wide += 1 }
            // The header's cells are all compared; a data row's first three.
            func read(_ s: CSVScanner) -> Outcome {
                var rows: [[String]] = []
                do {
                    var first = true
                    while let line = try (first ? s.nextRow(maxCells: limits.maxHeaderCells) : s.nextRow(keepCells: 3)) {
                        rows.append(
                            ["\(line)", "\(s.cellCount)", "\(s.rowIsBlank)"]
                                + (0..<min(s.cellCount, first ? s.cellCount : 3)).map { String(decoding: s.cell($0), as: UTF8.self) })
                        first = false
                    }
                } catch {
                    return .failure(error)
                }
                return .rows(delimiter: s.delimiter, header: s.hasHeaderLine, rows)
            }
            let inMemory = bytes.withUnsafeBufferPointer { read(CSVScanner($0, limits: limits)) }
            #expect(inMemory == expected, "round \(round), in memory: \(text.debugDescription)")
            for chunk in [7, 16, 33, 256] {
                let got = bytes.withUnsafeBufferPointer { read(CSVScanner(source: ByteSource($0), limits: limits, chunk: chunk)) }
                #expect(got == expected, "round \(round), window \(chunk): \(text.debugDescription)")
            }
            checked += 1
        }
        #expect(checked == 1500)
        // The limits and the headers wider than the first allocation of cells were reached.
        #expect(failures > 150 && wide > 50, "\(failures) failures, \(wide) wide headers")
    }
}

/// UTF-8 and NUL bytes checked chunk by chunk, as a file is read, give the verdict, offset, byte
/// and line of the check of the whole file at once, and the digest of the whole file.
struct ByteSourceTests {
    static func sample(_ rng: inout TestRandom) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("ab".utf8), Array("\n".utf8), Array("\r".utf8), Array("\r\n".utf8), Array("é".utf8),
            Array("€".utf8), Array("𝄞".utf8), [0x00], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82],
            [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F], Array("plain ascii text, long enough for words ".utf8),
        ]
        var out: [UInt8] = []
        let bad = rng.below(3) == 0
        for _ in 0..<rng.below(60) {
            let k = rng.below(pieces.count)
            if !bad && (5..<14).contains(k) && k != 5 && k != 6 { continue }
            out += pieces[k]
        }
        return out
    }

    @Test func chunkedVerdictsAreTheWholeFilesVerdict() throws {
        var rng = TestRandom(seed: 7)
        let path = NSTemporaryDirectory() + "caseload-bytesource-\(getpid())"
        defer { unlink(path) }
        for round in 0..<800 {
            let bytes = Self.sample(&rng)
            let whole = bytes.withUnsafeBufferPointer { UTF8Check.firstBadByte($0) }
            let wholeLine = whole.map { w in bytes.withUnsafeBufferPointer { UTF8Check.line(of: w, in: $0) } }
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let fd = open(path, O_RDONLY)
            defer { close(fd) }
            for fromFile in [false, true] {
                let got: (Int?, UInt8?, Int?, String?) = bytes.withUnsafeBufferPointer { buf in
                    let source = fromFile ? ByteSource(fd: fd, size: bytes.count) : ByteSource(buf, digest: true)
                    let into = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
                    defer { into.deallocate() }
                    // Reads of odd sizes, then stop early half of the time: `finish` checks the rest.
                    var reads = 0
                    while source.read(into: into, max: 1 + rng.below(17)) > 0 {
                        reads += 1
                        if round % 2 == 0 && reads > 3 { break }
                    }
                    source.finish()
                    return (source.bad?.offset, source.bad?.byte, source.bad.map { source.line(of: $0.offset) }, source.sha256)
                }
                #expect(got.0 == whole, "round \(round)")
                #expect(got.1 == whole.map { bytes[$0] })
                #expect(got.2 == wholeLine)
                #expect(got.3 == Digest.sha256(bytes))
            }
        }
    }
}
