// The log pane: the runner's warnings and notes (and anything written to stderr), newest at the bottom.
import Foundation

/// Draws the log pane; `state.logScroll` lines up from the newest.
public func drawLogPane(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let title = "5 Log" + (state.logScroll > 0 ? " (\(state.logScroll) newer below)" : "")
    let inner = buf.box(r, title: title, focused: state.focus == .log, glyphs: g)
    guard inner.height > 0 else { return }
    let end = max(0, state.log.count - state.logScroll)
    let lines = state.log[max(0, end - inner.height)..<end]
    for (i, line) in lines.enumerated() {
        let (prefix, role): (String, Role) = {
            switch line.level {
            case .info: return ("", .info)
            case .warning: return ("warning: ", .warning)
            case .error: return ("error: ", .error)
            }
        }()
        buf.text(inner.x, inner.y + i, fit(prefix + line.text, inner.width, ellipsis: g.ellipsis), role)
    }
}
