// One run of a grid with every setting resolved; its identity is the hash of those settings.
import Engine
import Foundation

/// What determines a run's result: the hash of this (key-sorted JSON) is the run's identity.
public struct RunIdentity: Codable, Sendable, Hashable {
    public var model: String
    public var `protocol`: ExperimentProtocol
    public var dataset: DatasetSource
    /// Evaluation datasets of cross-dataset and domain-generalization runs (empty otherwise).
    public var targets: [DatasetSource]
    public var shots: Int
    public var seed: Int
    public var method: MethodSpec
    public var training: TrainingSettings
    /// The classes trained on: base for base-to-new, all otherwise.
    public var subsample: Subsample
}

/// A run ready to execute.
public struct ResolvedRun: Codable, Sendable, Equatable {
    public var experiment: String
    public var identity: RunIdentity
    /// The results folder (absolute).
    public var output: String

    public var specHash: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(identity)) ?? Data()
        var h = FNV1a64(); h.combine(data)
        return h.hexDigest
    }

    public var id: RunID {
        RunID(dataset: identity.dataset.name, shots: identity.shots, kind: identity.method.kind,
              label: identity.method.displayName, seed: identity.seed, protocol: identity.protocol, specHash: specHash)
    }

    /// Runs sharing features and the zero-shot teacher: same model, datasets, shots, seed, views and protocol.
    public var groupKey: String {
        [identity.model, identity.protocol.rawValue, identity.dataset.root, identity.dataset.name,
         identity.targets.map(\.root).joined(separator: ","), String(identity.shots), String(identity.seed),
         String(identity.training.augmentViews)].joined(separator: "|")
    }
}

extension ExperimentSpec {
    /// The grid in run order: dataset × shots × seed × method (methods innermost, so a group's runs are adjacent).
    /// Relative model, dataset and output paths are taken from `base` (the experiments.json folder).
    public func expand(relativeTo base: URL) -> [ResolvedRun] {
        func absolute(_ path: String) -> String {
            let expanded = (path as NSString).expandingTildeInPath
            return expanded.hasPrefix("/") ? expanded : base.appendingPathComponent(expanded).standardizedFileURL.path
        }
        let resolvedDatasets = datasets.map { d -> DatasetSource in var d = d; d.root = absolute(d.root); return d }
        let sources = self.protocol.hasTargets ? [resolvedDatasets[0]] : resolvedDatasets
        let targets = self.protocol.hasTargets ? Array(resolvedDatasets.dropFirst()) : []
        var runs: [ResolvedRun] = []
        for dataset in sources {
            for k in shots {
                for seed in seeds {
                    for method in methods {
                        let identity = RunIdentity(
                            model: absolute(model), protocol: self.protocol, dataset: dataset, targets: targets,
                            shots: k, seed: seed, method: method.resolved,
                            training: training(shots: k, dataset: dataset.name, method: method),
                            subsample: self.protocol == .baseToNew ? .base : .all)
                        runs.append(ResolvedRun(experiment: name, identity: identity, output: absolute(output)))
                    }
                }
            }
        }
        return runs
    }
}
