// Zero-shot CLIP: class text features from hand-crafted templates (one template or an ensemble: mean of the normalized
// features, renormalized), and logits = exp(logit_scale) · normalize(image)·w_iᵀ (port of KaiyangZhou/CoOp
// trainers/zsclip.py ZeroshotCLIP / ZeroshotCLIP2 semantics).
import Foundation

/// Fixed class weights made from templates.
public final class ZeroShotClassifier {
    public let classNames: [String]
    public let templates: [String]
    public let dimension: Int
    /// Normalized class features [classes, dimension].
    public let classFeatures: [Float]
    /// The logit multiplier exp(logit_scale).
    public let scale: Float

    /// Encodes every (template, class) prompt; `logitScale` is the raw parameter (ln of the multiplier).
    public init(classNames: [String], templates: [String], tokenizer: PromptTokenizing, tower: PromptTextEncoding,
                logitScale: Float) throws {
        guard !templates.isEmpty else { throw EngineError.invalidArgument("zero-shot classifier: no template given") }
        guard !classNames.isEmpty else { throw EngineError.invalidArgument("zero-shot classifier: no class names given") }
        let n = classNames.count, d = tower.featureDimension
        var mean = [Float](repeating: 0, count: n * d)
        for template in templates {
            let ids = try classNames.map { name -> [Int] in
                let text = try PromptTemplates.fill(template, with: name)
                do { return try tokenizer.tokenize(text, contextLength: 77, truncate: false) } catch {
                    throw EngineError.invalidArgument("zero-shot classifier: \"\(text)\" is longer than 77 tokens; shorten the template or the class name")
                }
            }
            let f = CosineLogitHead.normalizeRows(tower.encodeTexts(ids), rows: n, cols: d)
            for i in 0..<(n * d) { mean[i] += f[i] / Float(templates.count) }
        }
        self.classNames = classNames; self.templates = templates; self.dimension = d
        self.classFeatures = templates.count == 1 ? mean : CosineLogitHead.normalizeRows(mean, rows: n, cols: d)
        self.scale = exp(logitScale)
    }

    /// Logits [batch, classes] for NORMALIZED image features [batch, dimension].
    public func logits(normalizedImages: [Float], batch b: Int) -> [Float] {
        CosineLogitHead.logits(images: normalizedImages, batch: b, texts: classFeatures, classes: classNames.count,
                               dim: dimension, scale: scale)
    }

    /// Top-1 accuracy (fraction) on raw image features [n, dimension] with labels.
    public func accuracy(imageFeatures: [Float], labels: [Int]) -> Double {
        let f = CosineLogitHead.normalizeRows(imageFeatures, rows: labels.count, cols: dimension)
        return Accuracy.top1(logits: logits(normalizedImages: f, batch: labels.count), labels: labels,
                             classes: classNames.count)
    }
}

/// Top-1 accuracy of logits against labels.
public enum Accuracy {
    /// Fraction of rows whose argmax equals the label (the first maximum wins ties); 0 for no rows.
    public static func top1(logits: [Float], labels: [Int], classes: Int) -> Double {
        guard !labels.isEmpty else { return 0 }
        var correct = 0
        for r in labels.indices {
            var best = 0
            for c in 1..<classes where logits[r * classes + c] > logits[r * classes + best] { best = c }
            if best == labels[r] { correct += 1 }
        }
        return Double(correct) / Double(labels.count)
    }
}
