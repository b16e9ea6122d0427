// The runner's bridge to the engine: zero-shot CLIP, CoOp and ProGrad runs on cached image features, with per-epoch
// base/new accuracy, conflict statistics, resumable trainer state and the learned prompt saved per run.
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
        let (config, tensors, source) = try Checkpoint.read(from: url)
        let model = try CLIPModel(config: config, tensors: tensors, source: source)
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir)
        let folder = isDir.boolValue ? url : url.deletingLastPathComponent()
        let tokenizer = try CLIPTokenizer(directory: folder)
        return PromptBackend(tower: model.text, tokenizer: tokenizer, logitScale: model.logitScale,
                             imageEncoder: CLIPImageFeatureEncoder(model: model, fingerprint: modelFingerprint(of: url)))
    }
}

/// Executes zero-shot, CoOp and ProGrad runs with the engine's prompt learner and trainer.
public final class EngineRunExecutor: RunExecutor, @unchecked Sendable {
    private let load: (URL) throws -> PromptBackend
    private var backends: [String: PromptBackend] = [:]
    private let lock = NSLock()
    /// Where learned prompts go: `<run output>/prompts/<spec hash>.safetensors` unless overridden per run.
    public var promptURL: (ResolvedRun) -> URL = { run in
        URL(fileURLWithPath: run.output).appendingPathComponent("prompts").appendingPathComponent("\(run.specHash).safetensors")
    }
    /// Called after each epoch with the run and the epoch's training record (headless single runs print it).
    public var onEpoch: ((ResolvedRun, EpochRecord) -> Void)?

    public init(load: @escaping (URL) throws -> PromptBackend = PromptBackend.clip(model:)) { self.load = load }

    func backend(_ model: String) throws -> PromptBackend {
        lock.lock(); defer { lock.unlock() }
        if let hit = backends[model] { return hit }
        let b = try load(URL(fileURLWithPath: model))
        backends[model] = b
        return b
    }

    public func imageEncoder(model: URL) throws -> ImageFeatureEncoder { try backend(model.path).imageEncoder }

    /// The prompt settings of a run's method (ctx init "random" = N(0, 0.02) seeded by the run's seed).
    static func promptSettings(_ m: MethodSpec, seed: Int) -> PromptSettings {
        let initText = m.ctxInit ?? "a photo of a"
        let initialization: ContextInitialization = initText.lowercased() == "random"
            ? .random(seed: UInt64(truncatingIfNeeded: seed)) : .words(initText)
        return PromptSettings(contextLength: m.nCtx ?? 16, classSpecific: m.csc ?? false,
                              position: Engine.ClassTokenPosition(rawValue: (m.classTokenPosition ?? .end).rawValue) ?? .end,
                              initialization: initialization)
    }

