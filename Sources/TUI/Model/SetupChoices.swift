// The setup choices of one experiment: what to run (datasets × shots × methods × seeds), each method's own settings
// and the experiment's training settings; fields and defaults come from the declarations in Engine.
import Engine
import Experiments
import Foundation

/// One option that can be switched on or off.
public struct Toggle<Value: Hashable & Sendable>: Equatable, Sendable {
    public var value: Value
    public var on: Bool
    public init(_ value: Value, on: Bool = true) { self.value = value; self.on = on }
}

/// One method column of the experiment: its kind, label and resolved settings (editable on the setup screen).
public struct MethodChoice: Equatable, Sendable {
    public var kind: MethodKind
    public var label: String
    /// The method's settings with its defaults filled in (plus training settings written for this method).
    public var settings: SettingValues
    public var on: Bool

    public init(_ kind: MethodKind, label: String? = nil, settings: SettingValues = [:], on: Bool = true) {
        self.kind = kind; self.label = label ?? kind.name; self.on = on
        let spec = MethodSpec(kind, settings: settings)
        self.settings = (kind.declaration?.resolve(settings) ?? settings).merging(spec.trainingOverrides) { a, _ in a }
    }

    public var declaration: MethodDeclaration? { kind.declaration }
    /// What the setup screen and the panels call it: the label, or the method's display name for an unlabelled method.
    public var displayName: String { label == kind.name ? (declaration?.displayName ?? label) : label }
    /// The settings the setup screen offers for this method.
    public var fields: [SettingDeclaration] { declaration?.settings ?? [] }
}

/// The identity of a planned run before a spec hash exists.
public struct PlannedRun: Hashable, Sendable {
    public var dataset: String, shots: Int, method: String, seed: Int
}

/// Everything the setup screen edits for one named experiment.
public struct SetupChoices: Equatable, Sendable {
    public var name: String
    public var `protocol`: ExperimentProtocol
    public var datasets: [Toggle<String>]
    public var shots: [Toggle<Int>]
    public var methods: [MethodChoice]
    public var seeds: [Toggle<Int>]
    /// Experiment-level training settings as written (absent = the method's or Dassl's default).
    public var training: SettingValues
    /// Measured seconds for one epoch of each method label (for the time estimate).
    public var secondsPerEpoch: [String: Double]
    public var defaultSecondsPerEpoch: Double

    /// The training settings the setup screen offers (declared in TrainingSettings).
    public static let trainingFields: [SettingDeclaration] =
        ["epochs", "augmentViews"].compactMap { TrainingSettings.declarations.declaration($0) }

    public init(name: String, protocol: ExperimentProtocol = .baseToNew, datasets: [Toggle<String>], shots: [Toggle<Int>],
                methods: [MethodChoice], seeds: [Toggle<Int>], training: SettingValues = [:],
                secondsPerEpoch: [String: Double] = [:], defaultSecondsPerEpoch: Double = 1) {
        self.name = name; self.protocol = `protocol`; self.datasets = datasets; self.shots = shots
        self.methods = methods; self.seeds = seeds; self.training = training
        self.secondsPerEpoch = secondsPerEpoch; self.defaultSecondsPerEpoch = defaultSecondsPerEpoch
    }

    /// The method with `label`.
    public func method(_ label: String) -> MethodChoice? { methods.first { $0.label == label } }

    /// The datasets runs train on: every dataset switched on, or for cross-dataset and domain generalization only
    /// the first (the source; the others are evaluation targets).
    public var trainedDatasets: [String] {
        let on = datasets.filter(\.on).map(\.value)
        return self.protocol.hasTargets ? Array(on.prefix(1)) : on
    }

    /// The runs these choices make, grouped so that the methods of one (dataset, shots, seed) are adjacent.
    public var plannedRuns: [PlannedRun] {
        var out: [PlannedRun] = []
        for d in trainedDatasets {
            for k in shots where k.on {
                for s in seeds where s.on {
                    for m in methods where m.on {
                        out.append(PlannedRun(dataset: d, shots: k.value, method: m.label, seed: s.value))
                    }
                }
            }
        }
        return out
    }

    /// The training settings of a planned run, resolved as the runner resolves them.
    public func trainingSettings(of run: PlannedRun) -> TrainingSettings {
        let m = method(run.method)
        let spec = MethodSpec(m?.kind ?? MethodKind(run.method), label: run.method, settings: m?.settings ?? [:])
        return ExperimentSpec.resolveTraining(method: spec, experiment: training, shots: run.shots, dataset: run.dataset)
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

    /// Estimated wall time of the whole grid in seconds (a run without epochs counts as one).
    public var estimatedSeconds: Double {
        plannedRuns.reduce(0) { acc, r in
            acc + (secondsPerEpoch[r.method] ?? defaultSecondsPerEpoch) * Double(max(1, trainingSettings(of: r).epochs))
        }
    }
}
