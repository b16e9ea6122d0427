// A grid of cells (character + semantic role) that widgets draw into; the terminal layer presents it.
import Foundation

/// The semantic role of a cell; the theme turns it into colour and attributes.
public enum Role: UInt8, CaseIterable, Sendable {
    case normal, dim, title, border, focusBorder, selected, key, status
    case base, new, harmonic, zeroShot, conflict, cosine, best
    case queued, running, done, failed, cancelled
    case info, warning, error, progress, input
}

/// One screen cell. Every character the TUI draws occupies exactly one column.
public struct Cell: Equatable, Sendable {
    public var char: Character
    public var role: Role
    public init(_ char: Character = " ", _ role: Role = .normal) { self.char = char; self.role = role }
}

/// A rectangle on the screen, in cells.
public struct Rect: Equatable, Sendable {
    public var x: Int, y: Int, width: Int, height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = max(0, width); self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    /// The rectangle shrunk by `by` cells on every side.
    public func inset(_ by: Int) -> Rect { Rect(x: x + by, y: y + by, width: width - 2 * by, height: height - 2 * by) }
    /// Splits off `count` columns on the left.
    public func splitLeft(_ count: Int) -> (Rect, Rect) {
        let c = min(max(0, count), width)
        return (Rect(x: x, y: y, width: c, height: height), Rect(x: x + c, y: y, width: width - c, height: height))
    }
    /// Splits off `count` rows at the top.
    public func splitTop(_ count: Int) -> (Rect, Rect) {
        let c = min(max(0, count), height)
        return (Rect(x: x, y: y, width: width, height: c), Rect(x: x, y: y + c, width: width, height: height - c))
    }
    /// `n` side-by-side columns of (nearly) equal width covering the rectangle.
    public func columns(_ n: Int) -> [Rect] {
        guard n > 0 else { return [] }
        var out: [Rect] = []
        var left = x
        for i in 0..<n {
            let right = x + width * (i + 1) / n
            out.append(Rect(x: left, y: y, width: right - left, height: height))
            left = right
        }
        return out
    }
}

/// The frame being drawn: width × height cells.
public struct ScreenBuffer: Equatable, Sendable {
    public private(set) var width: Int
    public private(set) var height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width); self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Sets one cell; writes outside the buffer (or outside `clip`) are dropped.
    public mutating func put(_ x: Int, _ y: Int, _ ch: Character, _ role: Role, clip: Rect? = nil) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        if let c = clip, x < c.x || y < c.y || x >= c.maxX || y >= c.maxY { return }
        cells[y * width + x] = Cell(ch, role)
    }

    /// Writes `text` from (x, y), cut at `maxWidth` columns (with "…"/"~" when cut if `ellipsis`); returns columns used.
    @discardableResult
    public mutating func text(_ x: Int, _ y: Int, _ text: String, _ role: Role = .normal, maxWidth: Int? = nil,
                              ellipsis: Character? = nil) -> Int {
        let limit = maxWidth ?? (width - x)
        guard limit > 0 else { return 0 }
        let chars = Array(text)
        var n = 0
        for (i, ch) in chars.enumerated() {
            if n >= limit { break }
            if let e = ellipsis, chars.count > limit, n == limit - 1, i < chars.count - 1 {
                put(x + n, y, e, role); n += 1; break
            }
            put(x + n, y, ch, role); n += 1
        }
        return n
    }

    /// Fills a rectangle with one character and role.
    public mutating func fill(_ r: Rect, _ ch: Character = " ", _ role: Role = .normal) {
        for yy in r.y..<r.maxY where yy >= 0 && yy < height {
            for xx in r.x..<r.maxX where xx >= 0 && xx < width { cells[yy * width + xx] = Cell(ch, role) }
        }
    }

    /// The characters only, one line per row, trailing blanks kept (for snapshots).
    public var plainText: String {
        var lines: [String] = []
        for y in 0..<height { lines.append(String(cells[(y * width)..<((y + 1) * width)].map(\.char))) }
        return lines.joined(separator: "\n")
    }

    /// The row `y` as a string.
    public func line(_ y: Int) -> String { String(cells[(y * width)..<((y + 1) * width)].map(\.char)) }
}
