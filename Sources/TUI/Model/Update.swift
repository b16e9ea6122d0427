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

let maxLogLines = 2000

func appendLog(_ state: inout AppState, _ level: LogLevel, _ text: String) {
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
        state.log.append(LogLine(level, String(line)))
    }
    if state.log.count > maxLogLines { state.log.removeFirst(state.log.count - maxLogLines) }
    if state.logScroll > 0 { state.logScroll = min(state.logScroll + 1, max(0, state.log.count - 1)) }
}

func clamp(_ v: Int, _ lo: Int, _ hi: Int) -> Int { hi < lo ? lo : min(max(v, lo), hi) }
