// The results table: one row per (dataset, shots, method), mean ± std over seeds, an average row over datasets,
// and the best method per column within each (dataset, shots) block marked.
import Foundation

/// A statistic over seeds: mean and population standard deviation (numpy's default, ddof = 0), in percent.
public struct SeedStatistic: Sendable, Equatable, Codable {
    public var mean: Double
    public var std: Double?
    public var count: Int
    public var best: Bool = false

    /// Mean and std of fractions, reported in percent.
    public static func of(_ fractions: [Double]) -> SeedStatistic {
        let values = fractions.map { $0 * 100 }
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(values.count, 1))
        return SeedStatistic(mean: mean, std: variance.squareRoot(), count: values.count)
    }
}

/// One row of a table.
public struct ResultRow: Sendable, Equatable, Codable {
    public var dataset: String
    public var shots: Int
    public var method: String
    public var seeds: Int
    /// One statistic per column of the table (nil where a run had no such number).
    public var cells: [SeedStatistic?]
    public var isAverage: Bool
}

/// A table for one protocol.
public struct ResultTable: Sendable, Equatable, Codable {
    public var protocolName: String
    /// "Base", "New", "H" for base-to-new; "Accuracy" otherwise.
    public var columns: [String]
    public var rows: [ResultRow]

    /// Builds one table per protocol from finished records (unfinished runs are left out).
    public static func build(from records: [RunRecord]) -> [ResultTable] {
        var protocols: [String] = []
        for r in records where !protocols.contains(r.protocolName) { protocols.append(r.protocolName) }
        return protocols.map { name in build(protocolName: name, records: records.filter { $0.protocolName == name }) }
    }

    private struct Key: Hashable { var dataset: String; var shots: Int; var method: String }

    static func build(protocolName: String, records: [RunRecord]) -> ResultTable {
        let baseToNew = protocolName == ExperimentProtocol.baseToNew.rawValue
        let columns = baseToNew ? ["Base", "New", "H"] : ["Accuracy"]
        // Per-seed values by row key, in first-seen order.
        var order: [Key] = []
        var values: [Key: [[Double]]] = [:]   // key → per column list of per-seed values
        func add(_ key: Key, _ row: [Double?]) {
            if values[key] == nil { order.append(key); values[key] = Array(repeating: [], count: columns.count) }
            for (c, v) in row.enumerated() { if let v { values[key]![c].append(v) } }
        }
        let hasTargets = ExperimentProtocol(rawValue: protocolName)?.hasTargets ?? false
        var sources = Set<String>()   // cross-dataset / DG: the training dataset, left out of the average
        for record in records where record.status == .finished {
            guard let final = record.final else { continue }
            if hasTargets { sources.insert(record.id.dataset) }
            let key = Key(dataset: record.id.dataset, shots: record.id.shots, method: record.id.method)
            if baseToNew {
                add(key, [final.baseAccuracy, final.newAccuracy, final.harmonicMean])
            } else {
                add(key, [final.baseAccuracy])
                for (target, accuracy) in (final.targetAccuracies ?? [:]).sorted(by: { $0.key < $1.key }) {
                    add(Key(dataset: target, shots: record.id.shots, method: record.id.method), [accuracy])
                }
            }
        }
        // Rows grouped by dataset (in order of first appearance), then shots, then method order.
        var datasetOrder: [String] = [], methodOrder: [String] = []
        for key in order {
            if !datasetOrder.contains(key.dataset) { datasetOrder.append(key.dataset) }
            if !methodOrder.contains(key.method) { methodOrder.append(key.method) }
        }
        order = order.enumerated().sorted { a, b in
            let ka = (datasetOrder.firstIndex(of: a.element.dataset)!, a.element.shots, methodOrder.firstIndex(of: a.element.method)!)
            let kb = (datasetOrder.firstIndex(of: b.element.dataset)!, b.element.shots, methodOrder.firstIndex(of: b.element.method)!)
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
        var rows: [ResultRow] = order.map { key in
            let cols = values[key]!
            var cells = cols.map { $0.isEmpty ? nil : SeedStatistic.of($0) }
            if baseToNew, let b = cells[0], let n = cells[1] {
                // H of the mean Base and mean New (the papers' convention); std over the per-seed H values.
                cells[2]?.mean = harmonicMeanOf(b.mean, n.mean)
            }
            return ResultRow(dataset: key.dataset, shots: key.shots, method: key.method, seeds: cols[0].count,
                             cells: cells, isAverage: false)
        }
        // Average rows over datasets (over the targets for cross-dataset and domain generalization), per
        // (shots, method), when there is more than one dataset to average.
        let averaged = Set(order.map(\.dataset)).subtracting(sources)
        if averaged.count > 1 {
            var averageOrder: [Key] = []
            for key in order where averaged.contains(key.dataset) {
                let a = Key(dataset: "Average", shots: key.shots, method: key.method)
                if !averageOrder.contains(a) { averageOrder.append(a) }
            }
            for a in averageOrder {
                let members = rows.filter { $0.shots == a.shots && $0.method == a.method && averaged.contains($0.dataset) }
                var cells: [SeedStatistic?] = (0..<columns.count).map { c in
                    let means = members.compactMap { $0.cells[c]?.mean }
                    guard !means.isEmpty else { return nil }
                    return SeedStatistic(mean: means.reduce(0, +) / Double(means.count), std: nil, count: means.count)
                }
                if baseToNew, let b = cells[0], let n = cells[1] { cells[2]?.mean = harmonicMeanOf(b.mean, n.mean) }
                rows.append(ResultRow(dataset: "Average", shots: a.shots, method: a.method,
                                      seeds: members.map(\.seeds).min() ?? 0, cells: cells, isAverage: true))
            }
        }
        // Mark the best mean per column within each (dataset, shots) block (ties all marked; display precision).
        var blocks: [String: [Int]] = [:]
        for (i, row) in rows.enumerated() { blocks["\(row.dataset)|\(row.shots)", default: []].append(i) }
        for indices in blocks.values where indices.count > 1 {
            for c in 0..<columns.count {
                let rounded = indices.compactMap { rows[$0].cells[c].map { ($0.mean * 100).rounded() } }
                guard let top = rounded.max() else { continue }
                for i in indices where rows[i].cells[c].map({ ($0.mean * 100).rounded() }) == top {
                    rows[i].cells[c]?.best = true
                }
            }
        }
        return ResultTable(protocolName: protocolName, columns: columns, rows: rows)
    }
}
