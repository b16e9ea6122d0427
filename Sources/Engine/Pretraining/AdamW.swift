// AdamW with decoupled weight decay (Loshchilov & Hutter; torch.optim.AdamW semantics), per-parameter moment buffers.
import Foundation

/// Adam moments for a fixed list of named parameters; weight decay is applied only where `decays(name:)` says so.
public final class AdamW {
    public struct Settings: Codable, Equatable, Sendable {
        public var beta1: Float = 0.9
        public var beta2: Float = 0.98
        public var epsilon: Float = 1e-6
        public var weightDecay: Float = 0.2
        public init(beta1: Float = 0.9, beta2: Float = 0.98, epsilon: Float = 1e-6, weightDecay: Float = 0.2) {
            self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        }
    }

    public let settings: Settings
    public let names: [String]
    /// First and second moments, one buffer per parameter, same order as `names`.
    public private(set) var firstMoments: [[Float]]
    public private(set) var secondMoments: [[Float]]
    /// Number of updates taken so far (t in the bias corrections).
    public private(set) var stepCount: Int = 0
    private let decayMask: [Bool]

    /// Moments for parameters of the given names and element counts, all zero.
    public init(parameters: [(name: String, count: Int)], settings: Settings = .init()) {
        self.settings = settings
        names = parameters.map(\.name)
        firstMoments = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoments = firstMoments
        decayMask = parameters.map { AdamW.decays(name: $0.name) }
    }

    /// Whether a parameter gets weight decay: weight matrices do; biases, LayerNorm gains, token/position/class
    /// embeddings and the logit scale do not (CLIP/open_clip practice).
    public static func decays(name: String) -> Bool {
        if name.hasSuffix(".bias") || name.contains("norm") || name.contains("logit_scale") { return false }
        if name.contains("token_embedding") || name.contains("position_embedding") || name.contains("class_embedding") { return false }
        return true
    }

    /// One update of every parameter with learning rate `lr`:
    /// p ← p − lr·λ·p (decoupled decay), m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
    /// p ← p − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
    public func step(parameters: [UnsafeMutableBufferPointer<Float>], gradients: [UnsafeMutableBufferPointer<Float>], lr: Float) {
        precondition(parameters.count == names.count && gradients.count == names.count, "AdamW: \(parameters.count) parameters for \(names.count) moments")
        stepCount += 1
        let b1 = settings.beta1, b2 = settings.beta2, eps = settings.epsilon
        let c1 = 1 - pow(b1, Float(stepCount)), c2 = 1 - pow(b2, Float(stepCount))
        for k in 0..<names.count {
            let p = parameters[k], g = gradients[k]
            precondition(p.count == firstMoments[k].count && g.count == p.count, "AdamW: \(names[k]) has \(p.count) values, expected \(firstMoments[k].count)")
            let decay: Float = decayMask[k] ? 1 - lr * settings.weightDecay : 1
            firstMoments[k].withUnsafeMutableBufferPointer { m in
                secondMoments[k].withUnsafeMutableBufferPointer { v in
                    for i in 0..<p.count {
                        let gi = g[i]
                        m[i] = b1 * m[i] + (1 - b1) * gi
                        v[i] = b2 * v[i] + (1 - b2) * gi * gi
                        p[i] = p[i] * decay - lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + eps)
                    }
                }
            }
        }
    }

    /// The moments and the step count as named tensors (for a resumable checkpoint).
    public func state() -> [(name: String, tensor: TensorData)] {
        var out: [(name: String, tensor: TensorData)] = []
        for (k, n) in names.enumerated() {
            out.append(("exp_avg.\(n)", TensorData(shape: [firstMoments[k].count], values: firstMoments[k])))
            out.append(("exp_avg_sq.\(n)", TensorData(shape: [secondMoments[k].count], values: secondMoments[k])))
        }
        out.append(("step", TensorData(shape: [1], values: [Float(stepCount)])))
        return out
    }

    /// Restores moments and step count written by state(); `source` names the file for errors.
    public func restore(_ tensors: [String: TensorData], source: String) throws {
        guard let step = tensors["step"], step.count == 1 else {
            throw EngineError.badCheckpoint(file: source, message: "optimizer state has no tensor step; was it written by prograd pretrain?")
        }
        for (k, n) in names.enumerated() {
            for (key, count) in [("exp_avg.\(n)", firstMoments[k].count), ("exp_avg_sq.\(n)", secondMoments[k].count)] {
                guard let t = tensors[key] else {
                    throw EngineError.badCheckpoint(file: source, message: "optimizer state lacks tensor \(key); was it written for this model?")
                }
                guard t.count == count else {
                    throw EngineError.badCheckpoint(file: source, message: "optimizer tensor \(key) has \(t.count) values, the model's parameter has \(count); was it written for this model?")
                }
            }
            firstMoments[k] = tensors["exp_avg.\(n)"]!.values
            secondMoments[k] = tensors["exp_avg_sq.\(n)"]!.values
        }
        stepCount = Int(step.values[0])
    }
}
