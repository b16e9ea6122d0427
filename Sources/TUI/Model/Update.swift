// update(&state, msg) -> [Effect]: every change of the workbench's state happens here, without a terminal.
import Foundation
import Experiments

/// Applies one message to the state and returns the work the loop must do.
public func update(_ state: inout AppState, _ msg: Msg) -> [Effect] {
    switch msg {
    case .key(let key): return handleKey(&state, key)
    case .resize(let w, let h):
        state.width = w; state.height = h
        return []
    case .engine(let event):
        apply(event, to: &state)
        return []
    case .outputLine(let line):
        appendLog(&state, .warning, line)
        return []
    case .startFailed(let message):
        state.gridActive = false
        state.status = "could not start: \(message)"
        appendLog(&state, .error, "could not start: \(message)")
        return []
    case .exportFinished(let result), .saveFinished(let result):
        switch result {
        case .success(let text):
            state.status = text
            appendLog(&state, .info, text)
        case .failure(let error):
            state.status = error.message
            appendLog(&state, .error, error.message)
        }
        return []
    case .terminate:
        return quitNow(&state)
    }
}

// MARK: - Keys

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
        guard !state.results.rows.isEmpty else {
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
    case .setup:
        state.setup.cursor = clamp(state.setup.cursor + delta, 0, state.setup.rows.count - 1)
    case .runs:
        state.runCursor = clamp(state.runCursor + delta, 0, state.visibleRuns.count - 1)
        if let r = state.selectedRun { state.shownGroup = r.group; state.followRunning = false }
    case .panels: stepGroup(&state, by: delta > 0 ? 1 : -1)
    case .results: state.resultsScroll = clamp(state.resultsScroll + delta, 0, max(0, state.results.rows.count - 1))
    case .log: state.logScroll = clamp(state.logScroll - delta, 0, max(0, state.log.count - 1))
    }
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
        case .setting(let field): stepSetting(&state.setup.choices.settings, field, by: delta)
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
        case .setting(let field): state.setup.editing = TextField(settingText(state.setup.choices.settings, field))
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

