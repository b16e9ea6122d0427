// The runner's bridge to the engine: any registered method trained on cached image features, with per-epoch
// base/new accuracy, conflict statistics, resumable trainer state and what the method learned saved per run.
import Engine
import Foundation

/// What a run needs from a model: the text tower, the tokenizer, the logit scale and the image feature encoder.
public struct PromptBackend {
    public var tower: PromptTextEncoding
    public var tokenizer: PromptTokenizing
    /// The raw logit_scale parameter (multiplier = exp).
    public var logitScale: Float
    public var imageEncoder: ImageFeatureEncoder

    public init(tower: PromptTextEncoding, tokenizer: PromptTokenizing, logitScale: Float, imageEncoder: ImageFeatureEncoder) {
        self.tower = tower; self.tokenizer = tokenizer; self.logitScale = logitScale; self.imageEncoder = imageEncoder
    }

    /// A CLIP model folder (config.json + model.safetensors + vocab.json + merges.txt) or checkpoint file whose folder
    /// holds vocab.json and merges.txt.
    public static func clip(model url: URL) throws -> PromptBackend {
        let (model, tokenizer) = try CLIPModel.loadWithTokenizer(from: url)
        return PromptBackend(tower: model.text, tokenizer: tokenizer, logitScale: model.logitScale,
                             imageEncoder: CLIPImageFeatureEncoder(model: model, fingerprint: modelFingerprint(of: url)))
    }
}

/// Executes runs of every registered method through its declaration's trainer.
public final class EngineRunExecutor: RunExecutor, @unchecked Sendable {
    private let load: (URL) throws -> PromptBackend
    private var backends: [String: PromptBackend] = [:]
    private let lock = NSLock()
    /// Where learned prompts go: `<run output>/prompts/<spec hash>.safetensors`, or one fixed file.
    private let promptURL: (ResolvedRun) -> URL

    /// `promptFile` fixes where the learned prompt goes (a single run's folder); default: the results' prompts/.
    public init(load: @escaping (URL) throws -> PromptBackend = PromptBackend.clip(model:), promptFile: URL? = nil) {
        self.load = load
        self.promptURL = { run in
            promptFile ?? URL(fileURLWithPath: run.output).appendingPathComponent("prompts")
                .appendingPathComponent("\(run.specHash).safetensors")
        }
    }

    func backend(_ model: String) throws -> PromptBackend {
        lock.lock(); defer { lock.unlock() }
        if let hit = backends[model] { return hit }
        let b = try load(URL(fileURLWithPath: model))
        backends[model] = b
        return b
    }

    public func imageEncoder(model: URL) throws -> ImageFeatureEncoder { try backend(model.path).imageEncoder }

    public func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                        epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void,
                        isCancelled: () -> Bool) throws -> FinalMetrics {
        let b = try backend(run.identity.model)
        let method = run.identity.method
        guard let declaration = method.declaration else {
            throw EngineError.invalidArgument("\(run.id): no method \"\(method.kind)\" is registered; use one of \(MethodRegistry.namesList)")
        }
        let start = Date()
        let settings = declaration.resolve(method.settings)
        /// The method's own template where it sets one, else the split's.
        let templateOverride = settings["template"]?.textValue
        func evaluation(_ set: EvalSet) -> EvaluationSet {
            EvaluationSet(features: set.samples.features, labels: set.samples.labels, classNames: set.classNames,
                          template: templateOverride ?? set.template)
        }
        let (features, labels, imageIndex) = Self.trainingRows(task)
        if declaration.trains && labels.isEmpty {
            throw EngineError.invalidArgument("\(run.id): no training features (every training image was skipped)")
        }
        let tr = run.identity.training
        let context = MethodContext(
            tower: b.tower, tokenizer: b.tokenizer, logitScale: b.logitScale, classNames: task.classNames,
            template: templateOverride ?? task.template, trainFeatures: features, trainLabels: labels,
            imageIndex: imageIndex, training: tr, seed: run.identity.seed,
            teacher: { names, templates in
                try task.shared.value(for: "teacher:\(templates.joined(separator: "\u{1E}")):\(names.joined(separator: "\u{1F}"))") {
                    try ZeroShotClassifier(classNames: names, templates: templates, tokenizer: b.tokenizer, tower: b.tower,
                                           logitScale: b.logitScale)
                }
            })
        let trainer = try declaration.makeTrainer(context, settings)
        if let resume {
            try trainer.restore(resume.state)
            guard trainer.epochsDone == resume.epoch else {
                throw EngineError.invalidArgument("\(run.id): checkpoint of epoch \(resume.epoch) holds a trainer state after epoch \(trainer.epochsDone)")
            }
        }

        func evaluate() throws -> (base: Double, new: Double?) {
            let base = try trainer.accuracy(on: evaluation(task.testBase)) ?? 0
            return (base, try task.testNew.flatMap { try trainer.accuracy(on: evaluation($0)) })
        }

        while trainer.epochsDone < tr.epochs {
            let epochStart = Date()
            guard let record = try trainer.trainEpoch(shouldStop: isCancelled) else { throw RunCancelled() }
            let acc = try evaluate()
            let metrics = EpochMetrics(epoch: record.epoch, epochs: tr.epochs, lossCE: record.meanLossCE,
                                       lossKL: record.meanLossKL, lr: record.lr, baseAccuracy: acc.base,
                                       newAccuracy: acc.new, conflictRate: record.conflictRate,
                                       meanCosine: record.meanCosine, seconds: Date().timeIntervalSince(epochStart))
            try epochFinished(metrics, RunCheckpoint(epoch: record.epoch, state: try trainer.checkpoint()))
        }

        let acc = try evaluate()
        var targets: [String: Double] = [:]
        for t in task.targets { targets[t.name] = try trainer.accuracy(on: evaluation(t)) }
        try trainer.saveLearned(to: promptURL(run), info: [
            "method": method.kind.name, "template": context.template, "dataset": task.dataset,
            "model": run.identity.model, "seed": String(run.identity.seed), "shots": String(run.identity.shots),
            "epochs": String(tr.epochs), "augment_views": String(tr.augmentViews)])
        return FinalMetrics(baseAccuracy: acc.base, newAccuracy: acc.new, seconds: Date().timeIntervalSince(start),
                            skippedImages: task.skippedImages, targetAccuracies: targets.isEmpty ? nil : targets)
    }

    /// Training rows: every cached view of every image, with imageIndex grouping the views of one image.
    static func trainingRows(_ task: PreparedTask) -> (features: [Float], labels: [Int], imageIndex: [Int]) {
        var features: [Float] = [], labels: [Int] = [], imageIndex: [Int] = []
        var imageOf: [String: Int] = [:]
        for view in task.trainViews {
            features += view.features
            labels += view.labels
            for p in view.paths {
                let index = imageOf[p] ?? imageOf.count
                imageOf[p] = index
                imageIndex.append(index)
            }
        }
        return (features, labels, imageIndex)
    }
}
