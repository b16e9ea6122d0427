// A small SVG line-chart writer: axes with round tick values, one polyline per series, a legend.
import Foundation

/// A line chart rendered to SVG text (deterministic output: fixed number formatting, no timestamps).
public struct SVGLineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var dashed: Bool
        public init(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool = false) {
            self.name = name; self.points = points; self.color = color; self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// Fixed y range (e.g. 0…100 for accuracy); nil = from the data.
    public var yRange: ClosedRange<Double>?
    public var width = 640.0, height = 400.0
    /// Whole-number x ticks only (epochs).
    public var xIntegers = true

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.series = series; self.yRange = yRange
    }

    /// The palette lines take in order.
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// "Nice" tick values covering lo…hi (steps of 1, 2 or 5 × 10^k; whole steps when `integers`).
    public static func ticks(_ lo: Double, _ hi: Double, count: Int = 5, integers: Bool = false) -> [Double] {
        guard hi > lo else { return [lo] }
        let raw = integers ? max(1, (hi - lo) / Double(count)) : (hi - lo) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        var t = ceil(lo / step - 1e-9) * step
        var out: [Double] = []
        while t <= hi + step * 1e-9 { out.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return out
    }

    func f(_ v: Double) -> String { String(format: "%.1f", v) }

    static func label(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%g", (v * 1000).rounded() / 1000)
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    /// The SVG document.
    public func render() -> String {
        let left = 60.0, right = 160.0, top = 40.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) }, ys = series.flatMap { $0.points.map(\.y) }
        let xLo = xs.min() ?? 0, xHi = max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        var yLo = yRange?.lowerBound ?? (ys.min() ?? 0), yHi = yRange?.upperBound ?? (ys.max() ?? 1)
        if yHi <= yLo { yLo -= 0.5; yHi += 0.5 }
        func px(_ x: Double) -> Double { left + (x - xLo) / (xHi - xLo) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yLo) / (yHi - yLo)) * plotH }

        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
        s += "viewBox=\"0 0 \(Int(width)) \(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"24\" text-anchor=\"middle\" font-size=\"14\">\(Self.escape(title))</text>\n"
        for t in Self.ticks(yLo, yHi) {
            s += "<line x1=\"\(f(left))\" y1=\"\(f(py(t)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(t)))\" stroke=\"#e0e0e0\"/>\n"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(py(t) + 4))\" text-anchor=\"end\">\(Self.label(t))</text>\n"
        }
        for t in Self.ticks(xLo, xHi, integers: xIntegers) {
            s += "<line x1=\"\(f(px(t)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(t)))\" y2=\"\(f(top + plotH + 4))\" stroke=\"black\"/>\n"
            s += "<text x=\"\(f(px(t)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(t))</text>\n"
        }
        s += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotW))\" height=\"\(f(plotH))\" fill=\"none\" stroke=\"black\"/>\n"
        s += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 10))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        s += "<text x=\"16\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(top + plotH / 2)))\">\(Self.escape(yLabel))</text>\n"
        for (i, line) in series.enumerated() {
            let dash = line.dashed ? " stroke-dasharray=\"6 4\"" : ""
            if line.points.count == 1, let p = line.points.first {
                s += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(line.color)\"/>\n"
            } else if !line.points.isEmpty {
                let pts = line.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                s += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash) points=\"\(pts)\"/>\n"
            }
            let ly = top + 10 + Double(i) * 18
            s += "<line x1=\"\(f(left + plotW + 12))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 36))\" y2=\"\(f(ly))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            s += "<text x=\"\(f(left + plotW + 42))\" y=\"\(f(ly + 4))\">\(Self.escape(line.name))</text>\n"
        }
        s += "</svg>\n"
        return s
    }
}
