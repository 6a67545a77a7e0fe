/// One row of `facilities.csv`.
public struct Facility: Sendable, Hashable {
    public var code: String
    public var name: String
    public var kind: FacilityKind
    public var province: String
    public var city: String
    public var opened: Period
    public var closed: Period?

    public init(
        code: String, name: String, kind: FacilityKind, province: String, city: String,
        opened: Period, closed: Period?
    ) {
        self.code = code; self.name = name; self.kind = kind; self.province = province
        self.city = city; self.opened = opened; self.closed = closed
    }

    public func isOpen(in p: Period) -> Bool { p >= opened && (closed.map { p <= $0 } ?? true) }

    /// `^[A-Z]{2,5}-[A-Z0-9]{2,6}$`
    public static func isValidCode<S: Collection>(_ s: S) -> Bool where S.Element == UInt8 {
        let b = Array(s)
        guard let dash = b.firstIndex(of: 0x2D) else { return false }
        let head = b[..<dash], tail = b[(dash + 1)...]
        return (2...5).contains(head.count) && (2...6).contains(tail.count)
            && head.allSatisfy { $0 >= 0x41 && $0 <= 0x5A }
            && tail.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}

/// The facility registry.
public struct Registry: Sendable {
    public var facilities: [String: Facility]

    public init(_ list: [Facility]) {
        facilities = Dictionary(list.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public subscript(_ code: String) -> Facility? { facilities[code] }

    /// Facilities sorted by code.
    public var sorted: [Facility] { facilities.values.sorted { $0.code < $1.code } }
}
