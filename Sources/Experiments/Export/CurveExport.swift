// Per-epoch curves: mean over seeds per (dataset, shots, method, epoch), as CSV and as SVG charts (accuracy, conflict rate).
import Foundation

/// Per-epoch curves of the finished and unfinished runs of a set of records.
public struct CurveExport: Sendable {
    public struct Point: Sendable, Equatable {
        public var epoch: Int
        public var base: Double
        public var new: Double?
        public var conflictRate: Double?
        public var meanCosine: Double?
        public var lossCE: Double
        public var lossKL: Double?
        public var lr: Double
        public var seeds: Int
    }
    public struct Curve: Sendable, Equatable {
        public var dataset: String
        public var shots: Int
        public var method: String
        public var points: [Point]
    }

    public var curves: [Curve]

    /// Averages each epoch's metrics over the seeds that reached it.
    public init(records: [RunRecord]) {
        var order: [String] = []
        var grouped: [String: (dataset: String, shots: Int, method: String, epochs: [Int: [EpochMetrics]])] = [:]
        for r in records where !r.epochs.isEmpty {
            let key = "\(r.id.dataset)|\(r.id.shots)|\(r.id.label)"
            if grouped[key] == nil { order.append(key); grouped[key] = (r.id.dataset, r.id.shots, r.id.label, [:]) }
            for e in r.epochs { grouped[key]!.epochs[e.epoch, default: []].append(e) }
        }
        func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }
        curves = order.map { key in
            let g = grouped[key]!
            let points = g.epochs.keys.sorted().map { epoch -> Point in
                let es = g.epochs[epoch]!
                return Point(epoch: epoch, base: mean(es.map(\.baseAccuracy))!, new: mean(es.compactMap(\.newAccuracy)),
                             conflictRate: mean(es.compactMap(\.conflictRate)), meanCosine: mean(es.compactMap(\.meanCosine)),
                             lossCE: mean(es.map(\.lossCE))!, lossKL: mean(es.compactMap(\.lossKL)), lr: mean(es.map(\.lr))!,
                             seeds: es.count)
            }
            return Curve(dataset: g.dataset, shots: g.shots, method: g.method, points: points)
        }
    }

    /// dataset,shots,method,epoch,seeds,base_acc,new_acc,h,conflict_rate,mean_cosine,loss_ce,loss_kl,lr (accuracies in %).
    public func csv() -> String {
        func o(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "" }
        var out = "dataset,shots,method,epoch,seeds,base_acc,new_acc,h,conflict_rate,mean_cosine,loss_ce,loss_kl,lr\n"
        for c in curves {
            for p in c.points {
                let h = p.new.map { harmonicMeanOf(p.base, $0) * 100 }
                out += [TableFormatter.csvField(c.dataset), String(c.shots), TableFormatter.csvField(c.method),
                        String(p.epoch), String(p.seeds), o(p.base * 100), o(p.new.map { $0 * 100 }), o(h),
                        o(p.conflictRate, 4), o(p.meanCosine, 4), o(p.lossCE, 4), o(p.lossKL, 4),
                        String(format: "%.6g", p.lr)].joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// SVG charts per (dataset, shots): file name → SVG text. "<dataset>-<K>shot-accuracy.svg" (base solid, new
    /// dashed, one colour per method) and, when any method has one, "<dataset>-<K>shot-conflict.svg".
    public func charts() -> [(fileName: String, svg: String)] {
        var groups: [String] = []
        for c in curves where !groups.contains("\(c.dataset)|\(c.shots)") { groups.append("\(c.dataset)|\(c.shots)") }
        var methods: [String] = []
        for c in curves where !methods.contains(c.method) { methods.append(c.method) }
        func color(_ method: String) -> String {
            SVGLineChart.palette[(methods.firstIndex(of: method) ?? 0) % SVGLineChart.palette.count]
        }
        var out: [(String, String)] = []
        for group in groups {
            let members = curves.filter { "\($0.dataset)|\($0.shots)" == group }
            guard let first = members.first else { continue }
            let safe = String(first.dataset.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })
            var accuracy: [SVGLineChart.Series] = []
            for c in members {
                let hasNew = c.points.contains { $0.new != nil }
                accuracy.append(.init(name: hasNew ? "\(c.method) base" : c.method,
                                      points: c.points.map { (Double($0.epoch), $0.base * 100) }, color: color(c.method)))
                if hasNew {
                    accuracy.append(.init(name: "\(c.method) new", points: c.points.compactMap { p in p.new.map { (Double(p.epoch), $0 * 100) } },
                                          color: color(c.method), dashed: true))
                }
            }
            out.append(("\(safe)-\(first.shots)shot-accuracy.svg",
                        SVGLineChart(title: "\(first.dataset), \(first.shots) shots: test accuracy per epoch",
                                     xLabel: "epoch", yLabel: "accuracy (%)", series: accuracy, yRange: 0...100).render()))
            let conflict = members.compactMap { c -> SVGLineChart.Series? in
                let pts = c.points.compactMap { p in p.conflictRate.map { (Double(p.epoch), $0 * 100) } }
                return pts.isEmpty ? nil : .init(name: c.method, points: pts, color: color(c.method))
            }
            if !conflict.isEmpty {
                out.append(("\(safe)-\(first.shots)shot-conflict.svg",
                            SVGLineChart(title: "\(first.dataset), \(first.shots) shots: gradient-conflict rate per epoch",
                                         xLabel: "epoch", yLabel: "conflicting steps (%)", series: conflict, yRange: 0...100).render()))
            }
        }
        return out
    }
}
