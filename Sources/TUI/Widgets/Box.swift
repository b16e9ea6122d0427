// A bordered box with a title: the frame every pane and dialog is drawn in.
import Foundation

extension ScreenBuffer {
    /// Draws a border around `r` with `title` on the top edge; returns the inner rectangle.
    @discardableResult
    public mutating func box(_ r: Rect, title: String, focused: Bool, glyphs g: Glyphs) -> Rect {
        guard r.width >= 2, r.height >= 2 else { return Rect(x: r.x, y: r.y, width: 0, height: 0) }
        let role: Role = focused ? .focusBorder : .border
        for x in r.x + 1..<r.maxX - 1 { put(x, r.y, g.horizontal, role); put(x, r.maxY - 1, g.horizontal, role) }
        for y in r.y + 1..<r.maxY - 1 { put(r.x, y, g.vertical, role); put(r.maxX - 1, y, g.vertical, role) }
        put(r.x, r.y, g.topLeft, role); put(r.maxX - 1, r.y, g.topRight, role)
        put(r.x, r.maxY - 1, g.bottomLeft, role); put(r.maxX - 1, r.maxY - 1, g.bottomRight, role)
        if !title.isEmpty, r.width > 4 {
            text(r.x + 1, r.y, " \(title) ", focused ? .focusBorder : .title, maxWidth: r.width - 2, ellipsis: g.ellipsis)
        }
        let inner = r.inset(1)
        fill(inner)
        return inner
    }

    /// Writes `text` right-aligned so that it ends at column `maxX` (exclusive).
    public mutating func textRight(_ maxX: Int, _ y: Int, _ text: String, _ role: Role = .normal) {
        self.text(maxX - text.count, y, text, role, maxWidth: text.count)
    }
}

/// Pads or cuts `s` to exactly `width` columns (cut text ends with `ellipsis`).
public func fit(_ s: String, _ width: Int, ellipsis: Character = "…", alignRight: Bool = false) -> String {
    guard width > 0 else { return "" }
    if s.count > width { return String(s.prefix(width - 1)) + String(ellipsis) }
    let pad = String(repeating: " ", count: width - s.count)
    return alignRight ? pad + s : s + pad
}
