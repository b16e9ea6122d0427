// A single run described on the command line, as a one-run grid.
import Engine
import Foundation

extension ResolvedRun {
    /// One run of `method` on `dataset` (protocol base-to-new when training on base classes, else few-shot).
    public static func single(model: String, dataset: DatasetSource, shots: Int, seed: Int, method: MethodSpec,
                              training: TrainingSettings, subsample: Subsample, output: String) -> ResolvedRun {
        let identity = RunIdentity(model: model, protocol: subsample == .base ? .baseToNew : .fewShot, dataset: dataset,
                                   targets: [], shots: shots, seed: seed, method: method.resolved, training: training,
                                   subsample: subsample)
        return ResolvedRun(experiment: "single", identity: identity, output: output)
    }
}
