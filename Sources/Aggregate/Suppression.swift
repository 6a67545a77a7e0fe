import CaseloadCore

/// Small-cell suppression of the shared aggregates (outputs.md):
/// 1. primary: every count with 0 < value < k;
/// 2. secondary, repeated until nothing changes: for each table (a single-valued dimension other
///    than `total`, whose margin is the `total` cell; `sex_age` also split into one table per sex,
///    margin that `sex` cell, and one per age group, margin that `age_group` cell), in the order
///    of the dimensions, if its margin is published and exactly one of its cells is suppressed,
///    suppress its published non-zero cell with the smallest value (ties: the first category in
///    byte order), or, when it has none, its margin;
/// 3. multi-valued dimensions get primary suppression only;
/// 4. `stay_median_days` is suppressed when the `in_care_end` total is below k.
public enum Suppression {
    /// A cell of an indicator.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var dimension: String
        public var category: String
        public init(dimension: String, category: String) { self.dimension = dimension; self.category = category }
        public var description: String { "\(dimension) \(category)" }
    }

    struct Table {
        var cells: [Key]
        var margin: Key
    }

    /// The suppressed cells of one indicator.
    public static func suppressed(_ indicator: IndicatorFigures, k: Int) -> Set<Key> {
        var value: [Key: Int] = [:]
        for d in indicator.dimensions { for (c, v) in d.counts { value[Key(dimension: d.name, category: c)] = v } }
        var hidden = Set(value.filter { $0.value > 0 && $0.value < k }.keys)
        let tables = Self.tables(indicator)
        var changed = true
        while changed {
            changed = false
            for t in tables {
                guard let m = value[t.margin], m > 0, !hidden.contains(t.margin) else { continue }
                guard t.cells.filter({ hidden.contains($0) }).count == 1 else { continue }
                let candidates = t.cells.filter { !hidden.contains($0) && (value[$0] ?? 0) > 0 }
                if let pick = candidates.min(by: { a, b in
                    let va = value[a]!, vb = value[b]!
                    return va != vb ? va < vb : Array(a.category.utf8).lexicographicallyPrecedes(Array(b.category.utf8))
                }) {
                    hidden.insert(pick)
                } else {
                    hidden.insert(t.margin)
                }
                changed = true
            }
        }
        return hidden
    }

    static func tables(_ indicator: IndicatorFigures) -> [Table] {
        let total = Key(dimension: "total", category: "ALL")
        var tables: [Table] = []
        for d in indicator.dimensions where d.name != "total" && !d.multiValued {
            let categories = IndicatorCatalogue.categories(of: d.name) ?? d.categories
            let all = Set(categories).union(d.counts.keys).sorted()
            tables.append(Table(cells: all.map { Key(dimension: d.name, category: $0) }, margin: total))
            if d.name == "sex_age" {
                for s in Sex.allCases {
                    tables.append(Table(cells: AgeGroup.allCases.map { Key(dimension: "sex_age", category: "\(s.rawValue)|\($0.rawValue)") },
                                        margin: Key(dimension: "sex", category: s.rawValue)))
                }
                for g in AgeGroup.allCases {
                    tables.append(Table(cells: Sex.allCases.map { Key(dimension: "sex_age", category: "\($0.rawValue)|\(g.rawValue)") },
                                        margin: Key(dimension: "age_group", category: g.rawValue)))
                }
            }
        }
        return tables
    }

    /// Every non-zero cell of a period's figures, in the order of aggregates.csv, with small
    /// cells suppressed.
    public static func sharedCells(_ f: PeriodFigures, k: Int) -> [SharedCell] {
        var out: [SharedCell] = []
        for population in Population.allCases {
            let indicators = f.indicators(of: population)
            let careTotal = f.indicator(.migrants, "in_care_end")?.total ?? 0
            for ind in indicators {
                let hidden: Set<Key>
                if ind.name == "stay_median_days" {
                    hidden = careTotal < k ? [Key(dimension: "total", category: "ALL")] : []
                } else {
                    hidden = suppressed(ind, k: k)
                }
                for d in ind.dimensions {
                    for c in d.categories {
                        let v = d.counts[c]!
                        guard v > 0 || ind.name == "stay_median_days" else { continue }
                        out.append(SharedCell(population: population, indicator: ind.name, dimension: d.name, category: c,
                                              value: hidden.contains(Key(dimension: d.name, category: c)) ? nil : v))
                    }
                }
            }
        }
        return out
    }
}
