import CaseloadCore

/// The headline of a period as sentences of text and figures (outputs.md: migrants supported, in
/// detention and in community housing; victims assisted this month and since the first period;
/// how many received medical and psychosocial help). One list: report.html renders it with its
/// figure markup, report.xlsx as plain sentences and as a table of the figures.
public enum Headline {
    public enum Piece: Sendable {
        case text(String)
        case figure(Figure)
    }

    /// One figure of a sentence, with what it counts in words (the workbook's table of figures).
    public struct Figure: Sendable {
        public var label: String
        public var population: Population
        public var indicator: IndicatorFigures
        public var dimension: String
        public var category: String
        public var value: Int { indicator[dimension]?.counts[category] ?? 0 }
    }

    public struct Sentence: Sendable {
        public var pieces: [Piece]
        /// A lead sentence (set larger).
        public var lead: Bool

        /// The sentence as plain text, numbers grouped by thousands.
        public var text: String {
            pieces.map {
                switch $0 {
                case .text(let t): return t
                case .figure(let f): return grouped(f.value)
                }
            }.joined()
        }

        public var figures: [Figure] {
            pieces.compactMap {
                if case .figure(let f) = $0 { return f }
                return nil
            }
        }
    }

    /// `history`: every period up to this one (the first period with victims' figures names
    /// "since").
    public static func sentences(_ f: PeriodFigures, history: [PeriodFigures]) -> [Sentence] {
        let month = ReportHTML.monthName(f.period)
        var out: [Sentence] = []
        func fig(_ label: String, _ p: Population, _ ind: IndicatorFigures, _ dim: String, _ cat: String) -> Piece {
            .figure(Figure(label: label, population: p, indicator: ind, dimension: dim, category: cat))
        }
        if let s = f.indicator(.migrants, "supported") {
            out.append(
                Sentence(
                    pieces: [
                        fig("Migrants supported", .migrants, s, "total", "ALL"), .text(" migrants were supported in \(month): "),
                        fig("Migrants in immigration detention centres", .migrants, s, "placement", "IDC"), .text(" in immigration detention centres and "),
                        fig("Migrants in community housing", .migrants, s, "placement", "COMMUNITY"), .text(" in community housing."),
                    ], lead: true))
            if let care = f.indicator(.migrants, "in_care_end"), let arrivals = f.indicator(.migrants, "new_arrivals"),
                let exits = f.indicator(.migrants, "exits")
            {
                out.append(
                    Sentence(
                        pieces: [
                            fig("Migrants in care at the end of the month waiting for UNHCR's decision", .migrants, care, "status", "PENDING_RSD"),
                            .text(" are still waiting for UNHCR's decision on their refugee claim, "),
                            fig("Migrants in care at the end of the month recognised as refugees", .migrants, care, "status", "RECOGNIZED"),
                            .text(" are recognised refugees waiting for resettlement. "),
                            fig("Migrants arrived this month", .migrants, arrivals, "total", "ALL"), .text(" arrived this month and "),
                            fig("Migrants who left this month", .migrants, exits, "total", "ALL"), .text(" left: "),
                            fig("Migrants who left: resettled", .migrants, exits, "status", "RESETTLED"), .text(" were resettled and "),
                            fig("Migrants who left: returned home", .migrants, exits, "status", "RETURNED"), .text(" returned home with IOM's help."),
                        ], lead: false))
            }
        } else {
            out.append(Sentence(pieces: [.text("No detention submission was accepted for \(month).")], lead: false))
        }
        if let a = f.indicator(.victims, "assisted"), let cum = f.indicator(.victims, "assisted_cumulative") {
            let first = history.first { !$0.victims.isEmpty }?.period ?? f.period
            out.append(
                Sentence(
                    pieces: [
                        fig("Victims of trafficking assisted", .victims, a, "total", "ALL"),
                        .text(" victims of trafficking were assisted in \(month), "),
                        fig("Victims assisted since \(ReportHTML.monthName(first))", .victims, cum, "total", "ALL"),
                        .text(" since \(ReportHTML.monthName(first)); of these, "),
                        fig("Victims assisted since \(ReportHTML.monthName(first)) who received medical help", .victims, cum, "assistance", "MEDICAL"), .text(" received medical and "),
                        fig("Victims assisted since \(ReportHTML.monthName(first)) who received psychosocial help", .victims, cum, "assistance", "PSYCHOSOCIAL"), .text(" psychosocial help."),
                    ], lead: true))
        } else {
            out.append(Sentence(pieces: [.text("No shelter submission was accepted for \(month).")], lead: false))
        }
        return out
    }
}
