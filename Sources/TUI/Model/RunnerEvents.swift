// Runner events folded into the state: run statuses, epochs, finals, progress and the log.
import Foundation
import Experiments

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
    case .progress(let p):
        state.progress = p
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
