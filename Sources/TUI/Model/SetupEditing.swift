// Setup editing: switching rows on and off, and editing method and training settings through their declarations
// (the declaration parses, checks and steps each value).
import Engine
import Foundation
import Experiments

func toggleSetupRow(_ state: inout AppState) {
    let rows = state.setup.rows
    guard !rows.isEmpty else { return }
    switch rows[clamp(state.setup.cursor, 0, rows.count - 1)] {
    case .dataset(let i): state.setup.choices.datasets[i].on.toggle()
    case .shots(let i): state.setup.choices.shots[i].on.toggle()
    case .method(let i): state.setup.choices.methods[i].on.toggle()
    case .seed(let i): state.setup.choices.seeds[i].on.toggle()
    case let row where settingDeclaration(state.setup.choices, row) != nil:
        // Space flips a yes/no setting and cycles a choice; numbers and text are edited with Enter or ←/→.
        switch settingDeclaration(state.setup.choices, row)!.type {
        case .bool, .choice: stepSetting(&state.setup.choices, row, by: 1)
        default: break
        }
    default: break
    }
}

/// The declaration of a setting row.
func settingDeclaration(_ c: SetupChoices, _ row: SetupRow) -> SettingDeclaration? {
    switch row {
    case .methodSetting(let m, let key): return c.methods[m].fields.declaration(key)
    case .training(let key): return SetupChoices.trainingFields.declaration(key)
    default: return nil
    }
}

/// The current value of a setting row (nil = absent: the default applies).
func settingValue(_ c: SetupChoices, _ row: SetupRow) -> SettingValue? {
    switch row {
    case .methodSetting(let m, let key): return c.methods[m].settings[key]
    case .training(let key): return c.training[key]
    default: return nil
    }
}

func setSettingValue(_ c: inout SetupChoices, _ row: SetupRow, _ value: SettingValue?) {
    switch row {
    case .methodSetting(let m, let key): c.methods[m].settings[key] = value
    case .training(let key): c.training[key] = value
    default: break
    }
}

/// The text shown (and edited) for a setting row: its value, or what its absence means.
public func settingText(_ c: SetupChoices, _ row: SetupRow) -> String {
    guard let d = settingDeclaration(c, row) else { return "" }
    return settingValue(c, row)?.description ?? d.defaultValue?.description ?? d.absentLabel
}

/// Parses an edited setting; returns an error message, or nil when applied. An empty text (or "auto") of a setting
/// without a default clears it.
public func applySettingText(_ c: inout SetupChoices, _ row: SetupRow, _ text: String) -> String? {
    guard let d = settingDeclaration(c, row) else { return nil }
    let t = text.trimmingCharacters(in: .whitespaces)
    if d.defaultValue == nil && (t.isEmpty || t.lowercased() == "auto") { setSettingValue(&c, row, nil); return nil }
    do { setSettingValue(&c, row, try d.parse(t)) } catch { return String(describing: error) }
    return nil
}

/// ←/→ on a setting row: the declaration's step (an absent epochs count steps from "auto" to a number and back).
func stepSetting(_ c: inout SetupChoices, _ row: SetupRow, by delta: Int) {
    guard let d = settingDeclaration(c, row) else { return }
    let current = settingValue(c, row)
    if d.defaultValue == nil, case .int = d.type {
        // Walk a ladder that includes "absent" (auto) below its lowest rung.
        let ladder: [Int?] = [nil, 1, 2, 5, 10, 20, 50, 100, 200, 400]
        let v = current?.intValue
        let i = ladder.firstIndex(of: v) ?? (ladder.lastIndex { ($0 ?? 0) <= (v ?? 0) } ?? 0)
        setSettingValue(&c, row, ladder[clamp(i + delta, 0, ladder.count - 1)].map { .int($0) })
        return
    }
    if case .text(let placeholder) = d.type, placeholder != nil { return }   // templates are typed, not stepped
    setSettingValue(&c, row, d.stepped(current, by: delta))
}

func editSetting(_ state: inout AppState, _ key: Key) {
    guard var field = state.setup.editing else { return }
    let rows = state.setup.rows
    let row = rows[clamp(state.setup.cursor, 0, rows.count - 1)]
    guard settingDeclaration(state.setup.choices, row) != nil else { state.setup.editing = nil; return }
    switch key {
    case .escape: state.setup.editing = nil
    case .enter:
        if let error = applySettingText(&state.setup.choices, row, field.text) {
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
