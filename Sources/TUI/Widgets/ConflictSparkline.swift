// ProGrad's gradient conflicts per epoch: a sparkline of the conflict rate and one of the mean cos(g_d, g_g).
import Foundation

/// Draws `values` (each mapped from [lo, hi] to eight levels) as a sparkline of at most `width` cells, newest on the
/// right; when there are more epochs than cells, each cell shows the mean of its bucket of epochs.
public func drawSparkline(_ buf: inout ScreenBuffer, x: Int, y: Int, width: Int, values: [Double], lo: Double, hi: Double,
                          role: Role, glyphs: Glyphs) {
    guard width > 0, !values.isEmpty else { return }
    let cells = min(width, values.count)
    for c in 0..<cells {
        let from = c * values.count / cells, to = max(from + 1, (c + 1) * values.count / cells)
        let v = values[from..<to].reduce(0, +) / Double(to - from)
        let t = max(0, min(1, (v - lo) / (hi - lo)))
        buf.put(x + c, y, glyphs.levels[min(glyphs.levels.count - 1, Int(t * Double(glyphs.levels.count)))], role)
    }
}

/// The two ProGrad rows: "conf <sparkline> 34%" and "cos  <sparkline> -0.12".
public func drawConflictRows(_ buf: inout ScreenBuffer, x: Int, y: Int, width: Int, conflict: [Double],
                             cosine: [Double], glyphs: Glyphs) {
    guard width >= 10 else { return }
    let label = 5, value = 6
    let spark = width - label - value
    buf.text(x, y, "conf", .conflict)
    drawSparkline(&buf, x: x + label, y: y, width: spark, values: conflict, lo: 0, hi: 1, role: .conflict, glyphs: glyphs)
    if let last = conflict.last { buf.textRight(x + width, y, String(format: "%.0f%%", last * 100), .conflict) }
    buf.text(x, y + 1, "cos", .cosine)
    drawSparkline(&buf, x: x + label, y: y + 1, width: spark, values: cosine, lo: -1, hi: 1, role: .cosine, glyphs: glyphs)
    if let last = cosine.last { buf.textRight(x + width, y + 1, String(format: "%+.2f", last), .cosine) }
}
