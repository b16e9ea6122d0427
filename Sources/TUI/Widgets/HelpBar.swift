// The help bar at the bottom and the ? overlay, both built from the one key table.
import Foundation

/// The help bar's items for the focused pane: "key help" pairs from `Keymap`.
public func helpBarItems(for state: AppState) -> [(key: String, help: String)] {
    if state.dialog != nil {
        switch state.dialog! {
        case .confirmQuit: return [("y", "quit"), ("n", "stay")]
        case .export: return [("Enter", "export"), ("↑/↓", "field"), ("←/→", "format"), ("Esc", "cancel")]
        }
    }
    if state.showHelp { return [("?/Esc", "close help")] }
    if state.filterEditing != nil || state.setup.editing != nil { return [("Enter", "apply"), ("Esc", "cancel")] }
    return Keymap.helpBar(for: state.focus).map { ($0.label, $0.help) }
}

/// Draws the help bar into row `y`.
public func drawHelpBar(_ buf: inout ScreenBuffer, y: Int, width: Int, state: AppState) {
    var x = 0
    for item in helpBarItems(for: state) {
        let need = item.key.count + 1 + item.help.count + 2
        if x + need > width { break }
        x += buf.text(x, y, item.key, .key)
        x += buf.text(x, y, " " + item.help + "  ", .dim)
    }
}

/// Draws the ? overlay: every binding of the key table, in columns.
public func drawHelpOverlay(_ buf: inout ScreenBuffer, screen: Rect, glyphs g: Glyphs) {
    let items = Keymap.bindings.map { ($0.label, $0.help) }
    let labelWidth = items.map(\.0.count).max()! + 2
    let itemWidth = labelWidth + items.map(\.1.count).max()!
    let maxRows = max(1, screen.height - 4)
    let columns = (items.count + maxRows - 1) / maxRows
    let rows = (items.count + columns - 1) / columns
    let width = min(screen.width, columns * (itemWidth + 2) + 2)
    let height = min(screen.height, rows + 2)
    let r = Rect(x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width: width, height: height)
    let inner = buf.box(r, title: "Keys (? or Esc closes)", focused: true, glyphs: g)
    let colWidth = columns > 0 ? inner.width / columns : inner.width
    for (i, item) in items.enumerated() {
        let c = i / rows, row = i % rows
        guard row < inner.height else { continue }
        let x = inner.x + c * colWidth
        buf.text(x, inner.y + row, fit(item.0, labelWidth), .key, maxWidth: colWidth)
        buf.text(x + labelWidth, inner.y + row, item.1, .normal, maxWidth: max(0, colWidth - labelWidth - 1))
    }
}
