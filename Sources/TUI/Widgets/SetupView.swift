// The setup screen: pick the experiment, toggle datasets/shots/methods/seeds, edit settings; runs and time estimate.
import Foundation

/// The text of one setup row (without cursor marks).
func setupRowText(_ row: SetupRow, _ setup: SetupState, glyphs g: Glyphs) -> String {
    let c = setup.choices
    func check(_ on: Bool) -> String { on ? "[\(g.check)]" : "[ ]" }
    switch row {
    case .experiment:
        let n = setup.experiments.count
        return "‹ \(c.name) ›" + (n > 1 ? "  \(setup.selected + 1)/\(n)" : "")
    case .dataset(let i): return "\(check(c.datasets[i].on)) \(c.datasets[i].value)"
    case .shots(let i): return "\(check(c.shots[i].on)) \(c.shots[i].value)-shot"
    case .method(let i):
        let folded = setup.expandedMethod != i && !c.methods[i].fields.isEmpty
        return "\(check(c.methods[i].on)) \(c.methods[i].displayName)" + (folded ? " …" : "")
    case .seed(let i): return "\(check(c.seeds[i].on)) seed \(c.seeds[i].value)"
    case .methodSetting, .training:
        return settingLabel(row, c) + settingText(c, row)
    }
}

/// The label column of a setting row ("  n_ctx     " under its method, "epochs     " under Training).
func settingLabel(_ row: SetupRow, _ c: SetupChoices) -> String {
    let label = settingDeclaration(c, row)?.label ?? ""
    if case .methodSetting = row { return "    " + fit(label, 11) }
    return fit(label, 11)
}

/// Draws the setup pane.
public func drawSetup(_ buf: inout ScreenBuffer, _ r: Rect, state: AppState, glyphs g: Glyphs) {
    let setup = state.setup
    let focused = state.focus == .setup
    let inner = buf.box(r, title: "1 Setup: \(setup.choices.name)", focused: focused, glyphs: g)
    buf.textRight(r.maxX - 2, r.y, " \(state.source) ", .dim)
    guard inner.height >= 3 else { return }
    let body = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height - 2)
    let rows = setup.rows
    // Two columns: experiment, datasets, shots on the left; methods, seeds, settings on the right.
    let splitAt = rows.firstIndex { if case .method = $0 { return true } else { return false } } ?? rows.count
    let halves = body.columns(2)
    for (half, range) in [(halves[0], 0..<splitAt), (halves[1], splitAt..<rows.count)] {
        // Lines: a heading before each new section, then the rows.
        var lines: [(text: String, row: Int?)] = []
        var section = ""
        for i in range {
            if rows[i].section != section {
                if !lines.isEmpty { lines.append(("", nil)) }
                section = rows[i].section
                lines.append((section, nil))
            }
            lines.append((setupRowText(rows[i], setup, glyphs: g), i))
        }
        let cursorLine = lines.firstIndex { $0.row == setup.cursor } ?? 0
        let top = max(0, min(cursorLine - half.height + 2, lines.count - half.height))
        for (k, line) in lines.dropFirst(top).prefix(half.height).enumerated() {
            let y = half.y + k
            guard let i = line.row else { buf.text(half.x, y, line.text, .title, maxWidth: half.width - 1); continue }
            let isCursor = i == setup.cursor
            var text = "  " + line.text
            if isCursor, let e = setup.editing, settingDeclaration(setup.choices, rows[i]) != nil {
                text = "  " + settingLabel(rows[i], setup.choices) + e.text + "_"
                buf.text(half.x, y, fit(text, half.width - 1), .input)
                continue
            }
            buf.text(half.x, y, fit(text, half.width - 1, ellipsis: g.ellipsis),
                     isCursor ? (focused ? .selected : .title) : .normal)
        }
    }
    let c = setup.choices
    let runs = c.plannedRuns.count
    let summary = "\(runs) runs (\(c.trainedDatasets.count) datasets × \(c.shots.filter(\.on).count) shots × "
        + "\(c.methods.filter(\.on).count) methods × \(c.seeds.filter(\.on).count) seeds)"
        + (runs > 0 ? "  " + c.estimateText : "")
    buf.text(inner.x + 1, inner.maxY - 1, fit(summary, inner.width - 2, ellipsis: g.ellipsis), runs > 0 ? .status : .warning)
}
