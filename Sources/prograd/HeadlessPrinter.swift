// The headless front end: one line per run event, then the final table.
import Experiments
import Foundation

/// Formats RunEvents as single lines (nil for events it does not print).
enum HeadlessPrinter {
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.2f", $0 * 100) } ?? "-" }

    /// The line for an event.
    static func line(for event: RunEvent) -> String? {
        switch event {
        case .queued: return nil
        case .started(let id, let from):
            return from > 0 ? "start  \(id) (resuming after epoch \(from))" : "start  \(id)"
        case .epochFinished(let id, let m):
            var s = "epoch  \(id) \(m.epoch)/\(m.epochs) loss_ce \(String(format: "%.4f", m.lossCE))"
            if let kl = m.lossKL { s += " loss_kl \(String(format: "%.4f", kl))" }
            s += " lr \(String(format: "%.3g", m.lr)) base \(pct(m.baseAccuracy))"
            if let n = m.newAccuracy { s += " new \(pct(n)) H \(pct(m.harmonicMean))" }
            if let c = m.conflictRate { s += " conflict \(pct(c))%" }
            if let cos = m.meanCosine { s += " cos \(String(format: "%.3f", cos))" }
            return s + " \(String(format: "%.1f", m.seconds))s"
        case .finished(let id, let f):
            return "done   \(id) base \(pct(f.baseAccuracy))" + (f.newAccuracy.map { " new \(pct($0)) H \(pct(f.harmonicMean))" } ?? "")
                + (f.targetAccuracies.map { " " + $0.sorted { $0.key < $1.key }.map { "\($0.key) \(pct($0.value))" }.joined(separator: " ") } ?? "")
                + (f.skippedImages > 0 ? " (\(f.skippedImages) images skipped)" : "")
        case .skipped(let id, _): return "skip   \(id) (already finished)"
        case .failed(let id, let message): return "FAILED \(id): \(message)"
        case .cancelled(let id): return "cancel \(id) (resumes from its last finished epoch)"
        case .progress(let p):
            return "progress \(p.done)/\(p.total) runs" + (p.etaSeconds.map { ", ETA \(formatDuration($0))" } ?? "")
        case .log(let level, let message): return "\(level.rawValue): \(message)"
        case .gridFinished(let failed): return failed == 0 ? "grid finished" : "grid finished, \(failed) run(s) failed"
        }
    }
}
