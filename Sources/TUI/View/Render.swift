// render(state, into: &buffer, theme:): lays out the panes for the terminal size and draws every widget.
import Experiments
import Foundation

/// The smallest terminal the workbench draws into.
public let minimumSize = (width: 64, height: 20)

/// Draws the whole screen for `state` into `buffer` (resized to the state's terminal size).
public func render(_ state: AppState, into buffer: inout ScreenBuffer, theme: Theme) {
    if buffer.width != state.width || buffer.height != state.height {
        buffer = ScreenBuffer(width: state.width, height: state.height)
    } else {
        buffer.fill(buffer.bounds)
    }
    let g = theme.glyphs
    guard state.width >= minimumSize.width, state.height >= minimumSize.height else {
        drawTooSmall(&buffer, state: state)
        if !g.braille { buffer.transliterateToASCII() }
        return
    }
    let screen = buffer.bounds
    let (titleRow, rest) = screen.splitTop(1)
    let (body, bottom) = rest.splitTop(rest.height - 2)
    drawTitleBar(&buffer, titleRow, state: state)
    switch state.screen {
    case .setup:
        drawSetup(&buffer, body, state: state, glyphs: g)
    case .runs, .panels, .log:
        let logHeight = max(5, body.height / 4)
        let (top, logRect) = body.splitTop(body.height - logHeight)
        let (list, panels) = top.splitLeft(max(22, min(34, top.width / 4)))
        drawRunList(&buffer, list, state: state, glyphs: g)
        drawLivePanels(&buffer, panels, state: state, glyphs: g)
        drawLogPane(&buffer, logRect, state: state, glyphs: g)
    case .results:
        let logHeight = max(5, body.height / 4)
        let (table, logRect) = body.splitTop(body.height - logHeight)
        drawResultsTable(&buffer, table, state: state, glyphs: g)
        drawLogPane(&buffer, logRect, state: state, glyphs: g)
    }
    if let s = state.status {
        buffer.text(0, bottom.y, fit(" " + s, bottom.width, ellipsis: g.ellipsis), .status)
    }
    drawHelpBar(&buffer, y: bottom.y + 1, width: bottom.width, state: state)
    if state.showHelp { drawHelpOverlay(&buffer, screen: screen, glyphs: g) }
    switch state.dialog {
    case .confirmQuit: drawConfirmQuit(&buffer, screen: screen, glyphs: g)
    case .export(let d): drawExportDialog(&buffer, d, screen: screen, glyphs: g)
    case nil: break
    }
    if !g.braille { buffer.transliterateToASCII() }
}

/// "ProGrad Workbench · experiment" on the left, grid progress and ETA on the right.
func drawTitleBar(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState) {
    buf.fill(r, " ", .selected)
    let name = state.runningExperiment ?? state.setup.choices.name
    buf.text(r.x, r.y, " ProGrad Workbench · \(name)", .selected, maxWidth: r.width)
    var right: String
    if state.progress.total > 0 {
        right = "\(state.progress.done)/\(state.progress.total) runs"
        if state.gridActive, let eta = state.progress.etaSeconds { right += " · ETA \(formatDuration(eta))" }
        if !state.gridActive { right += " · idle" }
    } else {
        right = "idle"
    }
    let panes = Pane.allCases.map { $0 == state.focus ? "[\($0.rawValue) \($0.title)]" : "\($0.rawValue)" }.joined(separator: " ")
    let full = right + "  " + panes + " "
    let left = 22 + name.count
    if r.width - left > full.count { buf.textRight(r.maxX, r.y, full, .selected) }
    else if r.width - left > right.count + 1 { buf.textRight(r.maxX, r.y, right + " ", .selected) }
}

/// The screen shown below the minimum size.
func drawTooSmall(_ buf: inout ScreenBuffer, state: AppState) {
    let lines = ["terminal too small",
                 "(have \(state.width)×\(state.height), need \(minimumSize.width)×\(minimumSize.height))",
                 "q quits"]
    let top = max(0, (state.height - lines.count) / 2)
    for (i, line) in lines.enumerated() where top + i < state.height {
        let l = line.count > state.width ? String(line.prefix(state.width)) : line
        buf.text(max(0, (state.width - l.count) / 2), top + i, l, i == 0 ? .warning : .normal)
    }
}

extension ScreenBuffer {
    /// Replaces every non-ASCII character with an ASCII stand-in (for terminals whose locale is not UTF-8).
    public mutating func transliterateToASCII() {
        for i in cells.indices {
            let c = cells[i].char
            if c.isASCII { continue }
            self[i % width, i / width] = Cell(asciiStandIn[c] ?? "?", cells[i].role)
        }
    }
}

let asciiStandIn: [Character: Character] = [
    "↑": "^", "↓": "v", "←": "<", "→": ">", "·": ".", "…": "~", "×": "x", "±": "~", "λ": "L", "‹": "<", "›": ">",
    "─": "-", "│": "|", "┌": "+", "┐": "+", "└": "+", "┘": "+", "┄": "-", "█": "#", "░": ".", "●": "*", "✓": "x",
    "▶": ">", "✗": "!", "↷": "=", "–": "-", "—": "-", "é": "e",
]
