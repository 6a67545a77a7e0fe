import CaseloadCore
import Foundation
import Testing
@testable import Emit

struct ChartTests {
    @Test(arguments: [
        (0, [0, 1]), (1, [0, 1]), (4, [0, 1, 2, 3, 4]), (7, [0, 2, 4, 6, 8]), (1049, [0, 500, 1000, 1500]),
        (2247, [0, 1000, 2000, 3000]), (100, [0, 20, 40, 60, 80, 100]),
    ])
    func niceTicks(_ max: Int, _ expected: [Int]) {
        let count = max == 1049 || max == 2247 ? 4 : 5
        #expect(LinearScale.niceTicks(max: max, count: count) == expected)
    }

    @Test func scalesMapBothWays() {
        let x = LinearScale(max: 200, from: 100, to: 500)
        #expect(x(0) == 100 && x(100) == 300 && x(200) == 500)
        let y = LinearScale(max: 10, from: 190, to: 10)
        #expect(y(0) == 190 && y(10) == 10 && y(5) == 100)
        #expect(LinearScale(max: 0, from: 0, to: 10)(0) == 0)  // an empty domain does not divide by zero
    }

    @Test func numbersAndText() {
        #expect(grouped(0) == "0" && grouped(999) == "999" && grouped(4124) == "4,124" && grouped(1_234_567) == "1,234,567")
        #expect(escapeHTML("<b a=\"x\">&'") == "&lt;b a=&quot;x&quot;&gt;&amp;&#39;")
        #expect(px(10) == "10" && px(10.25) == "10.3" && px(3.04) == "3")
    }

    static func rects(_ svg: String) -> [(x: Double, width: Double)] {
        svg.components(separatedBy: "<rect ").dropFirst().map { r in
            func attr(_ name: String) -> Double {
                let start = r.range(of: "\(name)=\"")!.upperBound
                return Double(r[start...].prefix { $0 != "\"" })!
            }
            return (attr("x"), attr("width"))
        }
    }

    @Test func barsAreProportionalAndDescribed() {
        let svg = Chart.bars([Chart.Bar("AFG", 1000), Chart.Bar("IRN", 250), Chart.Bar("X<Y", 0)], id: "t", title: "Title & more")
        let r = Self.rects(svg)
        #expect(r.count == 3)
        #expect(r.allSatisfy { $0.x == 150 })
        #expect(r[0].width == 4 * r[1].width)  // ticks 0…1000: the longest bar fills the axis
        #expect(r[2].width == 0)
        #expect(svg.contains("<title id=\"t-t\">Title &amp; more</title>"))
        #expect(svg.contains("<desc id=\"t-d\">AFG 1,000; IRN 250; X&lt;Y 0</desc>"))
        #expect(svg.contains("role=\"img\" aria-labelledby=\"t-t t-d\""))
        #expect(svg.contains(">X&lt;Y</text>"))
    }

    @Test func thePyramidMeetsAtTheCentre() {
        let svg = Chart.pyramid(
            [Chart.PyramidRow("0-4", female: 10, male: 20), Chart.PyramidRow("5-11", female: 0, male: 5)],
            id: "p", title: "Pyramid", width: 560)
        let r = Self.rects(svg)
        #expect(r.count == 4)
        // Oldest on top: the first row drawn is 5-11.
        let (f1, m1, f0, m0) = (r[0], r[1], r[2], r[3])
        #expect(f1.width == 0 && m1.x == 280)
        #expect(f0.x + f0.width == 280 && m0.x == 280)
        #expect(m0.width == 2 * f0.width)
        #expect(svg.contains("5-11: 0 women and girls, 5 men and boys; 0-4: 10 women and girls, 20 men and boys"))
    }

    @Test func theTrendBreaksWhereAValueIsMissing() {
        let svg = Chart.trend(
            [Chart.Series("m", [("2012-01", 10), ("2012-02", nil), ("2012-03", 20)], cssClass: "s1")],
            labels: ["2012-01", "2012-02", "2012-03"], id: "tr", title: "Trend")
        let d = svg.components(separatedBy: " d=\"")[1].prefix { $0 != "\"" }
        #expect(d.filter { $0 == "M" }.count == 2 && !d.contains("L"))
        #expect(svg.contains("<desc id=\"tr-d\">m: 2012-01 10, 2012-03 20</desc>"))
        #expect(svg.contains("<circle"))
    }
}
