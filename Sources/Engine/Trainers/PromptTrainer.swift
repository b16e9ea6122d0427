// CoOp and ProGrad training of the prompt context on cached image features (the image encoder is frozen). One step
// reads like the reference's forward_backward: forward → zero grad → one backward with the cotangents of L_ce (and,
// for ProGrad, L_kl) stacked → project → SGD update → statistics (port of BeierZhu/Prompt-align
// ProGrad.public/trainers/prograd.py ProGrad.forward_backward and Dassl prograd_backward_and_update semantics).
import Foundation

/// ProGrad's gradient alignment: the domain gradient is projected against the gradient of the distillation loss to the
/// zero-shot teacher whenever the two conflict (λ = 0 leaves it unchanged; T is the distillation temperature).
public struct GradientAlignment {
    public var teacher: ZeroShotClassifier
    public var lambda: Double
    public var temperature: Double

    public init(teacher: ZeroShotClassifier, lambda: Double = 1, temperature: Double = 1) {
        self.teacher = teacher; self.lambda = lambda; self.temperature = temperature
    }
}

/// What one step measured. Alignment fields are nil without alignment.
public struct StepRecord: Codable, Equatable, Sendable {
    public var lossCE: Double
    public var lossKL: Double?
    public var conflict: Bool?
    public var cosine: Double?          // cos(g_d, g_g)
    public var normDomain: Double       // ‖g_d‖
    public var normGeneral: Double?     // ‖g_g‖
}

/// What one epoch measured.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int               // 1-based
    public var lr: Double
    public var steps: [StepRecord]
    public var meanLossCE: Double { steps.isEmpty ? 0 : steps.map(\.lossCE).reduce(0, +) / Double(steps.count) }
    public var meanLossKL: Double? {
        let v = steps.compactMap(\.lossKL)
        return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }
    /// Conflicting steps / steps (ProGrad).
    public var conflictRate: Double? {
        let v = steps.compactMap(\.conflict)
        return v.isEmpty ? nil : Double(v.filter { $0 }.count) / Double(v.count)
    }
    /// Mean cos(g_d, g_g) over the epoch's steps (ProGrad).
    public var meanCosine: Double? {
        let v = steps.compactMap(\.cosine)
        return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }
}

/// The losses and context gradients of one batch (before projection and update).
public struct StepGradients {
    public var lossCE: Double
    public var lossKL: Double?
    public var domain: [Float]          // g_d = ∇ctx L_ce
    public var general: [Float]?        // g_g = ∇ctx L_kl (ProGrad)
    public var logits: [Float]          // student logits [batch, classes]
}

/// Everything needed to resume training where it stopped.
public struct TrainerState: Codable, Equatable, Sendable {
    public var context: [Float]
    public var momentumBuffer: [Float]?
    public var epochsDone: Int
    public var shuffleSeed: UInt64
}

/// Trains one prompt learner over cached image features: CoOp, and ProGrad when an alignment is given.
public final class PromptTrainer {
    public let training: TrainingSettings
    /// The batch order and view choice generator's seed.
    public let shuffleSeed: UInt64
    public let alignment: GradientAlignment?
    public let learner: PromptLearner
    public let tower: PromptTextEncoding
    public let tokenizer: PromptTokenizing
    public private(set) var optimizer: SGD
    /// Completed epochs.
    public private(set) var epochsDone = 0
    /// Steps taken so far (for messages).
    public private(set) var stepsDone = 0

    let images: [Float]          // [N, D] normalized
    let labels: [Int]
    let imageIndex: [Int]?       // row → source image, when rows are augmented views
    let scale: Float
    let dim: Int

