import CaseloadCore
import Foundation
import Testing
@testable import Ingest

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
    static let cases = ["comma_in_quotes", "empty", "empty_crlf", "escaped_quotes", "json", "newlines", "newlines_crlf",
                        "quotes_and_newlines", "simple", "simple_crlf", "utf8"]

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
        #expect(events == [
            .blank(line: 3),
            .fieldCount(line: 4, found: 2, expected: 6),
            .record(line: 5, values: [.case_id: "IDN-2011-000002", .sex: "F", .birth_date: "1990", .nationality: "XXA",
                                      .arrival_date: "2012-01-01", .status: "PENDING_RSD"]),
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
