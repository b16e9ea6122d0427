// The results pane: the tables `prograd export` writes (ResultTable), mean ± std over seeds (no ± with one seed),
// the Average rows, best per (dataset, shots) block marked with *.
import Foundation
import Experiments

/// The lines of the results pane: per table a heading (when there are several), a header row and its rows.
func resultsLines(_ tables: [ResultTable]) -> [(text: [(String, Bool)], role: Role)] {
    var lines: [(text: [(String, Bool)], role: Role)] = []
    for table in tables {
        if tables.count > 1 { lines.append(([(table.protocolName, false)], .title)) }
        lines.append(([("Dataset", false), ("Shots", false), ("Method", false)] + table.columns.map { ($0, false) }, .title))
        for row in table.rows {
            let cells = row.cells.map { cell -> (String, Bool) in
                guard let cell else { return ("–", false) }
                return ((cell.best ? "*" : "") + TableFormatter.cellText(cell, plusMinus: "±"), cell.best)
            }
            lines.append(([(row.isAverage ? "Average" : row.dataset, false), ("\(row.shots)", false), (row.methodName, false)]
                          + cells, row.isAverage ? .dim : .normal))
        }
    }
    return lines
}

/// Draws the results tables of the finished runs.
public func drawResultsTable(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let tables = state.results
    let inner = buf.box(r, title: "4 Results: mean ± std over seeds, * best", focused: state.focus == .results, glyphs: g)
    guard tables.contains(where: { !$0.rows.isEmpty }) else {
        buf.text(inner.x, inner.y, fit("the table fills in as runs finish", inner.width), .dim)
        return
    }
    let valueWidth = 14
    let metrics = tables.map(\.columns.count).max() ?? 1
    let metricsWidth = metrics * (valueWidth + 1)
    let datasetWidth = max(7, min(20, inner.width - 7 - 15 - metricsWidth))
    let methodWidth = min(15, max(6, inner.width - datasetWidth - 7 - metricsWidth))
    let lines = resultsLines(tables)
    let top = min(state.resultsScroll, max(0, lines.count - inner.height))
    for (k, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
        let y = inner.y + k
        var x = inner.x
        if line.text.count == 1 { buf.text(x, y, line.text[0].0, line.role, maxWidth: inner.width); continue }
        let widths = [datasetWidth, 5, methodWidth]
        for (i, (text, best)) in line.text.enumerated() {
            let width = i < 3 ? widths[i] : valueWidth
            let cell = fit(text, width, ellipsis: g.ellipsis, alignRight: i == 1 || i >= 3)
            x += buf.text(x, y, (i > 0 ? " " : "") + cell, best ? .best : line.role, maxWidth: inner.maxX - x)
        }
    }
}
