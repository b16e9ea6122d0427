// Colours by semantic role (colour and monochrome schemes, NO_COLOR honoured) and line-drawing glyphs (UTF-8 or ASCII).
import Foundation

/// A terminal colour (the eight ANSI colours, or the terminal's default).
public enum TermColor: Int16, Sendable { case `default` = -1, black = 0, red, green, yellow, blue, magenta, cyan, white }

/// How one role looks on the terminal.
public struct CellStyle: Equatable, Sendable {
    public var fg: TermColor = .default
    public var bg: TermColor = .default
    public var bold = false, reverse = false, dim = false, underline = false
    public init(fg: TermColor = .default, bg: TermColor = .default, bold: Bool = false, reverse: Bool = false,
                dim: Bool = false, underline: Bool = false) {
        self.fg = fg; self.bg = bg; self.bold = bold; self.reverse = reverse; self.dim = dim; self.underline = underline
    }
}

/// The characters used for borders, charts and markers.
public struct Glyphs: Equatable, Sendable {
    public var horizontal, vertical, topLeft, topRight, bottomLeft, bottomRight: Character
    public var barFull, barEmpty: Character
    /// Eight levels from low to high for sparklines.
    public var levels: [Character]
    public var dottedHorizontal: Character
    /// Braille dots for line charts (false: plot with ASCII marks).
    public var braille: Bool
    public var ellipsis: Character
    public var bullet: Character
    public var check: Character

    public static let unicode = Glyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
                                       bottomRight: "┘", barFull: "█", barEmpty: "░",
                                       levels: ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"], dottedHorizontal: "┄",
                                       braille: true, ellipsis: "…", bullet: "●", check: "✓")
    public static let ascii = Glyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
                                     bottomRight: "+", barFull: "#", barEmpty: ".",
                                     levels: ["_", ".", ",", "-", "=", "+", "*", "#"], dottedHorizontal: "-",
                                     braille: false, ellipsis: "~", bullet: "*", check: "x")
}

/// Glyphs plus the style of every role.
public struct Theme: Sendable {
    public var glyphs: Glyphs
    public var usesColor: Bool
    private var styles: [Role: CellStyle]

    public func style(_ role: Role) -> CellStyle { styles[role] ?? CellStyle() }

    /// Picks the theme for the environment: NO_COLOR (any value) or a terminal without colours gives monochrome;
    /// a non-UTF-8 locale gives ASCII glyphs.
    public static func forEnvironment(_ env: [String: String], colorCapable: Bool, utf8: Bool) -> Theme {
        let mono = env["NO_COLOR"] != nil || !colorCapable
        return Theme(glyphs: utf8 ? .unicode : .ascii, monochrome: mono)
    }

    public init(glyphs: Glyphs = .unicode, monochrome: Bool = false) {
        self.glyphs = glyphs
        usesColor = !monochrome
        styles = monochrome ? Theme.monochromeStyles : Theme.colorStyles
    }

    static let colorStyles: [Role: CellStyle] = [
        .normal: CellStyle(), .dim: CellStyle(dim: true), .title: CellStyle(fg: .cyan, bold: true),
        .border: CellStyle(fg: .blue), .focusBorder: CellStyle(fg: .cyan, bold: true),
        .selected: CellStyle(reverse: true), .key: CellStyle(fg: .yellow, bold: true), .status: CellStyle(fg: .cyan),
        .base: CellStyle(fg: .cyan), .new: CellStyle(fg: .magenta), .harmonic: CellStyle(fg: .white, bold: true),
        .zeroShot: CellStyle(fg: .yellow, dim: true), .conflict: CellStyle(fg: .red), .cosine: CellStyle(fg: .blue),
        .best: CellStyle(fg: .green, bold: true),
        .queued: CellStyle(dim: true), .running: CellStyle(fg: .yellow, bold: true), .done: CellStyle(fg: .green),
        .failed: CellStyle(fg: .red, bold: true), .cancelled: CellStyle(fg: .magenta),
        .info: CellStyle(), .warning: CellStyle(fg: .yellow), .error: CellStyle(fg: .red, bold: true),
        .progress: CellStyle(fg: .green), .input: CellStyle(underline: true),
    ]

    static let monochromeStyles: [Role: CellStyle] = [
        .normal: CellStyle(), .dim: CellStyle(dim: true), .title: CellStyle(bold: true), .border: CellStyle(),
        .focusBorder: CellStyle(bold: true), .selected: CellStyle(reverse: true), .key: CellStyle(bold: true),
        .status: CellStyle(bold: true), .base: CellStyle(), .new: CellStyle(), .harmonic: CellStyle(bold: true),
        .zeroShot: CellStyle(dim: true), .conflict: CellStyle(), .cosine: CellStyle(), .best: CellStyle(bold: true, underline: true),
        .queued: CellStyle(dim: true), .running: CellStyle(bold: true), .done: CellStyle(), .failed: CellStyle(bold: true),
        .cancelled: CellStyle(dim: true), .info: CellStyle(), .warning: CellStyle(bold: true),
        .error: CellStyle(bold: true, reverse: true), .progress: CellStyle(), .input: CellStyle(underline: true),
    ]
}
