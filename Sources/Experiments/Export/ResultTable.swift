// The results table: one row per (dataset, shots, method), mean ± std over seeds, an average row over datasets,
// and the best method per column within each (dataset, shots) block marked.
import Engine
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

/// One run's final numbers, as tables read them (from the results store or from a live grid).
public struct ResultEntry: Sendable, Equatable {
    public var id: RunID
    public var final: FinalMetrics
    public init(id: RunID, final: FinalMetrics) { self.id = id; self.final = final }
}

/// One row of a table.
public struct ResultRow: Sendable, Equatable, Codable {
    public var dataset: String
    public var shots: Int
    /// The method's label (what exports print).
    public var method: String
    /// The method's name as the workbench shows it (e.g. "CoOp" for the label "coop").
    public var methodName: String
    public var seeds: Int
    /// One statistic per column of the table (nil where a run had no such number).
    public var cells: [SeedStatistic?]
    public var isAverage: Bool

    private enum CodingKeys: String, CodingKey { case dataset, shots, method, seeds, cells, isAverage }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try c.decode(String.self, forKey: .dataset); shots = try c.decode(Int.self, forKey: .shots)
        method = try c.decode(String.self, forKey: .method); methodName = method
        seeds = try c.decode(Int.self, forKey: .seeds); cells = try c.decode([SeedStatistic?].self, forKey: .cells)
        isAverage = try c.decode(Bool.self, forKey: .isAverage)
    }

    init(dataset: String, shots: Int, method: String, methodName: String, seeds: Int, cells: [SeedStatistic?],
         isAverage: Bool) {
        self.dataset = dataset; self.shots = shots; self.method = method; self.methodName = methodName
        self.seeds = seeds; self.cells = cells; self.isAverage = isAverage
    }
}

/// A table for one protocol.
public struct ResultTable: Sendable, Equatable, Codable {
    public var protocolName: String
    /// "Base", "New", "H" for base-to-new; "Accuracy" otherwise.
    public var columns: [String]
    public var rows: [ResultRow]

    /// Builds one table per protocol from finished records (unfinished runs are left out).
    public static func build(from records: [RunRecord]) -> [ResultTable] {
        build(entries: records.compactMap { r in
            r.status == .finished ? r.final.map { ResultEntry(id: r.id, final: $0) } : nil
        })
    }

    /// Builds one table per protocol from finished runs, in the order of their first entries.
    public static func build(entries: [ResultEntry]) -> [ResultTable] {
        var protocols: [ExperimentProtocol] = []
        for e in entries where !protocols.contains(e.id.protocol) { protocols.append(e.id.protocol) }
        return protocols.map { p in build(protocol: p, entries: entries.filter { $0.id.protocol == p }) }
    }

    private struct Key: Hashable { var dataset: String; var shots: Int; var method: String }

    static func build(protocol: ExperimentProtocol, entries: [ResultEntry]) -> ResultTable {
        let protocolName = `protocol`.rawValue
        let baseToNew = `protocol` == .baseToNew
        let columns = baseToNew ? ["Base", "New", "H"] : ["Accuracy"]
        // Per-seed values by row key, in first-seen order.
        var order: [Key] = []
        var values: [Key: [[Double]]] = [:]   // key → per column list of per-seed values
        func add(_ key: Key, _ row: [Double?]) {
            if values[key] == nil { order.append(key); values[key] = Array(repeating: [], count: columns.count) }
            for (c, v) in row.enumerated() { if let v { values[key]![c].append(v) } }
        }
        let hasTargets = `protocol`.hasTargets
        var methodNames: [String: String] = [:]
        var sources = Set<String>()   // cross-dataset / DG: the training dataset, left out of the average
        for record in entries {
            let final = record.final
            methodNames[record.id.label] = record.id.methodName
            if hasTargets { sources.insert(record.id.dataset) }
            let key = Key(dataset: record.id.dataset, shots: record.id.shots, method: record.id.label)
            if baseToNew {
                add(key, [final.baseAccuracy, final.newAccuracy, final.harmonicMean])
            } else {
                add(key, [final.baseAccuracy])
                for (target, accuracy) in (final.targetAccuracies ?? [:]).sorted(by: { $0.key < $1.key }) {
                    add(Key(dataset: target, shots: record.id.shots, method: record.id.label), [accuracy])
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
            return ResultRow(dataset: key.dataset, shots: key.shots, method: key.method,
                             methodName: methodNames[key.method] ?? key.method, seeds: cols[0].count,
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
                                      methodName: methodNames[a.method] ?? a.method, seeds: members.map(\.seeds).min() ?? 0, cells: cells, isAverage: true))
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