    /// `trainFeatures` [N, D] are raw image features (one row per image or per augmented view; `imageIndex` maps a
    /// view to its image so that an epoch sees each image once, through one randomly chosen view). `logitScale` is
    /// the raw parameter. An `alignment` (ProGrad) brings its teacher: zero-shot CLIP over the same classes.
    public init(learner: PromptLearner, tower: PromptTextEncoding, tokenizer: PromptTokenizing,
                logitScale: Float, trainFeatures: [Float], labels: [Int], imageIndex: [Int]? = nil,
                alignment: GradientAlignment? = nil, training: TrainingSettings, shuffleSeed: UInt64 = 1) throws {
        let d = tower.featureDimension
        guard trainFeatures.count == labels.count * d else {
            throw EngineError.invalidArgument("trainer: train features have \(trainFeatures.count) values, expected \(labels.count) rows × \(d)")
        }
        if let bad = labels.first(where: { $0 < 0 || $0 >= learner.classCount }) {
            throw EngineError.invalidArgument("trainer: label \(bad) lies outside the \(learner.classCount) training classes")
        }
        if let idx = imageIndex, idx.count != labels.count {
            throw EngineError.invalidArgument("trainer: imageIndex has \(idx.count) entries for \(labels.count) rows")
        }
        if let t = alignment?.teacher {
            guard t.classNames.count == learner.classCount else {
                throw EngineError.invalidArgument("trainer: the teacher has \(t.classNames.count) classes, the prompt learner \(learner.classCount)")
            }
        }
        guard training.batchSize >= 1, training.epochs >= 1 else {
            throw EngineError.invalidArgument("trainer: batch size and epochs must be at least 1")
        }
        self.training = training; self.shuffleSeed = shuffleSeed; self.alignment = alignment; self.learner = learner
        self.tower = tower; self.tokenizer = tokenizer; self.dim = d
        self.images = CosineLogitHead.normalizeRows(trainFeatures, rows: labels.count, cols: d)
        self.labels = labels; self.imageIndex = imageIndex
        self.scale = exp(logitScale)
        self.optimizer = SGD(settings: SGDSettings(momentum: Float(training.momentum), weightDecay: Float(training.weightDecay)))
    }

    /// "prograd" with alignment, else "coop" (for messages).
    var methodName: String { alignment == nil ? "coop" : "prograd" }

    /// Number of items (images) per epoch.
    var itemCount: Int { imageIndex.map { Set($0).count } ?? labels.count }