    public func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                        epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void,
                        isCancelled: () -> Bool) throws -> FinalMetrics {
        let b = try backend(run.identity.model)
        let method = run.identity.method
        let start = Date()
        let template = method.template ?? task.template
        func teacher(_ names: [String], _ tmpl: String) throws -> ZeroShotClassifier {
            try task.shared.value(for: "teacher:\(tmpl):\(names.joined(separator: "\u{1F}"))") {
                try ZeroShotClassifier(classNames: names, templates: [tmpl], tokenizer: b.tokenizer, tower: b.tower,
                                       logitScale: b.logitScale)
            }
        }

        if method.method == .zeroshot {
            let base = try teacher(task.classNames, template).accuracy(imageFeatures: task.testBase.samples.features,
                                                                      labels: task.testBase.samples.labels)
            let new = try task.testNew.map { set in
                try teacher(set.classNames, method.template ?? set.template).accuracy(imageFeatures: set.samples.features,
                                                                                        labels: set.samples.labels)
            }
            var targets: [String: Double] = [:]
            for t in task.targets {
                targets[t.name] = try teacher(t.classNames, method.template ?? t.template)
                    .accuracy(imageFeatures: t.samples.features, labels: t.samples.labels)
            }
            return FinalMetrics(baseAccuracy: base, newAccuracy: new, seconds: Date().timeIntervalSince(start),
                                skippedImages: task.skippedImages, targetAccuracies: targets.isEmpty ? nil : targets)
        }

        // Training rows: every cached view of every image; imageIndex groups the views of one image.
        var features: [Float] = [], labels: [Int] = [], imageIndex: [Int] = []
        var imageOf: [String: Int] = [:]
        for view in task.trainViews {
            features += view.features
            labels += view.labels
            for p in view.paths {
                if imageOf[p] == nil { imageOf[p] = imageOf.count }
                imageIndex.append(imageOf[p]!)
            }
        }
        guard !labels.isEmpty else {
            throw EngineError.invalidArgument("\(run.id): no training features (every training image was skipped)")
        }
        let tr = run.identity.training
        let settings = PromptTrainingSettings(
            epochs: tr.epochs, batchSize: tr.batchSize, lr: tr.lr, momentum: tr.momentum, weightDecay: tr.weightDecay,
            warmupEpochs: tr.warmupEpochs, warmupLR: tr.warmupLR, lambda: method.lambda ?? 1,
            temperature: method.temperature ?? 1, shuffleSeed: UInt64(truncatingIfNeeded: run.identity.seed))
        let prompt = Self.promptSettings(method, seed: run.identity.seed)
        let learner = try PromptLearner(classNames: task.classNames, settings: prompt, tokenizer: b.tokenizer, tower: b.tower)
        let kind: PromptMethod = method.method == .prograd ? .prograd : .coop
        let trainer = try PromptTrainer(method: kind, learner: learner, tower: b.tower, tokenizer: b.tokenizer,
                                        logitScale: b.logitScale, trainFeatures: features, labels: labels,
                                        imageIndex: imageIndex,
                                        teacher: kind == .prograd ? try teacher(task.classNames, template) : nil,
                                        settings: settings)
        if let resume {
            let state = try TrainerState(encoded: resume.state)
            guard state.epochsDone == resume.epoch else {
                throw EngineError.invalidArgument("\(run.id): checkpoint of epoch \(resume.epoch) holds a trainer state after epoch \(state.epochsDone)")
            }
            try trainer.restore(state)
        }

        func evaluate() throws -> (base: Double, new: Double?) {
            let base = try trainer.accuracy(features: task.testBase.samples.features, labels: task.testBase.samples.labels)
            var new: Double?
            if let set = task.testNew, !prompt.classSpecific {
                new = try trainer.accuracy(features: set.samples.features, labels: set.samples.labels, classNames: set.classNames)
            }
            return (base, new)
        }

        while trainer.epochsDone < tr.epochs {
            let epochStart = Date()
            guard let record = try trainer.trainEpoch(shouldStop: isCancelled) else { throw RunCancelled() }
            let acc = try evaluate()
            onEpoch?(run, record)
            let metrics = EpochMetrics(epoch: record.epoch, epochs: tr.epochs, lossCE: record.meanLossCE,
                                       lossKL: record.meanLossKL, lr: record.lr, baseAccuracy: acc.base,
                                       newAccuracy: acc.new, conflictRate: record.conflictRate,
                                       meanCosine: record.meanCosine, seconds: Date().timeIntervalSince(epochStart))
            try epochFinished(metrics, RunCheckpoint(epoch: record.epoch, state: trainer.state.encoded()))
        }

        let acc = try evaluate()
        var targets: [String: Double] = [:]
        if !prompt.classSpecific {
            for t in task.targets {
                targets[t.name] = try trainer.accuracy(features: t.samples.features, labels: t.samples.labels,
                                                       classNames: t.classNames)
            }
        }
        let url = promptURL(run)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try LearnedPrompt(learner: learner, info: ["method": method.method.rawValue, "template": template,
                                                   "dataset": task.dataset, "model": run.identity.model,
                                                   "seed": String(run.identity.seed), "shots": String(run.identity.shots),
                                                   "epochs": String(tr.epochs), "augment_views": String(tr.augmentViews)])
            .save(to: url)
        return FinalMetrics(baseAccuracy: acc.base, newAccuracy: acc.new, seconds: Date().timeIntervalSince(start),
                            skippedImages: task.skippedImages, targetAccuracies: targets.isEmpty ? nil : targets)
    }
}
