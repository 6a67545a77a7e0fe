import CaseloadCore
#if canImport(Glibc)
    import Glibc
#endif

/// Reads `facilities.csv` (same CSV dialect and limits as submissions). Any problem is a
/// configuration error: the run stops before writing anything.
public enum RegistryReader {
    public static func load(inputFolder: String, limits: Limits = Limits()) throws(ConfigurationError) -> Registry {
        let path = inputFolder + "/facilities.csv"
        var st = stat()
        guard lstat(path, &st) == 0 else {
            throw ConfigurationError("\(path): the facility registry is missing")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw ConfigurationError("\(path): the facility registry must be a regular file (links are not followed)")
        }
        let bytes: [UInt8]
        switch FileReader.read(path: path, limits: limits) {
        case .bytes(let b): bytes = b
        case .tooLarge: throw ConfigurationError("\(path): the facility registry is over 1 GiB")
        case .unreadable(let why): throw ConfigurationError("\(path): cannot read the facility registry (\(why))")
        }
        return try bytes.withUnsafeBufferPointer { buf throws(ConfigurationError) in
            try parse(buf, name: path, limits: limits)
        }
    }

    public static func parse(_ buf: UnsafeBufferPointer<UInt8>, name: String, limits: Limits = Limits()) throws(ConfigurationError) -> Registry {
        func fail(_ line: Int?, _ m: String) -> ConfigurationError {
            ConfigurationError("\(name)\(line.map { ":\($0)" } ?? ""): \(m)")
        }
        if let bad = UTF8Check.firstBadByte(buf) {
            throw fail(UTF8Check.line(of: bad, in: buf), "not UTF-8 text (or a NUL byte)")
        }
        let s = CSVScanner(buf, limits: limits)
        let columns = ["facility_code", "name", "kind", "province", "city", "opened", "closed"]
        var index: [String: Int] = [:]
        var facilities: [Facility] = []
        var seen: [String: Int] = [:]
        do {
            guard let headerLine = try s.nextRow(maxCells: limits.maxHeaderCells) else {
                throw fail(nil, "the registry has no header line")
            }
            for i in 0..<s.cellCount {
                let n = String(decoding: s.cell(i).map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
                guard columns.contains(n) else { continue }
                if index[n] != nil { throw fail(headerLine, "column '\(n)' is named more than once") }
                index[n] = i
            }
            for c in columns.dropLast() where index[c] == nil {
                throw fail(headerLine, "required column '\(c)' is missing")
            }
            let width = s.cellCount
            while let line = try s.nextRow(keepCells: width + 1) {
                if s.rowIsBlank { continue }
                guard s.cellCount == width else {
                    throw fail(line, "the row has \(s.cellCount) cells but the header has \(width)")
                }
                func cell(_ c: String) -> String? {
                    guard let i = index[c] else { return nil }
                    let v = s.cell(i)
                    return v.isEmpty ? nil : String(decoding: v, as: UTF8.self)
                }
                func need(_ c: String) throws(ConfigurationError) -> String {
                    guard let v = cell(c) else { throw fail(line, "\(c): a value is required") }
                    return v
                }
                let code = try need("facility_code")
                guard Facility.isValidCode(code.utf8) else {
                    throw fail(line, "facility_code: \(WrittenBack.quoted(code)) does not match [A-Z]{2,5}-[A-Z0-9]{2,6}")
                }
                if let first = seen[code] { throw fail(line, "facility_code: '\(code)' is already defined on line \(first)") }
                seen[code] = line
                let name = try need("name")
                let kindText = try need("kind")
                guard let kind = FacilityKind.parse(kindText.utf8) else {
                    throw fail(line, "kind: \(WrittenBack.quoted(kindText)) is not one of IDC, COMMUNITY, SHELTER")
                }
                let provinceText = try need("province")
                let province = String(decoding: provinceText.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self)
                guard indonesianProvinces[province] != nil else {
                    throw fail(line, "province: \(WrittenBack.quoted(provinceText)) is not an ISO 3166-2 code of Indonesia")
                }
                let city = try need("city")
                let openedText = try need("opened")
                guard let opened = Period(openedText) else {
                    throw fail(line, "opened: \(WrittenBack.quoted(openedText)) is not a period YYYY-MM")
                }
                var closed: Period?
                if let c = cell("closed") {
                    guard let p = Period(c) else { throw fail(line, "closed: \(WrittenBack.quoted(c)) is not a period YYYY-MM") }
                    guard p >= opened else { throw fail(line, "closed: \(p) is before opened (\(opened))") }
                    closed = p
                }
                facilities.append(
                    Facility(
                        code: code, name: name, kind: kind, province: province, city: city,
                        opened: opened, closed: closed))
            }
        } catch let e as CSVFailure {
            switch e {
            case .unterminatedQuote(let l): throw fail(l, "a quoted field opened on this line is never closed")
            case .fieldTooLarge(let l): throw fail(l, "a field is longer than \(limits.maxFieldBytes) bytes")
            case .headerTooLarge(let l): throw fail(l, "the header has more than \(limits.maxHeaderCells) cells")
            }
        } catch let e as ConfigurationError {
            throw e
        } catch {
            throw fail(nil, "\(error)")
        }
        return Registry(facilities)
    }
}
