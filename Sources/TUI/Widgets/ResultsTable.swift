// The results table pane: Base/New/H (or accuracy) as mean ± std over seeds, best per (dataset, shots) marked.
import Foundation

/// Draws the results table of the finished runs.
public func drawResultsTable(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let table = state.results
    let inner = buf.box(r, title: "4 Results: mean ± std over seeds, * best", focused: state.focus == .results, glyphs: g)
    guard !table.rows.isEmpty else {
        buf.text(inner.x, inner.y, fit("the table fills in as runs finish", inner.width), .dim)
        return
    }
    let valueWidth = 14
    let metricCols = table.hasNew ? ["Base", "New", "H"] : ["Accuracy"]
    // Dataset, " ", shots (5), " ", method, then " " + value per metric.
    let metricsWidth = metricCols.count * (valueWidth + 1)
    let datasetWidth = max(7, min(20, inner.width - 7 - 15 - metricsWidth))
    let methodWidth = min(15, max(6, inner.width - datasetWidth - 7 - metricsWidth))
    var header = fit("Dataset", datasetWidth) + " " + fit("Shots", 5) + " " + fit("Method", methodWidth)
    for m in metricCols { header += " " + fit(m, valueWidth, alignRight: true) }
    buf.text(inner.x, inner.y, header, .title, maxWidth: inner.width)
    let visible = inner.height - 1
    let top = min(state.resultsScroll, max(0, table.rows.count - visible))
    for (row, item) in table.rows.dropFirst(top).prefix(visible).enumerated() {
        let y = inner.y + 1 + row
        var x = inner.x
        x += buf.text(x, y, fit(item.dataset, datasetWidth, ellipsis: g.ellipsis) + " ", .normal, maxWidth: inner.maxX - x)
        x += buf.text(x, y, fit("\(item.shots)", 5, alignRight: true) + " ", .normal, maxWidth: inner.maxX - x)
        x += buf.text(x, y, fit(MethodNames.display(item.method), methodWidth, ellipsis: g.ellipsis), .normal,
                      maxWidth: inner.maxX - x)
        let cells: [(SeedStat?, Bool)] = table.hasNew
            ? [(item.base, item.bestBase), (item.new, item.bestNew), (item.harmonic, item.bestHarmonic)]
            : [(item.base, item.bestBase)]
        for (stat, best) in cells {
            let s = stat.map { (best ? "*" : "") + $0.formatted } ?? "-"
            x += buf.text(x, y, " " + fit(s, valueWidth, alignRight: true), best ? .best : .normal, maxWidth: inner.maxX - x)
        }
    }
}
