// The live panel of one method for the shown (dataset, shots, seed): accuracy chart, H, conflicts, loss, lr, progress.
import Foundation
import Experiments

/// Draws one method's column into `r`; `zeroShot` is the group's zero-shot run (its accuracy is the reference line).
public func drawMethodPanel(_ buf: inout ScreenBuffer, _ r: Rect, run: LiveRun, zeroShot: LiveRun?,
                            showConflictRows: Bool, glyphs g: Glyphs) {
    guard r.width >= 10, r.height >= 6 else { return }
    let declaration = run.id.kind.declaration
    let isZeroShot = declaration?.trains == false
    // Title row: method and status.
    let status = run.status == .running ? (run.epochs.last.map { "ep \($0.epoch)/\($0.epochs)" } ?? "starting")
        : run.status.rawValue
    let nameWidth = r.width - status.count - 1
    let fullName = run.id.methodName
    let name = fullName.count <= nameWidth || !isZeroShot ? fullName : "Zero-shot"
    buf.text(r.x, r.y, fit(name, nameWidth, ellipsis: g.ellipsis), .title)
    buf.textRight(r.maxX, r.y, status, statusRole(run.status))

    let fixedRows = 4 + (showConflictRows ? 2 : 0)   // title, legend, loss/lr, progress (+ conflict rows)
    let chartRect = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - fixedRows)
    var series: [ChartSeries] = []
    var references: [(value: Double, role: Role)] = []
    if let z = zeroShot, let zb = z.latestBase {
        references.append((zb, .zeroShot))
        if let zn = z.latestNew { references.append((zn, .zeroShot)) }
    }
    if !isZeroShot {
        let news = run.epochs.compactMap(\.newAccuracy)
        if news.count == run.epochs.count, !news.isEmpty {
            series.append(ChartSeries(values: news, role: .new, mark: "o"))
        }
        series.append(ChartSeries(values: run.epochs.map(\.baseAccuracy), role: .base, mark: "*"))
    }
    let total = run.epochs.last?.epochs ?? 1
    if chartRect.height >= 2 {
        if isZeroShot && references.isEmpty {
            buf.text(chartRect.x, chartRect.y + chartRect.height / 2, fit("evaluating…", chartRect.width), .dim)
        } else {
            drawAccuracyChart(&buf, chartRect, series: series, references: references, totalEpochs: total, glyphs: g)
        }
    }
    var y = chartRect.maxY
    // Legend: latest base / new / H in percent.
    let base = run.latestBase, new = run.latestNew
    var x = r.x
    func legend(_ label: String, _ v: Double?, _ role: Role) {
        guard let v, x < r.maxX else { return }
        let s = String(format: "%@%.1f ", label, v * 100)
        x += buf.text(x, y, s, role, maxWidth: r.maxX - x)
    }
    legend("B", base, .base)
    legend("N", new, .new)
    if let b = base, let n = new { legend("H", harmonicMeanOf(b, n), .harmonic) }
    if base == nil { buf.text(r.x, y, fit(run.status == .queued ? "queued" : "no epoch yet", r.width), .dim) }
    y += 1
    if showConflictRows {
        if declaration?.reportsConflicts == true {
            drawConflictRows(&buf, x: r.x, y: y, width: r.width, conflict: run.epochs.compactMap(\.conflictRate),
                             cosine: run.epochs.compactMap(\.meanCosine), glyphs: g)
        } else if !isZeroShot {
            buf.text(r.x, y, fit("no projection", r.width), .dim)
        }
        y += 2
    }
    if let last = run.epochs.last {
        let loss = String(format: "loss %.3f", last.lossCE)
        let lr = String(format: "lr %.1e", last.lr)
        let line = loss.count + lr.count + 1 <= r.width ? loss + String(repeating: " ", count: r.width - loss.count - lr.count) + lr : loss
        buf.text(r.x, y, line, .normal, maxWidth: r.width)
    } else if let f = run.final {
        buf.text(r.x, y, fit("done in \(formatDuration(f.seconds))", r.width), .dim)
    }
    y += 1
    drawProgressBar(&buf, x: r.x, y: y, width: r.width, fraction: run.fractionDone,
                    trailing: run.etaSeconds.map { formatDuration($0) } ?? "", glyphs: g)
}

/// "████░░░░ 42% 1m05s".
public func drawProgressBar(_ buf: inout ScreenBuffer, x: Int, y: Int, width: Int, fraction: Double, trailing: String,
                            glyphs g: Glyphs) {
    let pct = String(format: "%3.0f%%", max(0, min(1, fraction)) * 100)
    let tail = trailing.isEmpty ? pct : pct + " " + trailing
    let barWidth = width - tail.count - 1
    guard barWidth >= 3 else { buf.text(x, y, tail, .progress, maxWidth: width); return }
    let filled = Int((max(0, min(1, fraction)) * Double(barWidth)).rounded(.down))
    for i in 0..<barWidth { buf.put(x + i, y, i < filled ? g.barFull : g.barEmpty, i < filled ? .progress : .dim) }
    buf.text(x + barWidth + 1, y, tail, .normal)
}

/// The role that colours a run status.
public func statusRole(_ s: LiveStatus) -> Role {
    switch s {
    case .queued: return .queued
    case .running: return .running
    case .done, .skipped: return .done
    case .failed: return .failed
    case .cancelled: return .cancelled
    }
}
