// The prompt trainer (CoOp, ProGrad) as a method trainer: evaluation on any split, checkpoints, the learned prompt.
import Foundation

extension PromptTrainer: MethodTrainer {
    public func accuracy(on set: EvaluationSet) throws -> Double? {
        if learner.settings.classSpecific && set.classNames != learner.classNames { return nil }
        return try accuracy(features: set.features, labels: set.labels, classNames: set.classNames)
    }

    public func checkpoint() throws -> Data { state.encoded() }

    public func restore(_ checkpoint: Data) throws { try restore(TrainerState(encoded: checkpoint)) }

    public func saveLearned(to url: URL, info: [String: String]) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try LearnedPrompt(learner: learner, info: info).save(to: url)
    }

    /// A trainer for a method context with resolved context settings, aligned to the teacher when `alignment` is
    /// given as (λ, T).
    static func make(_ c: MethodContext, _ values: SettingValues, alignment: (lambda: Double, temperature: Double)?) throws
        -> PromptTrainer {
        let learner = try PromptLearner(classNames: c.classNames, settings: PromptSettings(values: values, seed: c.seed),
                                        tokenizer: c.tokenizer, tower: c.tower)
        let aligned = try alignment.map {
            GradientAlignment(teacher: try c.teacher(c.classNames, [c.template]), lambda: $0.lambda, temperature: $0.temperature)
        }
        return try PromptTrainer(learner: learner, tower: c.tower, tokenizer: c.tokenizer, logitScale: c.logitScale,
                                 trainFeatures: c.trainFeatures, labels: c.trainLabels, imageIndex: c.imageIndex,
                                 alignment: aligned, training: c.training,
                                 shuffleSeed: UInt64(truncatingIfNeeded: c.seed))
    }
}
