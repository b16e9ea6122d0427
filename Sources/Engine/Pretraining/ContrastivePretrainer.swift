// One contrastive pretraining step of a whole CLIP (both towers, projections, logit scale) and its resumable state.
// Step semantics follow openai/CLIP's paper and open_clip training/train.py train_one_epoch: forward both towers,
// symmetric InfoNCE, backward, AdamW, then clamp the logit scale to [0, ln 100].
import Foundation

/// A batch of image–caption pairs: pixels [n, 3, H, W] normalized with CLIP's mean/std and each caption's ids
/// (start token, BPE ids, end token; the end token is the largest id).
public struct PretrainBatch {
    public var pixels: [Float]
    public var tokenIds: [[Int]]
    public init(pixels: [Float], tokenIds: [[Int]]) { self.pixels = pixels; self.tokenIds = tokenIds }
    public var count: Int { tokenIds.count }
}

/// What one step measured.
public struct PretrainStepReport: Sendable {
    public var step: Int
    public var loss: Float
    public var accuracy: Float
    public var lr: Float
    public var logitScale: Float
    public var gradientNorm: Float
}

public final class ContrastivePretrainer {
    public let model: CLIPModel
    public let gradients: CLIPGradients
    public let optimizer: AdamW
    public let schedule: WarmupCosineSchedule
    /// Gradients with a larger global L2 norm are scaled down to it (nil: no clipping).
    public let clipNorm: Float?
    /// Captions per text-tower pass (sorted by length so short ones are not padded to the longest of the batch).
    public var textGroupSize = 64
    /// Steps completed so far.
    public private(set) var step = 0

    /// The largest raw logit scale: exp(ln 100) = 100, CLIP's clamp.
    public static let maxLogitScale = Float(log(100.0))

    public init(model: CLIPModel, schedule: WarmupCosineSchedule, optimizer settings: AdamW.Settings = .init(),
                clipNorm: Float? = 1) {
        self.model = model
        self.schedule = schedule
        self.clipNorm = clipNorm
        gradients = CLIPGradients(for: model)
        optimizer = AdamW(parameters: model.parameters().map { ($0.name, $0.buffer.count) }, settings: settings)
    }

    /// forward (both towers) → loss and feature gradients → backward into weight gradients → clip → AdamW → clamp scale.
    @discardableResult
    public func train(on batch: PretrainBatch) -> PretrainStepReport {
        let n = batch.count, proj = model.config.projectionDim
        gradients.zero()
        let imagePass = model.vision.forward(pixels: batch.pixels, count: n, saveForBackward: true)
        // The text tower runs every sequence up to the longest one in its pass; captions sorted by length and run in
        // groups waste less of that padding. Features go back to batch order for the loss.
        let order = batch.tokenIds.indices.sorted { (batch.tokenIds[$0].count, $0) < (batch.tokenIds[$1].count, $1) }
        let groups = stride(from: 0, to: n, by: textGroupSize).map { Array(order[$0..<min(n, $0 + textGroupSize)]) }
        var textFeatures = [Float](repeating: 0, count: n * proj)
        var textPasses: [TextPass] = []
        for group in groups {
            let pass = model.text.forward(tokenIds: group.map { batch.tokenIds[$0] }, saveForBackward: true)
            for (row, i) in group.enumerated() {
                textFeatures.replaceSubrange(i * proj..<(i + 1) * proj, with: pass.features[row * proj..<(row + 1) * proj])
            }
            textPasses.append(pass)
        }
        let r = ContrastiveLoss.forwardBackward(imageFeatures: imagePass.features, textFeatures: textFeatures,
                                                count: n, dim: proj, logitScale: model.logitScale)
        model.vision.backward(imagePass, dFeatures: r.dImageFeatures, weightGrads: gradients)
        for (group, pass) in zip(groups, textPasses) {
            let d = group.flatMap { r.dTextFeatures[$0 * proj..<($0 + 1) * proj] }
            _ = model.text.backward(pass, dFeatures: d, cotangents: 1, weightGrads: gradients)
        }
        gradients.logitScale += r.dLogitScale

        let grads = gradients.buffers().map(\.buffer)
        var sumSquares: Double = 0
        for g in grads { for v in g { sumSquares += Double(v * v) } }
        let norm = Float(sumSquares.squareRoot())
        if let c = clipNorm, norm > c {
            let s = c / norm
            for g in grads { for i in g.indices { g[i] *= s } }
        }
        let lr = schedule.lr(at: step)
        optimizer.step(parameters: model.parameters().map(\.buffer), gradients: grads, lr: lr)
        model.logitScale = min(max(model.logitScale, 0), Self.maxLogitScale)
        step += 1
        return PretrainStepReport(step: step, loss: r.loss, accuracy: r.imageToTextAccuracy, lr: lr,
                                  logitScale: model.logitScale, gradientNorm: norm)
    }

    /// Writes a resumable checkpoint into `directory`: config.json, model.safetensors, optimizer.safetensors
    /// (moments and step count; metadata "step").
    public func saveCheckpoint(to directory: URL) throws {
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw EngineError.io(file: directory.path, message: "cannot create the checkpoint folder: \(error.localizedDescription)")
        }
        try model.config.jsonData().write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try SafetensorsWriter.write(model.namedTensors(), metadata: ["format": "pt", "step": String(step)],
                                    to: directory.appendingPathComponent("model.safetensors"))
        try SafetensorsWriter.write(optimizer.state(), metadata: ["step": String(step)],
                                    to: directory.appendingPathComponent("optimizer.safetensors"))
    }

    /// Restores a checkpoint written by saveCheckpoint into this pretrainer (same configuration): weights,
    /// optimizer moments and the step count.
    public func restoreCheckpoint(from directory: URL) throws {
        let modelURL = directory.appendingPathComponent("model.safetensors")
        let optimizerURL = directory.appendingPathComponent("optimizer.safetensors")
        let weights = try SafetensorsFile(url: modelURL)
        for (name, buffer) in model.parameters() {
            guard weights.names.contains(name) else {
                throw EngineError.badCheckpoint(file: modelURL.path, message: "tensor \(name) is missing; was this checkpoint written for the same configuration?")
            }
            let t = try weights.tensor(name)
            guard t.count == buffer.count else {
                throw EngineError.badCheckpoint(file: modelURL.path, message: "tensor \(name) has \(t.count) values, the model expects \(buffer.count); was this checkpoint written for the same configuration?")
            }
            _ = buffer.update(from: t.values)
        }
        let state = try SafetensorsFile(url: optimizerURL)
        var tensors: [String: TensorData] = [:]
        for name in state.names { tensors[name] = try state.tensor(name) }
        try optimizer.restore(tensors, source: optimizerURL.path)
        step = optimizer.stepCount
    }
}
