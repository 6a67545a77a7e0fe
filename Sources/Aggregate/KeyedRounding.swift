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
        var indicator: String
        var dimension: String
        var category: String
    }

    /// The indicator that contains another (step 5), by name.
    static let containingIndicator: [String: String] = [
        "in_care_end": "supported", "new_arrivals": "supported", "exits": "supported", "uasc": "supported",
        "new_cases": "assisted", "assisted": "assisted_cumulative",
    ]

    /// The cumulative indicator of step 4.
    static let cumulative = "assisted_cumulative"

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

        /// The shared cells of period `f` (after every earlier period), in the order of
        /// aggregates.csv: every cell whose shared value is not 0, and the median stay by rule 6.
        public mutating func share(_ f: PeriodFigures) -> [SharedCell] {
            var out: [SharedCell] = []
            var next: [Cell: Int] = [:]
            for population in Population.allCases {
                let indicators = f.indicators(of: population)
                guard !indicators.isEmpty else { continue }
                let values = shared(population, indicators)
                for ind in indicators {
                    if ind.name == "stay_median_days" {
                        // Rule 6: as computed, when the in_care_end total is at least k.
                        let inCare = f.indicator(.migrants, "in_care_end")?.total ?? 0
                        if inCare >= k, let m = ind["total"]?.counts["ALL"] {
                            out.append(SharedCell(population: population, indicator: ind.name, dimension: "total", category: "ALL", value: m, rounded: false))
                        }
                        continue
                    }
                    for d in ind.dimensions {
                        for c in d.categories {
                            let cell = Cell(indicator: ind.name, dimension: d.name, category: c)
                            let v = values[cell] ?? 0
                            if ind.name == Self.cumulativeName && (d.name == "total" || d.multiValued) { next[cell] = v }
                            guard v != 0 else { continue }
                            out.append(SharedCell(population: population, indicator: ind.name, dimension: d.name, category: c, value: v, rounded: true))
                        }
                    }
                }
            }
            previous = next
            return out
        }

        static let cumulativeName = KeyedRounding.cumulative

        /// Steps 3 to 5 for one population: every non-zero cell rounded by its key, the
        /// cumulative cells raised to the previous release, then nesting to a fixed point.
        func shared(_ population: Population, _ indicators: [IndicatorFigures]) -> [Cell: Int] {
            var value: [Cell: Int] = [:]
            var cells: [Cell] = []
            for ind in indicators where ind.name != "stay_median_days" {
                for d in ind.dimensions {
                    for (c, n) in d.counts where n > 0 {
                        let cell = Cell(indicator: ind.name, dimension: d.name, category: c)
                        var v = KeyedRounding.round(n, key: d.keys[c] ?? 0, base: k)
                        if ind.name == Self.cumulativeName && (d.name == "total" || d.multiValued) {
                            v = max(v, previous[cell] ?? 0)
                        }
                        value[cell] = v
                        cells.append(cell)
                    }
                }
            }
            let dimensions = Dictionary(uniqueKeysWithValues: indicators.map { ($0.name, Set($0.dimensions.map(\.name))) })
            let containers = cells.map { self.containers(of: $0, population, dimensions) }
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

        /// The cells that contain `cell` (step 5).
        func containers(of cell: Cell, _ population: Population, _ dimensions: [String: Set<String>]) -> [Cell] {
            let i = cell.indicator, d = cell.dimension, c = cell.category
            func has(_ indicator: String, _ dimension: String) -> Bool { dimensions[indicator]?.contains(dimension) ?? false }
            var out: [Cell] = []
            if d != "total" {
                out.append(Cell(indicator: i == "services" ? "supported" : i, dimension: "total", category: "ALL"))
            }
            switch d {
            case "sex_age":
                let parts = c.split(separator: "|", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    out.append(Cell(indicator: i, dimension: "sex", category: parts[0]))
                    out.append(Cell(indicator: i, dimension: "age_group", category: parts[1]))
                }
            case "facility":
                if let p = province[c], has(i, "province") { out.append(Cell(indicator: i, dimension: "province", category: p)) }
                if let p = placement[c], has(i, "placement") { out.append(Cell(indicator: i, dimension: "placement", category: p)) }
            case "nationality" where population == .victims && ["XXA", "XXB", "XXC", "XXX"].contains(c),
                 "exploitation_country" where c == "XXX":
                if has(i, "trafficking") { out.append(Cell(indicator: i, dimension: "trafficking", category: "UNKNOWN")) }
            default:
                break
            }
            if let parent = KeyedRounding.containingIndicator[i], has(parent, d) {
                out.append(Cell(indicator: parent, dimension: d, category: c))
            }
            return out
        }
    }
}
