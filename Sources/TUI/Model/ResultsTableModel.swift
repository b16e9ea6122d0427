// The results table: one row per (dataset, shots, method), Base/New/H as mean ± std over the finished seeds, best marked.
import Foundation
import Experiments

/// Mean and population standard deviation (ddof = 0, as numpy and `prograd export`) of a metric over seeds, in percent.
public struct SeedStat: Equatable, Sendable {
    public var mean: Double
    /// nil for averages over datasets (a std over datasets is not a spread over seeds).
    public var std: Double?
    public var count: Int

    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        let m = mean
        std = values.isEmpty ? 0 : (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    /// "72.31 ± 1.20", or "72.31" without a std.
    public var formatted: String { std.map { String(format: "%.2f ± %.2f", mean, $0) } ?? String(format: "%.2f", mean) }
}

/// One row of the results table.
public struct ResultsRow: Equatable, Sendable {
    public var dataset: String
    public var shots: Int
    public var method: String
    public var seeds: [Int]
    public var base: SeedStat
    public var new: SeedStat?
    public var harmonic: SeedStat?
    /// Best in its (dataset, shots) block, per column.
    public var bestBase = false, bestNew = false, bestHarmonic = false
}

/// The dataset name of the rows that average over datasets.
public let averageRowName = "Average"

/// The results table of the finished runs.
public struct ResultsTableModel: Equatable, Sendable {
    public var rows: [ResultsRow]
    /// True when any row has new-class accuracy (base-to-new protocol): columns Base/New/H, else Accuracy.
    public var hasNew: Bool { rows.contains { $0.new != nil } }

    public init(rows: [ResultsRow]) { self.rows = rows }

    /// Builds the table from finished (done or skipped) runs; rows in the order their first run appears in `runs`.
    /// H is the harmonic mean of the mean Base and mean New (the papers' convention), its std that of the per-seed H.
    /// With more than one dataset, "Average" rows (mean over datasets per shots and method) follow.
    public static func build(from runs: [LiveRun]) -> ResultsTableModel {
        struct Key: Hashable { var dataset: String, shots: Int, method: String }
        var order: [Key] = []
        var finals: [Key: [(Int, FinalMetrics)]] = [:]
        for r in runs where r.status == .done || r.status == .skipped {
            guard let f = r.final else { continue }
            let k = Key(dataset: r.id.dataset, shots: r.id.shots, method: r.id.method)
            if finals[k] == nil { order.append(k) }
            finals[k, default: []].append((r.id.seed, f))
        }
        var rows: [ResultsRow] = order.map { k in
            let fs = finals[k]!.sorted { $0.0 < $1.0 }
            let news = fs.compactMap { $0.1.newAccuracy }
            let hasNew = news.count == fs.count
            let base = SeedStat(fs.map { $0.1.baseAccuracy * 100 })
            let new = hasNew ? SeedStat(news.map { $0 * 100 }) : nil
            var h = hasNew ? SeedStat(fs.compactMap { $0.1.harmonicMean.map { $0 * 100 } }) : nil
            if let n = new { h?.mean = harmonicMeanOf(base.mean, n.mean) }
            return ResultsRow(dataset: k.dataset, shots: k.shots, method: k.method, seeds: fs.map(\.0),
                              base: base, new: new, harmonic: h)
        }
        // Average over datasets per (shots, method): the mean of the dataset means.
        if Set(rows.map(\.dataset)).count > 1 {
            var keys: [String] = []
            var members: [String: [ResultsRow]] = [:]
            for r in rows {
                let k = "\(r.shots)\u{0}\(r.method)"
                if members[k] == nil { keys.append(k) }
                members[k, default: []].append(r)
            }
            for k in keys {
                let group = members[k]!
                func avg(_ stats: [SeedStat?]) -> SeedStat? {
                    let vs = stats.compactMap { $0?.mean }
                    return vs.count == stats.count ? SeedStat(vs) : nil
                }
                var base = SeedStat(group.map(\.base.mean)), new = avg(group.map(\.new))
                var h = new.map { SeedStat([harmonicMeanOf(base.mean, $0.mean)]) }
                base.std = nil; new?.std = nil; h?.std = nil
                rows.append(ResultsRow(dataset: averageRowName, shots: group[0].shots, method: group[0].method,
                                       seeds: group[0].seeds, base: base, new: new, harmonic: h))
            }
        }
        // Mark the best mean per column within each (dataset, shots) block.
        var blocks: [String: [Int]] = [:]
        for (i, r) in rows.enumerated() { blocks["\(r.dataset)\u{0}\(r.shots)", default: []].append(i) }
        for idx in blocks.values {
            func mark(_ value: (ResultsRow) -> Double?, _ set: (inout ResultsRow) -> Void) {
                let vals = idx.compactMap { i in value(rows[i]).map { (i, $0) } }
                guard vals.count > 1, let best = vals.map(\.1).max() else { return }
                for (i, v) in vals where abs(v - best) < 1e-9 { set(&rows[i]) }
            }
            mark({ $0.base.mean }) { $0.bestBase = true }
            mark({ $0.new?.mean }) { $0.bestNew = true }
            mark({ $0.harmonic?.mean }) { $0.bestHarmonic = true }
        }
        return ResultsTableModel(rows: rows)
    }
}
