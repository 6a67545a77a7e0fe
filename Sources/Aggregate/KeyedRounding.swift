import CaseloadCore

/// Disclosure control of the shared aggregates (outputs.md, "Disclosure control: keyed
/// rounding"): every count is shared rounded to a multiple of k, up or down by a draw fixed by the
/// cell key (the sum of the record keys of the cases it counts), so that the same people round the
/// same way in every table, period and rerun. Then two rules close what plain rounding leaves
/// open: releases only grow (the cumulative cells never show less than in the previous release)
/// and nesting (no cell shows more than a cell that contains it).
public enum KeyedRounding {
    /// Step 3: `n = q·k + r`; `n` when `r = 0`, else `q·k + k` when `K·k < r·2^32`, else `q·k`.
    @inline(__always)
    public static func round(_ n: Int, key: UInt32, base k: Int) -> Int {
        precondition(n >= 0 && k >= 1)
        let r = n % k
        guard r != 0 else { return n }
        let up = UInt128(key) * UInt128(k) < UInt128(r) << 32
        return n - r + (up ? k : 0)
    }

    /// A cell of one population's figures, by indicator, dimension and category.
    struct Cell: Hashable {
        var indicator: Indicator
        var dimension: Dimension
        var category: String
    }

    /// The period-by-period sharing: the base, where each facility sits (for the nesting of the
    /// `facility` cells), and the previous release's shared cumulative cells (step 4). Fed the
    /// periods in order.
    public struct Releases: Sendable {
        public let k: Int
        let province: [String: String]
        let placement: [String: String]
        /// The shared values of `assisted_cumulative`'s `total` and multi-valued cells in the
        /// previous release (the latest earlier period that has reports), by dimension and category.
        var previous: [Cell: Int] = [:]

        public init(k: Int, facilities: [Facility]) {
            self.k = k
            province = Dictionary(uniqueKeysWithValues: facilities.map { ($0.code, $0.province) })
            placement = Dictionary(uniqueKeysWithValues: facilities.map { ($0.code, $0.kind == .COMMUNITY ? "COMMUNITY" : "IDC") })
        }

        /// Step 4 applies to these cells: the cumulative indicator's total and its multi-valued
        /// dimensions (the single-valued ones can lose a case to another category).
        static func onlyGrows(_ i: Indicator, _ d: Dimension) -> Bool { i == .assistedCumulative && (d == .total || d.isMultiValued) }

        /// The shared cells of period `f` (after every earlier period), in the order of
        /// aggregates.csv: every cell whose shared value is not 0, and the median stay by rule 6.
        public mutating func share(_ f: PeriodFigures) -> [SharedCell] {
            var out: [SharedCell] = []
            var next: [Cell: Int] = [:]
            for population in Population.allCases {
                let indicators = f.indicators(of: population).map { (Indicator(rawValue: $0.name)!, $0) }
                guard !indicators.isEmpty else { continue }
                let values = shared(population, indicators)
                for (indicator, ind) in indicators {
                    guard indicator.isCount else {
                        // Rule 6: as computed, when the in_care_end total is at least k.
                        let inCare = f.indicator(.migrants, Indicator.inCareEnd.rawValue)?.total ?? 0
                        if inCare >= k, let m = ind["total"]?.counts["ALL"] {
                            out.append(SharedCell(population: population, indicator: ind.name, dimension: "total", category: "ALL", value: m, rounded: false))
                        }
                        continue
                    }
                    for d in ind.dimensions {
                        let dimension = Dimension(rawValue: d.name)!
                        for c in d.categories {
                            let cell = Cell(indicator: indicator, dimension: dimension, category: c)
                            let v = values[cell] ?? 0
                            if Self.onlyGrows(indicator, dimension) { next[cell] = v }
                            guard v != 0 else { continue }
                            out.append(SharedCell(population: population, indicator: ind.name, dimension: d.name, category: c, value: v, rounded: true))
                        }
                    }
                }
            }
            previous = next
            return out
        }

        /// Steps 3 to 5 for one population: every non-zero cell rounded by its key, the
        /// cumulative cells raised to the previous release, then nesting to a fixed point.
        func shared(_ population: Population, _ indicators: [(Indicator, IndicatorFigures)]) -> [Cell: Int] {
            var value: [Cell: Int] = [:]
            var cells: [Cell] = []
            for (indicator, ind) in indicators where indicator.isCount {
                for d in ind.dimensions {
                    let dimension = Dimension(rawValue: d.name)!
                    for (c, n) in d.counts where n > 0 {
                        let cell = Cell(indicator: indicator, dimension: dimension, category: c)
                        var v = KeyedRounding.round(n, key: d.keys[c] ?? 0, base: k)
                        if Self.onlyGrows(indicator, dimension) { v = max(v, previous[cell] ?? 0) }
                        value[cell] = v
                        cells.append(cell)
                    }
                }
            }
            let present = Set(indicators.map(\.0))
            let containers = cells.map { self.containers(of: $0, population, present) }
            // A container with no cell counts nobody: its value is 0.
            var changed = true
            while changed {
                changed = false
                for (i, cell) in cells.enumerated() {
                    var v = value[cell]!
                    for c in containers[i] { v = min(v, value[c] ?? 0) }
                    if v != value[cell]! { value[cell] = v; changed = true }
                }
            }
            return value
        }

        /// The cells that contain `cell` (step 5), among the indicators `present` in the period.
        func containers(of cell: Cell, _ population: Population, _ present: Set<Indicator>) -> [Cell] {
            let i = cell.indicator, d = cell.dimension, c = cell.category
            func has(_ indicator: Indicator, _ dimension: Dimension) -> Bool { present.contains(indicator) && indicator.dimensions.contains(dimension) }
            var out: [Cell] = []
            if d != .total {
                out.append(Cell(indicator: i == .services ? .supported : i, dimension: .total, category: "ALL"))
            }
            switch d {
            case .sexAge:
                let parts = c.split(separator: "|", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    out.append(Cell(indicator: i, dimension: .sex, category: parts[0]))
                    out.append(Cell(indicator: i, dimension: .ageGroup, category: parts[1]))
                }
            case .facility:
                if let p = province[c], has(i, .province) { out.append(Cell(indicator: i, dimension: .province, category: p)) }
                if let p = placement[c], has(i, .placement) { out.append(Cell(indicator: i, dimension: .placement, category: p)) }
            case .nationality where population == .victims && ["XXA", "XXB", "XXC", "XXX"].contains(c),
                .exploitationCountry where c == "XXX":
                if has(i, .trafficking) { out.append(Cell(indicator: i, dimension: .trafficking, category: "UNKNOWN")) }
            case .total, .sex, .ageGroup, .nationality, .placement, .province, .status, .interception, .vulnerability, .service,
                .exploitation, .sector, .exploitationCountry, .trafficking, .referral, .assistance:
                break
            }
            if let parent = i.container, has(parent, d) {
                out.append(Cell(indicator: parent, dimension: d, category: c))
            }
            return out
        }
    }
}
