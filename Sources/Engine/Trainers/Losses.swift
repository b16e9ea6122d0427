// Classification losses of prompt tuning with their gradients w.r.t. the logits: cross-entropy and ProGrad's
// distillation term (port of BeierZhu/Prompt-align ProGrad.public/trainers/prograd.py ProGradLoss semantics).
import Foundation

/// A loss value (mean over the batch) and its gradient w.r.t. the logits [batch, classes].
public struct LossAndGradient {
    public var loss: Double
    public var dLogits: [Float]
}

public enum Losses {
    /// Row-wise log-softmax of `logits / temperature` in Double, [rows, cols].
    static func logSoftmax(_ logits: UnsafePointer<Float>, rows: Int, cols: Int, temperature: Double = 1) -> [Double] {
        var out = [Double](repeating: 0, count: rows * cols)
        for r in 0..<rows {
            let z = logits + r * cols
            var m = -Double.infinity
            for c in 0..<cols { m = max(m, Double(z[c]) / temperature) }
            var s = 0.0
            for c in 0..<cols { s += exp(Double(z[c]) / temperature - m) }
            let lse = m + log(s)
            for c in 0..<cols { out[r * cols + c] = Double(z[c]) / temperature - lse }
        }
        return out
    }

    /// F.cross_entropy(logits, labels) (mean over the batch) and dL/dlogits = (softmax − onehot) / batch.
    public static func crossEntropy(logits: [Float], labels: [Int], classes: Int) -> LossAndGradient {
        let b = labels.count
        precondition(logits.count == b * classes, "crossEntropy: logits [\(logits.count)] is not [\(b), \(classes)]")
        let logp = logits.withUnsafeBufferPointer { logSoftmax($0.baseAddress!, rows: b, cols: classes) }
        var loss = 0.0
        var d = [Float](repeating: 0, count: b * classes)
        for r in 0..<b {
            let y = labels[r]
            precondition(y >= 0 && y < classes, "crossEntropy: label \(y) outside 0..<\(classes)")
            loss -= logp[r * classes + y]
            for c in 0..<classes {
                let p = exp(logp[r * classes + c])
                d[r * classes + c] = Float((p - (c == y ? 1 : 0)) / Double(b))
            }
        }
        return LossAndGradient(loss: loss / Double(b), dLogits: d)
    }

    /// ProGrad's KL term: mean_b Σ_i −softmax(teacher/T)_i · log_softmax(student/T)_i · T².
    /// Its gradient w.r.t. the student logits is T/batch · (softmax(student/T) − softmax(teacher/T)), because the
    /// teacher's probabilities sum to one; it equals the gradient of KL(p_teacher ‖ p_student)·T².
    public static func distillation(student: [Float], teacher: [Float], batch b: Int, classes: Int,
                                    temperature t: Double) -> LossAndGradient {
        precondition(student.count == b * classes && teacher.count == b * classes,
                     "distillation: logits are not [\(b), \(classes)]")
        precondition(t > 0, "distillation: temperature must be positive, got \(t)")
        let logq = student.withUnsafeBufferPointer { logSoftmax($0.baseAddress!, rows: b, cols: classes, temperature: t) }
        let logp = teacher.withUnsafeBufferPointer { logSoftmax($0.baseAddress!, rows: b, cols: classes, temperature: t) }
        var loss = 0.0
        var d = [Float](repeating: 0, count: b * classes)
        for i in 0..<(b * classes) {
            let p = exp(logp[i])
            loss -= p * logq[i] * t * t
            d[i] = Float(t / Double(b) * (exp(logq[i]) - p))
        }
        return LossAndGradient(loss: loss / Double(b), dLogits: d)
    }
}
