// Line chart of base and new accuracy per epoch with the zero-shot reference lines: braille dots, or ASCII marks.
import Foundation

/// One plotted series: values per epoch (1-based index = position + 1).
public struct ChartSeries: Sendable {
    public var values: [Double]
    public var role: Role
    /// The mark used when drawing without braille.
    public var mark: Character
    public init(values: [Double], role: Role, mark: Character) { self.values = values; self.role = role; self.mark = mark }
}

/// A canvas of dots: 2×4 per cell with braille, 1×1 with ASCII marks. Later plots win a cell's role.
struct DotCanvas {
    let cols: Int, rows: Int, sx: Int, sy: Int
    var bits: [UInt8]
    var roles: [Role?]
    var marks: [Character?]

    init(cols: Int, rows: Int, braille: Bool) {
        self.cols = cols; self.rows = rows
        sx = braille ? 2 : 1; sy = braille ? 4 : 1
        bits = Array(repeating: 0, count: cols * rows)
        roles = Array(repeating: nil, count: cols * rows)
        marks = Array(repeating: nil, count: cols * rows)
    }

    var pixelWidth: Int { cols * sx }
    var pixelHeight: Int { rows * sy }

    /// Braille dot bit for (column 0/1, row 0...3) inside a cell (Unicode braille patterns).
    static let dotBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(_ px: Int, _ py: Int, role: Role, mark: Character) {
        guard px >= 0, py >= 0, px < pixelWidth, py < pixelHeight else { return }
        let i = (py / sy) * cols + px / sx
        bits[i] |= sx == 2 ? DotCanvas.dotBit[px % 2][py % 4] : 1
        roles[i] = role
        marks[i] = mark
    }

    func draw(into buf: inout ScreenBuffer, at origin: (x: Int, y: Int)) {
        for r in 0..<rows {
            for c in 0..<cols {
                let i = r * cols + c
                guard bits[i] != 0, let role = roles[i] else { continue }
                let ch: Character = sx == 2 ? Character(Unicode.Scalar(0x2800 + UInt32(bits[i]))!) : (marks[i] ?? "*")
                buf.put(origin.x + c, origin.y + r, ch, role)
            }
        }
    }
}

/// Draws accuracy per epoch into `rect`: a 3-column percentage axis on the left, lines for `series`, and dotted
/// horizontal reference lines (zero-shot accuracy) for `references`.
public func drawAccuracyChart(_ buf: inout ScreenBuffer, _ rect: Rect, series: [ChartSeries],
                              references: [(value: Double, role: Role)], totalEpochs: Int, glyphs: Glyphs) {
    guard rect.width >= 6, rect.height >= 2 else { return }
    let all = series.flatMap(\.values) + references.map(\.value)
    guard !all.isEmpty else {
        buf.text(rect.x, rect.y + rect.height / 2, fit("waiting for epochs", rect.width), .dim)
        return
    }
    // Round the range outward to whole tenths so the axis labels are readable.
    var lo = (all.min()! * 10).rounded(.down) / 10
    var hi = (all.max()! * 10).rounded(.up) / 10
    if hi - lo < 0.1 { hi = min(1, lo + 0.1); lo = hi - 0.1 }
    let axis = 3
    buf.text(rect.x, rect.y, fit(String(Int((hi * 100).rounded())), axis, alignRight: true), .dim)
    buf.text(rect.x, rect.maxY - 1, fit(String(Int((lo * 100).rounded())), axis, alignRight: true), .dim)
    let plot = Rect(x: rect.x + axis + 1, y: rect.y, width: rect.width - axis - 1, height: rect.height)
    for y in plot.y..<plot.maxY { buf.put(plot.x - 1, y, glyphs.vertical, .border) }
    var canvas = DotCanvas(cols: plot.width, rows: plot.height, braille: glyphs.braille)
    func py(_ v: Double) -> Double { (hi - v) / (hi - lo) * Double(canvas.pixelHeight - 1) }
    // Reference lines: every other dot column, so they read as dotted.
    for ref in references {
        let y = Int(py(ref.value).rounded())
        for x in stride(from: 0, to: canvas.pixelWidth, by: 2) { canvas.set(x, y, role: ref.role, mark: glyphs.dottedHorizontal) }
    }
    let n = max(totalEpochs, series.map(\.values.count).max() ?? 1)
    for s in series where !s.values.isEmpty {
        // x of epoch index i (0-based) across the canvas; one epoch sits at the left edge.
        func px(_ i: Int) -> Double { n <= 1 ? 0 : Double(i) / Double(n - 1) * Double(canvas.pixelWidth - 1) }
        if s.values.count == 1 {
            canvas.set(Int(px(0).rounded()), Int(py(s.values[0]).rounded()), role: s.role, mark: s.mark)
            continue
        }
        for i in 1..<s.values.count {
            let x0 = px(i - 1), x1 = px(i), y0 = py(s.values[i - 1]), y1 = py(s.values[i])
            let a = Int(x0.rounded()), b = Int(x1.rounded())
            var prevY = Int(y0.rounded())
            for x in a...max(a, b) {
                let t = b == a ? 1 : Double(x - a) / Double(b - a)
                let y = Int((y0 + (y1 - y0) * t).rounded())
                // Fill the vertical gap to the previous dot so steep segments stay connected.
                for yy in min(prevY, y)...max(prevY, y) { canvas.set(x, yy, role: s.role, mark: s.mark) }
                prevY = y
            }
        }
    }
    canvas.draw(into: &buf, at: (plot.x, plot.y))
}
