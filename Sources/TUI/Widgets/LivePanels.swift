// The live pane: one panel per method for the shown (dataset, shots, seed), side by side.
import Foundation

/// Draws the live panels of the shown group.
public func drawLivePanels(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let runs = state.shownRuns
    let group = runs.first?.group
    let title = "3 Live" + (group.map { ": \($0)" } ?? "")
    let inner = buf.box(r, title: title, focused: state.focus == .panels, glyphs: g)
    if state.groups.count > 1, let group, let i = state.groups.firstIndex(of: group) {
        buf.textRight(r.maxX - 2, r.y, " ←\(i + 1)/\(state.groups.count)→ ", .dim)
    }
    guard !runs.isEmpty else {
        buf.text(inner.x, inner.y, fit("the panels fill in once a run starts", inner.width), .dim)
        return
    }
    let zeroShot = runs.first { $0.id.kind.declaration?.trains == false }
    let hasProGrad = runs.contains { $0.id.kind.declaration?.reportsConflicts == true }
    let cols = inner.columns(runs.count)
    for (i, (run, col)) in zip(runs, cols).enumerated() {
        // One blank column between panels.
        let c = i < cols.count - 1 ? Rect(x: col.x, y: col.y, width: col.width - 1, height: col.height) : col
        if i > 0 { for y in col.y..<col.maxY { buf.put(col.x - 1, y, g.vertical, .border) } }
        drawMethodPanel(&buf, c, run: run, zeroShot: zeroShot,
                        showConflictRows: hasProGrad, glyphs: g)
    }
}
