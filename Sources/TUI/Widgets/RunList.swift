// The run list: every run of the grid with its status, the selected one highlighted, filtered by "/".
import Foundation
import Experiments

/// The one-character status mark of a run.
public func statusGlyph(_ s: LiveStatus, _ g: Glyphs) -> Character {
    let unicode = g.braille
    switch s {
    case .queued: return unicode ? "·" : "."
    case .running: return unicode ? "▶" : ">"
    case .done: return unicode ? "✓" : "+"
    case .skipped: return unicode ? "↷" : "="
    case .failed: return unicode ? "✗" : "!"
    case .cancelled: return "-"
    }
}

/// Method names for lists: the declaration's short name ("ZS", "PG" when `narrow`) or display name; labels stay.
func shortMethod(_ id: RunID, narrow: Bool) -> String {
    guard id.label == id.kind.name, let d = id.kind.declaration else { return id.label }
    return narrow || d.kind == .zeroshot ? d.shortName : d.displayName
}

/// Draws the run list pane.
public func drawRunList(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let focused = state.focus == .runs
    var title = "2 Runs"
    if !state.filter.isEmpty || state.filterEditing != nil { title += " /\(state.filter)" }
    let counts = "\(state.runs.values.filter { $0.status == .done || $0.status == .skipped }.count)/\(state.runOrder.count)"
    var inner = buf.box(r, title: title, focused: focused, glyphs: g)
    if r.width > title.count + counts.count + 8 { buf.textRight(r.maxX - 2, r.y, " \(counts) ", .dim) }
    if let f = state.filterEditing {
        buf.text(inner.x, inner.y, fit("/" + f.text + "_", inner.width), .input)
        inner = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
    }
    let runs = state.visibleRuns
    if runs.isEmpty {
        let msg = state.runOrder.isEmpty ? "no runs yet: s starts" : "no run matches"
        buf.text(inner.x, inner.y, fit(msg, inner.width), .dim)
        return
    }
    let cursor = min(max(0, state.runCursor), runs.count - 1)
    let top = max(0, min(cursor - inner.height / 2, runs.count - inner.height))
    for row in 0..<min(inner.height, runs.count - top) {
        let run = runs[top + row]
        let y = inner.y + row
        let selected = top + row == cursor
        // Narrow lists drop the value column (H, or accuracy) and shorten method names.
        let narrow = inner.width < 26
        var value = ""
        if !narrow, let b = run.latestBase {
            value = String(format: "%.0f", (run.latestNew.map { harmonicMeanOf(b, $0) } ?? b) * 100)
        }
        let name = "\(run.id.dataset) \(run.id.shots)s s\(run.id.seed) \(shortMethod(run.id, narrow: narrow))"
        let line = " " + fit(name, inner.width - 2 - (value.isEmpty ? 0 : value.count + 1), ellipsis: g.ellipsis)
            + (value.isEmpty ? "" : " " + value)
        buf.put(inner.x, y, statusGlyph(run.status, g), statusRole(run.status))
        buf.text(inner.x + 1, y, fit(line, inner.width - 1), selected && focused ? .selected : (selected ? .title : .normal))
    }
}