func toggleSetupRow(_ state: inout AppState) {
    let rows = state.setup.rows
    guard !rows.isEmpty else { return }
    switch rows[clamp(state.setup.cursor, 0, rows.count - 1)] {
    case .dataset(let i): state.setup.choices.datasets[i].on.toggle()
    case .shots(let i): state.setup.choices.shots[i].on.toggle()
    case .method(let i): state.setup.choices.methods[i].on.toggle()
    case .seed(let i): state.setup.choices.seeds[i].on.toggle()
    case .experiment, .setting: break
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
    state.progress = (0, planned, choices.estimatedSeconds)
    state.gridActive = true
    state.runningExperiment = choices.name
    state.methodKinds = choices.methodKinds
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

func editSetting(_ state: inout AppState, _ key: Key) {
    guard var field = state.setup.editing else { return }
    let rows = state.setup.rows
    guard case .setting(let which) = rows[clamp(state.setup.cursor, 0, rows.count - 1)] else {
        state.setup.editing = nil; return
    }
    switch key {
    case .escape: state.setup.editing = nil
    case .enter:
        if let error = applySettingText(&state.setup.choices.settings, which, field.text) {
            state.status = error
        } else {
            state.setup.editing = nil
            state.status = nil
        }
    case .backspace:
        if !field.text.isEmpty { field.text.removeLast() }
        state.setup.editing = field
    case .char(let c):
        field.text.append(c)
        state.setup.editing = field
    default: break
    }
}

// MARK: - Settings

/// The text shown (and edited) for a setting.
public func settingText(_ s: MethodSettings, _ field: SettingField) -> String {
    switch field {
    case .nCtx: return "\(s.nCtx)"
    case .ctxInit: return s.ctxInit
    case .lambda: return String(format: "%g", s.lambda)
    case .temperature: return String(format: "%g", s.temperature)
    case .epochs: return s.epochs.map { "\($0)" } ?? "auto"
    case .augmentViews: return "\(s.augmentViews)"
    }
}

/// Parses an edited setting; returns an error message, or nil when applied.
public func applySettingText(_ s: inout MethodSettings, _ field: SettingField, _ text: String) -> String? {
    let t = text.trimmingCharacters(in: .whitespaces)
    switch field {
    case .nCtx:
        guard let v = Int(t), (1...77).contains(v) else { return "n_ctx must be a whole number from 1 to 77" }
        s.nCtx = v
    case .ctxInit:
        s.ctxInit = t.isEmpty ? "random" : t
    case .lambda:
        guard let v = Double(t), v >= 0, v <= 10 else { return "λ must be a number from 0 to 10 (0 = CoOp)" }
        s.lambda = v
    case .temperature:
        guard let v = Double(t), v > 0, v <= 100 else { return "T must be a number above 0 (1 = the reference)" }
        s.temperature = v
    case .epochs:
        if t.lowercased() == "auto" || t.isEmpty { s.epochs = nil; return nil }
        guard let v = Int(t), v >= 1 else { return "epochs must be a whole number ≥ 1, or auto (by shots)" }
        s.epochs = v
    case .augmentViews:
        guard let v = Int(t), (0...256).contains(v) else { return "aug. views must be a whole number from 0 to 256 (0 = center crop)" }
        s.augmentViews = v
    }
    return nil
}

/// The epoch ladder that ←/→ walk (nil = by shots).
let epochLadder: [Int?] = [nil, 1, 2, 5, 10, 20, 50, 100, 200, 400]

func stepSetting(_ s: inout MethodSettings, _ field: SettingField, by delta: Int) {
    switch field {
    case .nCtx: s.nCtx = clamp(s.nCtx + delta, 1, 77)
    case .ctxInit: s.ctxInit = s.ctxInit == "random" ? "a photo of a" : "random"
    case .lambda: s.lambda = (min(10, max(0, s.lambda + 0.1 * Double(delta))) * 10).rounded() / 10
    case .temperature: s.temperature = min(100, max(0.5, s.temperature + 0.5 * Double(delta)))
    case .epochs:
        let i = epochLadder.firstIndex(of: s.epochs) ?? (epochLadder.lastIndex { ($0 ?? 0) <= (s.epochs ?? 0) } ?? 0)
        s.epochs = epochLadder[clamp(i + delta, 0, epochLadder.count - 1)]
    case .augmentViews: s.augmentViews = clamp(s.augmentViews + delta, 0, 256)
    }
}

// MARK: - Engine events

let maxLogLines = 2000

func appendLog(_ state: inout AppState, _ level: LogLevel, _ text: String) {
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        state.log.append(LogLine(level, String(line)))
    }
    if state.log.count > maxLogLines { state.log.removeFirst(state.log.count - maxLogLines) }
    if state.logScroll > 0 { state.logScroll = min(state.logScroll + 1, max(0, state.log.count - 1)) }
}

func record(_ state: inout AppState, _ id: RunID, status: LiveStatus? = nil) {
    if state.runs[id] == nil {
        state.runs[id] = LiveRun(id: id, status: status ?? .queued)
        state.runOrder.append(id)
    } else if let s = status {
        state.runs[id]!.status = s
    }
}

func apply(_ event: RunEvent, to state: inout AppState) {
    switch event {
    case .queued(let id):
        record(&state, id, status: .queued)
    case .started(let id, let resumed):
        record(&state, id, status: .running)
        state.runs[id]!.resumedFromEpoch = resumed
        if resumed > 0 { appendLog(&state, .info, "resumed \(id) from epoch \(resumed)") }
        if state.followRunning { state.shownGroup = id.group }
    case .epochFinished(let id, let m):
        record(&state, id, status: .running)
        var r = state.runs[id]!
        r.epochs.removeAll { $0.epoch >= m.epoch }
        r.epochs.append(m)
        state.runs[id] = r
    case .finished(let id, let f):
        record(&state, id, status: .done)
        state.runs[id]!.final = f
        if f.skippedImages > 0 { appendLog(&state, .warning, "\(id): skipped \(f.skippedImages) unreadable images") }
    case .skipped(let id, let f):
        record(&state, id, status: .skipped)
        state.runs[id]!.final = f
        appendLog(&state, .info, "\(id): already in the results, skipped")
    case .failed(let id, let message):
        record(&state, id, status: .failed)
        state.runs[id]!.message = message
        appendLog(&state, .error, "\(id) failed: \(message)")
    case .cancelled(let id):
        record(&state, id, status: .cancelled)
        appendLog(&state, .warning, "\(id) cancelled")
    case .progress(let done, let total, let eta):
        state.progress = (done, total, eta)
    case .log(let level, let text):
        appendLog(&state, level, text)
    case .gridFinished(let failed):
        state.gridActive = false
        // A grid stopped early leaves runs that never started: they will not run now.
        for id in state.runOrder where state.runs[id]?.status.isActive == true { state.runs[id]!.status = .cancelled }
        let n = state.runOrder.count
        state.status = failed == 0 ? "grid finished: \(n) runs" : "grid finished: \(n) runs, \(failed) failed"
        appendLog(&state, failed == 0 ? .info : .warning, state.status!)
    }
}

extension RunID {
    /// The (dataset, shots, seed) group of this run.
    public var group: RunGroup { RunGroup(dataset: dataset, shots: shots, seed: seed) }
}

func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { hi < lo ? lo : min(max(v, lo), hi) }
