// The setup choices of one experiment: what to run (datasets × shots × methods × seeds) and the methods' key settings.
import Foundation
import Experiments

/// One option that can be switched on or off.
public struct Toggle<Value: Hashable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var on: Bool
    public init(_ value: Value, on: Bool = true) { self.value = value; self.on = on }
}

/// The key settings of the learned methods, shared by CoOp and ProGrad.
public struct MethodSettings: Equatable, Sendable {
    /// Number of learned context vectors M.
    public var nCtx: Int
    /// Words that initialise the context, or "random" (N(0, 0.02)).
    public var ctxInit: String
    /// ProGrad's λ (strength of the projection).
    public var lambda: Double
    /// ProGrad's distillation temperature T.
    public var temperature: Double
    /// Epochs for every shot count; nil = by shots as the reference (1→50, 2/4→100, 8/16→200).
    public var epochs: Int?
    /// Augmented views per training image whose features are cached (0 = the center crop only).
    public var augmentViews: Int

    public init(nCtx: Int = 16, ctxInit: String = "a photo of a", lambda: Double = 1, temperature: Double = 1,
                epochs: Int? = nil, augmentViews: Int = 0) {
        self.nCtx = nCtx; self.ctxInit = ctxInit; self.lambda = lambda; self.temperature = temperature
        self.epochs = epochs; self.augmentViews = augmentViews
    }

    /// Epochs for a shot count: the override, else the reference schedule.
    public func epochs(forShots shots: Int) -> Int {
        if let e = epochs { return e }
        switch shots {
        case ...1: return 50
        case 2...4: return 100
        default: return 200
        }
    }
}

/// The identity of a planned run before a spec hash exists.
public struct PlannedRun: Hashable, Sendable {
    public var dataset: String, shots: Int, method: String, seed: Int
}

/// Everything the setup screen edits for one named experiment.
public struct SetupChoices: Equatable, Sendable {
    public var name: String
    public var datasets: [Toggle<String>]
    public var shots: [Toggle<Int>]
    public var methods: [Toggle<String>]
    public var seeds: [Toggle<Int>]
    public var settings: MethodSettings
    /// Measured seconds for one epoch of each method (for the time estimate); missing methods use `defaultSecondsPerEpoch`.
    public var secondsPerEpoch: [String: Double]
    public var defaultSecondsPerEpoch: Double
    /// The kind ("zeroshot", "coop", "prograd") of methods whose name is a label (e.g. "coop-random" → "coop").
    public var methodKinds: [String: String] = [:]

    /// The kind of a method name: its entry in `methodKinds`, else the name itself.
    public func kind(of method: String) -> String { methodKinds[method] ?? method }

    public init(name: String, datasets: [Toggle<String>], shots: [Toggle<Int>], methods: [Toggle<String>],
                seeds: [Toggle<Int>], settings: MethodSettings = MethodSettings(),
                secondsPerEpoch: [String: Double] = [:], defaultSecondsPerEpoch: Double = 1) {
        self.name = name; self.datasets = datasets; self.shots = shots; self.methods = methods; self.seeds = seeds
        self.settings = settings; self.secondsPerEpoch = secondsPerEpoch; self.defaultSecondsPerEpoch = defaultSecondsPerEpoch
    }

    /// The runs these choices make, grouped so that the methods of one (dataset, shots, seed) are adjacent.
    public var plannedRuns: [PlannedRun] {
        var out: [PlannedRun] = []
        for d in datasets where d.on {
            for k in shots where k.on {
                for s in seeds where s.on {
                    for m in methods where m.on {
                        out.append(PlannedRun(dataset: d.value, shots: k.value, method: m.value, seed: s.value))
                    }
                }
            }
        }
        return out
    }


    /// True when some planned method has no measured epoch time, so the estimate is a guess.
    public var estimateIsGuess: Bool { plannedRuns.contains { secondsPerEpoch[$0.method] == nil } }

    /// True when no planned method has a measured epoch time: any number would be made up.
    public var estimateIsUnknown: Bool { !plannedRuns.contains { secondsPerEpoch[$0.method] != nil } }

    /// The estimate as the setup screen and the log show it: measured, partly guessed, or not known yet.
    public var estimateText: String {
        if estimateIsUnknown { return "time known after the first epochs" }
        return "estimate \(formatDuration(estimatedSeconds))" + (estimateIsGuess ? " (partly a guess)" : "")
    }

    /// Estimated wall time of the whole grid in seconds.
    public var estimatedSeconds: Double {
        plannedRuns.reduce(0) { acc, r in
            let perEpoch = secondsPerEpoch[r.method] ?? defaultSecondsPerEpoch
            let epochs = MethodNames.isZeroShot(kind(of: r.method)) ? 1 : settings.epochs(forShots: r.shots)
            return acc + perEpoch * Double(epochs)
        }
    }
}

/// Display names of the methods the workbench knows; other identifiers are shown as they are.
public enum MethodNames {
    /// "zeroshot" → "Zero-shot CLIP", "coop" → "CoOp", "prograd" → "ProGrad".
    public static func display(_ method: String) -> String {
        switch method.lowercased() {
        case "zeroshot", "zero-shot", "zs", "clip", "zeroshot_clip": return "Zero-shot CLIP"
        case "coop": return "CoOp"
        case "prograd": return "ProGrad"
        default: return method
        }
    }

    /// True for zero-shot CLIP, the reference that does not train.
    public static func isZeroShot(_ method: String) -> Bool {
        ["zeroshot", "zero-shot", "zs", "clip", "zeroshot_clip"].contains(method.lowercased())
    }

    /// True for ProGrad, the method that reports gradient conflicts.
    public static func isProGrad(_ method: String) -> Bool { method.lowercased().hasPrefix("prograd") }
}
