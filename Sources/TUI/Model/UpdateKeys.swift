// Keys: focus, movement, the run list, dialogs, the filter, starting a grid.
import Foundation
import Experiments

func quitNow(_ state: inout AppState) -> [Effect] {
    state.shouldQuit = true
    return state.hasActiveRuns ? [.cancelAll, .quit] : [.quit]
}

func handleKey(_ state: inout AppState, _ key: Key) -> [Effect] {
    if key == .ctrlC { return quitNow(&state) }
    if let dialog = state.dialog { return handleDialogKey(&state, dialog, key) }
    if state.showHelp {
        if [.char("?"), .escape, .char("q"), .enter].contains(key) { state.showHelp = false }
        return []
    }
    if state.filterEditing != nil { editFilter(&state, key); return [] }
    if state.setup.editing != nil { editSetting(&state, key); return [] }
    guard let action = Keymap.action(for: key) else { return [] }
    return perform(action, &state)
}

func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
    switch action {
    case .help: state.showHelp = true
    case .quit:
        if state.hasActiveRuns { state.dialog = .confirmQuit } else { return quitNow(&state) }
    case .forceQuit: return quitNow(&state)
    case .nextFocus: setFocus(&state, Pane(rawValue: state.focus.rawValue % Pane.allCases.count + 1)!)
    case .previousFocus:
        setFocus(&state, Pane(rawValue: (state.focus.rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)!)
    case .focus(let pane): setFocus(&state, pane)
    case .moveUp: move(&state, by: -1)
    case .moveDown: move(&state, by: 1)
    case .pageUp: move(&state, by: -10)
    case .pageDown: move(&state, by: 10)
    case .top: move(&state, by: -1_000_000)
    case .bottom: move(&state, by: 1_000_000)
    case .moveLeft: sideways(&state, by: -1)
    case .moveRight: sideways(&state, by: 1)
    case .open: open(&state)
    case .toggle: if state.focus == .setup { toggleSetupRow(&state) }
    case .start: return start(&state)
    case .cancelRun:
        guard let run = state.selectedRun, run.status.isActive else {
            state.status = "no queued or running run selected"
            return []
        }
        state.status = "cancelling \(run.id)"
        return [.cancelRun(run.id)]
    case .filter:
        setFocus(&state, .runs)
        state.filterEditing = TextField(state.filter)
    case .export:
        guard state.results.contains(where: { !$0.rows.isEmpty }) else {
            state.status = "nothing to export yet: no run has finished"
            return []
        }
        let name = state.runningExperiment ?? state.setup.choices.name
        state.dialog = .export(ExportDialog(fileName: "results-\(name).csv"))
    case .save: return [.save(state.setup.choices)]
    case .close:
        if state.focus == .runs && !state.filter.isEmpty { state.filter = ""; state.runCursor = 0 }
        state.status = nil
    case .confirm: break
    }
    return []
}

func setFocus(_ state: inout AppState, _ pane: Pane) {
    state.focus = pane
    if pane != .log { state.lastMainPane = pane }
}

func move(_ state: inout AppState, by delta: Int) {
    switch state.focus {
    case .setup: moveSetupCursor(&state.setup, by: delta)
    case .runs:
        state.runCursor = clamp(state.runCursor + delta, 0, state.visibleRuns.count - 1)
        if let r = state.selectedRun { state.shownGroup = r.group; state.followRunning = false }
    case .panels: stepGroup(&state, by: delta > 0 ? 1 : -1)
    case .results: state.resultsScroll = clamp(state.resultsScroll + delta, 0, max(0, state.results.reduce(0) { $0 + $1.rows.count } - 1))
    case .log: state.logScroll = clamp(state.logScroll - delta, 0, max(0, state.log.count - 1))
    }
}

/// Moves the setup cursor; a method's settings unfold under it while the cursor is on the method or its settings,
/// and the cursor stays on the row it moved to when rows above it fold.
func moveSetupCursor(_ setup: inout SetupState, by delta: Int) {
    let rows = setup.rows
    guard !rows.isEmpty else { return }
    let target = rows[clamp(setup.cursor + delta, 0, rows.count - 1)]
    switch target {
    case .method(let i), .methodSetting(let i, _): setup.expandedMethod = i
    default: break
    }
    setup.cursor = setup.rows.firstIndex(of: target) ?? 0
}

func stepGroup(_ state: inout AppState, by delta: Int) {
    let groups = state.groups
    guard !groups.isEmpty else { return }
    let current = state.shownGroup.flatMap { groups.firstIndex(of: $0) } ?? 0
    state.shownGroup = groups[clamp(current + delta, 0, groups.count - 1)]
    state.followRunning = false
}

