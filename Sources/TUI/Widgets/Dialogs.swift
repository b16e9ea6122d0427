// Modal dialogs: the quit question and the export dialog (format and file name).
import Foundation
import Experiments

func centered(_ screen: Rect, width: Int, height: Int) -> Rect {
    let w = min(screen.width, width), h = min(screen.height, height)
    return Rect(x: screen.x + (screen.width - w) / 2, y: screen.y + (screen.height - h) / 2, width: w, height: h)
}

/// Draws the quit question.
public func drawConfirmQuit(_ buf: inout ScreenBuffer, screen: Rect, glyphs g: Glyphs) {
    let inner = buf.box(centered(screen, width: 50, height: 5), title: "Quit?", focused: true, glyphs: g)
    buf.text(inner.x + 1, inner.y, "Runs are still active.", .warning, maxWidth: inner.width - 1)
    buf.text(inner.x + 1, inner.y + 1, "Cancel them and quit?", .normal, maxWidth: inner.width - 1)
    buf.text(inner.x + 1, inner.y + 2, "y quit   n stay", .key, maxWidth: inner.width - 1)
}

/// Draws the export dialog.
public func drawExportDialog(_ buf: inout ScreenBuffer, _ d: ExportDialog, screen: Rect, glyphs g: Glyphs) {
    let inner = buf.box(centered(screen, width: 56, height: 6), title: "Export results", focused: true, glyphs: g)
    var x = inner.x + 1
    x += buf.text(x, inner.y, "Format  ", d.row == 0 ? .title : .normal)
    for f in ExportFormat.allCases {
        let label = f == d.format ? "[\(f.rawValue)]" : " \(f.rawValue) "
        x += buf.text(x, inner.y, label + " ", f == d.format ? (d.row == 0 ? .selected : .title) : .dim,
                      maxWidth: inner.maxX - x)
    }
    buf.text(inner.x + 1, inner.y + 1, "File    ", d.row == 1 ? .title : .normal)
    let field = fit(d.fileName + (d.row == 1 ? "_" : ""), inner.width - 10)
    buf.text(inner.x + 9, inner.y + 1, field, d.row == 1 ? .input : .normal)
    buf.text(inner.x + 1, inner.y + 3, "Enter export  ↑/↓ field  ←/→ format  Esc cancel", .dim, maxWidth: inner.width - 1)
}
