/// Small SVG chart builders for report.html: scales, axes, bars, the population pyramid and the
/// trend line. Each returns markup for one self-contained `<svg>` with a title and a description
/// (its text alternative); numbers are formatted without locale.

/// Maps a value domain 0…max onto pixels `from`…`to` (`to` may be less than `from`: a
/// vertical axis grows upwards).
public struct LinearScale: Sendable, Equatable {
    public var domainMax: Double
    public var from: Double
    public var to: Double

    public init(max: Double, from: Double, to: Double) {
        domainMax = max > 0 ? max : 1
        self.from = from
        self.to = to
    }

    public func callAsFunction(_ v: Double) -> Double {
        from + (to - from) * v / domainMax
    }

    /// Tick values 0, step, 2·step, … covering `max`, with a step of 1, 2 or 5 × 10ⁿ.
    public static func niceTicks(max: Int, count: Int = 5) -> [Int] {
        guard max > 0 else { return [0, 1] }
        let raw = Double(max) / Double(Swift.max(1, count))
        var magnitude = 1
        while Double(magnitude * 10) <= raw { magnitude *= 10 }
        let step = [1, 2, 5, 10].map { $0 * magnitude }.first { Double($0) >= raw } ?? magnitude * 10
        var ticks = [0]
        while ticks.last! < max { ticks.append(ticks.last! + step) }
        return ticks
    }
}

/// Whole numbers with thousands separators: 4124 → "4,124".
public func grouped(_ n: Int) -> String {
    let s = String(abs(n))
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out += "," }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// A coordinate with at most one decimal.
func px(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
}

/// Escapes text for HTML and SVG.
public func escapeHTML(_ s: String) -> String {
    var out = ""
    for c in s.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.unicodeScalars.append(c)
        }
    }
    return out
}