func sideways(_ state: inout AppState, by delta: Int) {
    switch state.focus {
    case .setup:
        let rows = state.setup.rows
        guard !rows.isEmpty else { return }
        switch rows[clamp(state.setup.cursor, 0, rows.count - 1)] {
        case .experiment:
            let n = state.setup.experiments.count
            guard n > 0 else { return }
            state.setup.selected = (state.setup.selected + delta + n) % n
            state.setup.cursor = 0
        case let row where settingDeclaration(state.setup.choices, row) != nil:
            stepSetting(&state.setup.choices, row, by: delta)
        default: break
        }
    case .panels: stepGroup(&state, by: delta)
    default: break
    }
}

func open(_ state: inout AppState) {
    switch state.focus {
    case .setup:
        let rows = state.setup.rows
        guard !rows.isEmpty else { return }
        switch rows[clamp(state.setup.cursor, 0, rows.count - 1)] {
        case .experiment: sideways(&state, by: 1)
        case let row where settingDeclaration(state.setup.choices, row) != nil:
            state.setup.editing = TextField(settingText(state.setup.choices, row))
        default: toggleSetupRow(&state)
        }
    case .runs:
        guard let r = state.selectedRun else { return }
        state.shownGroup = r.group
        state.followRunning = false
        setFocus(&state, .panels)
    default: break
    }
}

func start(_ state: inout AppState) -> [Effect] {
    if state.gridActive {
        state.status = "a grid is already running (x cancels a run, q quits)"
        return []
    }
    let choices = state.setup.choices
    let planned = choices.plannedRuns.count
    guard planned > 0 else {
        state.status = "nothing to run: switch on at least one dataset, shot count, method and seed"
        return []
    }
    state.runOrder = []; state.runs = [:]; state.runCursor = 0; state.filter = ""
    state.shownGroup = nil; state.followRunning = true
    state.progress = GridProgress(done: 0, total: planned, etaSeconds: choices.estimatedSeconds)
    state.gridActive = true
    state.runningExperiment = choices.name
    state.status = "started \(choices.name): \(planned) runs"
    appendLog(&state, .info, "started \(choices.name): \(planned) runs, \(choices.estimateText)")
    setFocus(&state, .runs)
    return [.startGrid(choices)]
}

// MARK: - Dialogs and text fields

func handleDialogKey(_ state: inout AppState, _ dialog: Dialog, _ key: Key) -> [Effect] {
    switch dialog {
    case .confirmQuit:
        switch key {
        case .char("y"), .char("Y"), .enter, .char("q"): return quitNow(&state)
        case .char("n"), .char("N"), .escape: state.dialog = nil
        default: break
        }
        return []
    case .export(var d):
        switch key {
        case .escape: state.dialog = nil; return []
        case .enter:
            let name = d.fileName.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { state.status = "the file name is empty"; return [] }
            state.dialog = nil
            state.status = "exporting \(name)…"
            return [.export(ExportRequest(format: d.format, path: name,
                                          experiment: state.runningExperiment ?? state.setup.choices.name))]
        case .up, .down, .tab, .backTab: d.row = 1 - d.row
        case .left where d.row == 0, .char("h") where d.row == 0: cycleFormat(&d, by: -1)
        case .right where d.row == 0, .char("l") where d.row == 0, .char(" ") where d.row == 0: cycleFormat(&d, by: 1)
        case .backspace where d.row == 1: if !d.fileName.isEmpty { d.fileName.removeLast() }
        case .char(let c) where d.row == 1: d.fileName.append(c)
        default: break
        }
        state.dialog = .export(d)
        return []
    }
}

/// Moves to the next/previous format and swaps the file name's extension when it has a known one.
func cycleFormat(_ d: inout ExportDialog, by delta: Int) {
    let all = ExportFormat.allCases
    let i = all.firstIndex(of: d.format)!
    let next = all[(i + delta + all.count) % all.count]
    let oldExt = "." + d.format.fileExtension
    if d.fileName.hasSuffix(oldExt) { d.fileName = String(d.fileName.dropLast(oldExt.count)) + "." + next.fileExtension }
    d.format = next
}

func editFilter(_ state: inout AppState, _ key: Key) {
    guard var field = state.filterEditing else { return }
    switch key {
    case .enter: state.filterEditing = nil; return
    case .escape: state.filterEditing = nil; state.filter = ""; state.runCursor = 0; return
    case .backspace: if !field.text.isEmpty { field.text.removeLast() }
    case .char(let c): field.text.append(c)
    default: return
    }
    state.filterEditing = field
    state.filter = field.text
    state.runCursor = 0
}