    /// Row indices of each batch of epoch `epoch` (0-based): one view per image when views are given, shuffled with a
    /// generator seeded by (shuffleSeed, epoch); like Dassl's train loader, the last short batch is dropped when there
    /// is at least one full batch.
    public func batches(epoch: Int) -> [[Int]] {
        var rng = SplitMix64(seed: shuffleSeed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch))
        var items: [Int]
        if let idx = imageIndex {
            var rowsOf: [Int: [Int]] = [:]
            var order: [Int] = []
            for (r, im) in idx.enumerated() {
                if rowsOf[im] == nil { order.append(im) }
                rowsOf[im, default: []].append(r)
            }
            items = order.map { im in let rows = rowsOf[im]!; return rows[Int(rng.next() % UInt64(rows.count))] }
        } else {
            items = Array(0..<labels.count)
        }
        for i in stride(from: items.count - 1, to: 0, by: -1) {   // Fisher–Yates
            let j = Int(rng.next() % UInt64(i + 1))
            items.swapAt(i, j)
        }
        let b = training.batchSize
        let full = items.count / b
        var out = (0..<full).map { Array(items[($0 * b)..<(($0 + 1) * b)]) }
        if full == 0 && !items.isEmpty { out.append(items) }
        return out
    }

    /// The losses and context gradients of one batch: one forward, one backward with the cotangents of L_ce and (with
    /// alignment) L_kl stacked. Nothing is updated.
    public func gradients(batch: [Int]) throws -> StepGradients {
        let b = batch.count, d = dim, c = learner.classCount
        var f = [Float](repeating: 0, count: b * d)                  // [b, D] normalized image features
        for (r, row) in batch.enumerated() { for x in 0..<d { f[r * d + x] = images[row * d + x] } }
        let y = batch.map { labels[$0] }

        // forward
        let pass = learner.forward(tower: tower, saveForBackward: true)
        let texts = pass.features                                    // [c, D] raw
        let textsN = CosineLogitHead.normalizeRows(texts, rows: c, cols: d)
        let logits = CosineLogitHead.logits(images: f, batch: b, texts: textsN, classes: c, dim: d, scale: scale)
        let ce = Losses.crossEntropy(logits: logits, labels: y, classes: c)
        guard ce.loss.isFinite else {
            throw EngineError.numerical("\(methodName) step \(stepsDone): the cross-entropy loss is \(ce.loss); the context has diverged (lower the learning rate) or the image features contain NaN/Inf")
        }
        var dLogits = ce.dLogits
        var kl: LossAndGradient?
        if let alignment {
            let z = alignment.teacher.logits(normalizedImages: f, batch: b)
            try Self.checkStudentDiffersFromTeacher(student: logits, teacher: z, step: stepsDone)
            let k = Losses.distillation(student: logits, teacher: z, batch: b, classes: c, temperature: alignment.temperature)
            guard k.loss.isFinite else {
                throw EngineError.numerical("prograd step \(stepsDone): the KL loss L_kl is \(k.loss); the context has diverged (lower the learning rate) or the teacher's features contain NaN/Inf")
            }
            dLogits += k.dLogits
            kl = k
        }
        let k = kl == nil ? 1 : 2

        // one backward for the k stacked cotangents (gradients start from zero every step)
        let dTexts = CosineLogitHead.backwardToTexts(dLogits: dLogits, cotangents: k, images: f, batch: b,
                                                     rawTexts: texts, classes: c, dim: d, scale: scale)
        let dCtx = learner.backward(tower: tower, pass: pass, dFeatures: dTexts, cotangents: k)
        let cc = learner.contextCount
        return StepGradients(lossCE: ce.loss, lossKL: kl?.loss, domain: Array(dCtx[0..<cc]),
                             general: kl == nil ? nil : Array(dCtx[cc..<(2 * cc)]), logits: logits)
    }

    /// One optimization step on the rows `batch` at learning rate `lr`:
    /// forward → zero grad → backward (stacked) → project (alignment) → SGD update → statistics.
    public func step(batch: [Int], lr: Float) throws -> StepRecord {
        stepsDone += 1
        let grads = try gradients(batch: batch)
        let gd = grads.domain
        var record: StepRecord
        let g: [Float]
        if let gg = grads.general, let alignment {
            let p = try ProGradProjection.project(domain: gd, general: gg, lambda: alignment.lambda)
            g = p.gradient
            record = StepRecord(lossCE: grads.lossCE, lossKL: grads.lossKL, conflict: p.conflict, cosine: p.cosine,
                                normDomain: p.normDomain, normGeneral: p.normGeneral)
        } else {
            g = gd
            var n = 0.0
            for v in gd { n += Double(v) * Double(v) }
            guard n.isFinite else {
                throw EngineError.numerical("\(methodName) step \(stepsDone): the gradient w.r.t. the context is NaN or infinite; lower the learning rate")
            }
            record = StepRecord(lossCE: grads.lossCE, lossKL: nil, conflict: nil, cosine: nil, normDomain: n.squareRoot(),
                                normGeneral: nil)
        }
        optimizer.step(parameter: &learner.context, gradient: g, lr: lr)
        return record
    }

    /// When the student's logits equal the teacher's to fp32 rounding (max |z − z_zs| ≤ 1e-5 · max(1, max |z_zs|)),
    /// ∇ctx L_kl is rounding noise with no direction: ProGrad cannot project (the reference would normalize a zero
    /// vector). This happens at step 1 when the context is the teacher's own template with n_ctx = its word count.
    static func checkStudentDiffersFromTeacher(student: [Float], teacher: [Float], step: Int) throws {
        var gap: Float = 0, top: Float = 1
        for i in student.indices { gap = max(gap, abs(student[i] - teacher[i])); top = max(top, abs(teacher[i])) }
        guard gap > 1e-5 * top else {
            throw EngineError.numerical("prograd step \(step): the student's logits equal the zero-shot teacher's (max difference \(gap)), so the general-direction gradient g_g = ∇ctx L_kl is zero up to rounding and has no direction; this happens when the context starts from the teacher's template with n_ctx equal to its word count: raise --n-ctx, use --ctx-init random, or run CoOp")
        }
    }

    /// Trains the next epoch over all its batches at the schedule's learning rate. `shouldStop` is polled before
    /// every step; when it returns true the epoch is abandoned and nil returned (resume from the last saved state).
    public func trainEpoch(shouldStop: () -> Bool = { false }) throws -> EpochRecord? {
        let e = epochsDone
        let lr = training.schedule.lr(epoch: e)
        var steps: [StepRecord] = []
        for batch in batches(epoch: e) {
            if shouldStop() { return nil }
            steps.append(try step(batch: batch, lr: Float(lr)))
        }
        epochsDone += 1
        return EpochRecord(epoch: e + 1, lr: lr, steps: steps)
    }

    /// Normalized text features of `classNames` (default: the training classes) with the current context.
    public func classFeatures(classNames: [String]? = nil) throws -> [Float] {
        let l: PromptLearner
        if let names = classNames, names != learner.classNames {
            guard !learner.settings.classSpecific else {
                throw EngineError.invalidArgument("evaluation: a class-specific context has one context per training class and cannot be applied to other classes; train with a unified context to evaluate on new classes")
            }
            l = try PromptLearner(classNames: names, settings: learner.settings, tokenizer: tokenizer, tower: tower,
                                  context: learner.context)
            l.useSharedPrefix = learner.useSharedPrefix
        } else {
            l = learner
        }
        let pass = l.forward(tower: tower, saveForBackward: false)
        return CosineLogitHead.normalizeRows(pass.features, rows: l.classCount, cols: dim)
    }

    /// Top-1 accuracy of the learned prompt on raw image features [n, D] whose labels index `classNames`.
    public func accuracy(features: [Float], labels: [Int], classNames: [String]? = nil) throws -> Double {
        let names = classNames ?? learner.classNames
        let t = try self.classFeatures(classNames: names)
        let f = CosineLogitHead.normalizeRows(features, rows: labels.count, cols: dim)
        let z = CosineLogitHead.logits(images: f, batch: labels.count, texts: t, classes: names.count, dim: dim, scale: scale)
        return Accuracy.top1(logits: z, labels: labels, classes: names.count)
    }

    /// The state to resume from (context, momentum buffer, completed epochs, shuffle seed).
    public var state: TrainerState {
        TrainerState(context: learner.context, momentumBuffer: optimizer.momentumBuffer, epochsDone: epochsDone,
                     shuffleSeed: shuffleSeed)
    }

    /// Continues from a saved state of a trainer with the same settings and classes.
    public func restore(_ s: TrainerState) throws {
        guard s.context.count == learner.contextCount else {
            throw EngineError.invalidArgument("resume: the saved context has \(s.context.count) values, this prompt learner needs \(learner.contextCount); the run's settings changed")
        }
        guard s.shuffleSeed == shuffleSeed else {
            throw EngineError.invalidArgument("resume: the saved state used shuffle seed \(s.shuffleSeed), this run \(shuffleSeed)")
        }
        if let m = s.momentumBuffer, m.count != s.context.count {
            throw EngineError.invalidArgument("resume: the saved momentum buffer has \(m.count) values, the context \(s.context.count)")
        }
        learner.context = s.context
        optimizer = SGD(settings: optimizer.settings, momentumBuffer: s.momentumBuffer)
        epochsDone = s.epochsDone
    }
}