public enum Chart {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var value: Int
        public init(_ label: String, _ value: Int) { self.label = label; self.value = value }
    }

    static func open(width: Int, height: Int, id: String, title: String, description: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-labelledby=\"\(id)-t \(id)-d\">"
            + "<title id=\"\(id)-t\">\(escapeHTML(title))</title><desc id=\"\(id)-d\">\(escapeHTML(description))</desc>"
    }

    /// The text alternative of a set of bars: "AFG 1,049; IRN 161; …".
    public static func describe(_ bars: [Bar]) -> String {
        bars.map { "\($0.label) \(grouped($0.value))" }.joined(separator: "; ")
    }

    /// A vertical axis of ticks under horizontal bars.
    static func axis(_ scale: LinearScale, ticks: [Int], y: Double, height: Double) -> String {
        var s = ""
        for t in ticks {
            let x = scale(Double(t))
            s += "<line x1=\"\(px(x))\" y1=\"0\" x2=\"\(px(x))\" y2=\"\(px(height))\" class=\"grid\"/>"
            s += "<text x=\"\(px(x))\" y=\"\(px(y))\" class=\"tick\" text-anchor=\"middle\">\(grouped(t))</text>"
        }
        return s
    }

    /// Horizontal bars with their labels on the left and values on the right.
    public static func bars(_ bars: [Bar], id: String, title: String, width: Int = 560, label: Int = 150, barHeight: Int = 18) -> String {
        let rows = max(bars.count, 1)
        let plotHeight = Double(rows * (barHeight + 6))
        let height = Int(plotHeight) + 24
        let ticks = LinearScale.niceTicks(max: bars.map(\.value).max() ?? 0, count: 4)
        let scale = LinearScale(max: Double(ticks.last!), from: Double(label), to: Double(width - 50))
        var s = open(width: width, height: height, id: id, title: title, description: describe(bars))
        s += axis(scale, ticks: ticks, y: plotHeight + 16, height: plotHeight)
        for (i, b) in bars.enumerated() {
            let y = Double(i * (barHeight + 6) + 3)
            let w = scale(Double(b.value)) - scale(0)
            s += "<text x=\"\(label - 6)\" y=\"\(px(y + Double(barHeight) * 0.75))\" text-anchor=\"end\" class=\"label\">\(escapeHTML(b.label))</text>"
            s += "<rect x=\"\(label)\" y=\"\(px(y))\" width=\"\(px(w))\" height=\"\(barHeight)\" class=\"bar\"/>"
            s += "<text x=\"\(px(Double(label) + w + 4))\" y=\"\(px(y + Double(barHeight) * 0.75))\" class=\"value\">\(grouped(b.value))</text>"
        }
        return s + "</svg>"
    }

    public struct PyramidRow: Sendable, Equatable {
        public var group: String
        public var female: Int
        public var male: Int
        public init(_ group: String, female: Int, male: Int) { self.group = group; self.female = female; self.male = male }
    }

    /// The sex-and-age pyramid: women to the left of the centre, men to the right, oldest on top,
    /// both sides on the same scale.
    public static func pyramid(_ rows: [PyramidRow], id: String, title: String, width: Int = 560, barHeight: Int = 22) -> String {
        let centre = Double(width) / 2
        let half = centre - 60
        let ticks = LinearScale.niceTicks(max: rows.map { max($0.female, $0.male) }.max() ?? 0, count: 3)
        let scale = LinearScale(max: Double(ticks.last!), from: 0, to: half)
        let plotHeight = Double(rows.count * (barHeight + 4))
        let height = Int(plotHeight) + 40
        let description = rows.reversed().map { "\($0.group): \(grouped($0.female)) women and girls, \(grouped($0.male)) men and boys" }.joined(separator: "; ")
        var s = open(width: width, height: height, id: id, title: title, description: description)
        s += "<text x=\"\(px(centre - 8))\" y=\"12\" text-anchor=\"end\" class=\"label\">Female</text>"
        s += "<text x=\"\(px(centre + 8))\" y=\"12\" class=\"label\">Male</text>"
        for (i, r) in rows.reversed().enumerated() {
            let y = 18 + Double(i * (barHeight + 4))
            let wf = scale(Double(r.female)), wm = scale(Double(r.male))
            s += "<rect x=\"\(px(centre - wf))\" y=\"\(px(y))\" width=\"\(px(wf))\" height=\"\(barHeight)\" class=\"bar female\"/>"
            s += "<rect x=\"\(px(centre))\" y=\"\(px(y))\" width=\"\(px(wm))\" height=\"\(barHeight)\" class=\"bar male\"/>"
            s += "<text x=\"\(px(centre - wf - 4))\" y=\"\(px(y + Double(barHeight) * 0.7))\" text-anchor=\"end\" class=\"value\">\(grouped(r.female))</text>"
            s += "<text x=\"\(px(centre + wm + 4))\" y=\"\(px(y + Double(barHeight) * 0.7))\" class=\"value\">\(grouped(r.male))</text>"
            s += "<text x=\"4\" y=\"\(px(y + Double(barHeight) * 0.7))\" class=\"label\">\(escapeHTML(r.group))</text>"
        }
        s += "<line x1=\"\(px(centre))\" y1=\"16\" x2=\"\(px(centre))\" y2=\"\(px(plotHeight + 18))\" class=\"axis\"/>"
        return s + "</svg>"
    }

    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [(String, Int?)]
        public var cssClass: String
        public init(_ name: String, _ points: [(String, Int?)], cssClass: String) {
            self.name = name; self.points = points; self.cssClass = cssClass
        }
        public static func == (a: Series, b: Series) -> Bool {
            a.name == b.name && a.cssClass == b.cssClass && a.points.map(\.0) == b.points.map(\.0) && a.points.map(\.1) == b.points.map(\.1)
        }
    }

    /// A line per series over the periods so far; a missing value breaks the line.
    public static func trend(_ series: [Series], labels: [String], id: String, title: String, width: Int = 560, height: Int = 220) -> String {
        let top = 10.0, bottom = Double(height) - 30, left = 56.0, right = Double(width) - 12
        let maxValue = series.flatMap { $0.points.compactMap(\.1) }.max() ?? 0
        let ticks = LinearScale.niceTicks(max: maxValue, count: 4)
        let y = LinearScale(max: Double(ticks.last!), from: bottom, to: top)
        let step = labels.count > 1 ? (right - left) / Double(labels.count - 1) : 0
        func x(_ i: Int) -> Double { labels.count > 1 ? left + Double(i) * step : (left + right) / 2 }
        let description = series.map { s in s.name + ": " + s.points.compactMap { p in p.1.map { "\(p.0) \(grouped($0))" } }.joined(separator: ", ") }.joined(separator: ". ")
        var s = open(width: width, height: height, id: id, title: title, description: description)
        for t in ticks {
            s += "<line x1=\"\(px(left))\" y1=\"\(px(y(Double(t))))\" x2=\"\(px(right))\" y2=\"\(px(y(Double(t))))\" class=\"grid\"/>"
            s += "<text x=\"\(px(left - 6))\" y=\"\(px(y(Double(t)) + 4))\" text-anchor=\"end\" class=\"tick\">\(grouped(t))</text>"
        }
        let every = max(1, Int((Double(labels.count) / 8).rounded(.up)))
        for (i, l) in labels.enumerated() where i % every == 0 || i == labels.count - 1 {
            s += "<text x=\"\(px(x(i)))\" y=\"\(px(bottom + 18))\" text-anchor=\"middle\" class=\"tick\">\(escapeHTML(l))</text>"
        }
        for serie in series {
            var path = ""
            var pen = false
            for (i, p) in serie.points.enumerated() {
                guard let v = p.1 else { pen = false; continue }
                path += (pen ? "L" : "M") + px(x(i)) + " " + px(y(Double(v)))
                pen = true
            }
            if !path.isEmpty { s += "<path d=\"\(path)\" class=\"line \(serie.cssClass)\"/>" }
            if let last = serie.points.lastIndex(where: { $0.1 != nil }) {
                s += "<circle cx=\"\(px(x(last)))\" cy=\"\(px(y(Double(serie.points[last].1!))))\" r=\"3\" class=\"dot \(serie.cssClass)\"/>"
            }
        }
        return s + "</svg>"
    }
}
