// CLIP's symmetric InfoNCE loss over a batch of paired image and text features, with its gradient
// (semantics of openai/CLIP model.py CLIP.forward and open_clip loss.py ClipLoss: L2-normalized features,
// logits = exp(logit_scale)·cosine, mean of image→text and text→image cross-entropy with the diagonal as targets).
import Foundation

/// The loss of one batch and its gradients with respect to the raw (unnormalized) features and the raw logit scale.
public struct ContrastiveLossResult {
    public var loss: Float
    public var dImageFeatures: [Float]   // [n, dim]
    public var dTextFeatures: [Float]    // [n, dim]
    public var dLogitScale: Float
    /// Share of images whose own caption has the largest logit in their row (image → text top-1 within the batch).
    public var imageToTextAccuracy: Float
}

public enum ContrastiveLoss {
    /// Loss and gradients for n pairs of `dim`-dimensional features; `logitScale` is the raw parameter s
    /// (the multiplier is exp(s)).
    public static func forwardBackward(imageFeatures: [Float], textFeatures: [Float], count n: Int, dim: Int,
                                       logitScale: Float) -> ContrastiveLossResult {
        precondition(imageFeatures.count == n * dim && textFeatures.count == n * dim, "ContrastiveLoss: features are not [\(n), \(dim)]")
        var a = imageFeatures, b = textFeatures           // [n, dim] → normalized in place
        var normA = [Float](repeating: 0, count: n), normB = [Float](repeating: 0, count: n)
        a.withUnsafeMutableBufferPointer { RowL2Norm.forward($0.baseAddress!, norms: &normA, rows: n, cols: dim) }
        b.withUnsafeMutableBufferPointer { RowL2Norm.forward($0.baseAddress!, norms: &normB, rows: n, cols: dim) }
        let scale = exp(logitScale)
        var cosine = [Float](repeating: 0, count: n * n)  // [n images, n texts]
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in cosine.withUnsafeMutableBufferPointer { pc in
            gemm(transA: false, transB: true, m: n, n: n, k: dim, a: pa.baseAddress!, lda: dim,
                 b: pb.baseAddress!, ldb: dim, c: pc.baseAddress!, ldc: n)
        } } }
        // dLogits = ½·[(softmax over each row − I) + (softmax over each column − I)] / n.
        var dLogits = [Float](repeating: 0, count: n * n)
        var loss: Double = 0
        var correct = 0
        for i in 0..<n {   // image → text: rows
            var mx = -Float.infinity, arg = 0
            for j in 0..<n where scale * cosine[i * n + j] > mx { mx = scale * cosine[i * n + j]; arg = j }
            if arg == i { correct += 1 }
            var sum: Float = 0
            for j in 0..<n { sum += exp(scale * cosine[i * n + j] - mx) }
            loss += Double(log(sum) + mx - scale * cosine[i * n + i]) * 0.5
            for j in 0..<n { dLogits[i * n + j] += 0.5 * exp(scale * cosine[i * n + j] - mx) / sum }
            dLogits[i * n + i] -= 0.5
        }
        for j in 0..<n {   // text → image: columns
            var mx = -Float.infinity
            for i in 0..<n { mx = max(mx, scale * cosine[i * n + j]) }
            var sum: Float = 0
            for i in 0..<n { sum += exp(scale * cosine[i * n + j] - mx) }
            loss += Double(log(sum) + mx - scale * cosine[j * n + j]) * 0.5
            for i in 0..<n { dLogits[i * n + j] += 0.5 * exp(scale * cosine[i * n + j] - mx) / sum }
            dLogits[j * n + j] -= 0.5
        }
        // logits = e^s·cos ⇒ dL/ds = Σ dLogits ⊙ logits and dCos = e^s·dLogits (the 1/n of the mean folded in).
        var dS: Float = 0
        let invN = 1 / Float(n)
        for k in 0..<(n * n) {
            dLogits[k] *= invN
            dS += dLogits[k] * scale * cosine[k]
            dLogits[k] *= scale
        }
        var dA = [Float](repeating: 0, count: n * dim), dB = [Float](repeating: 0, count: n * dim)
        dLogits.withUnsafeBufferPointer { pd in
            b.withUnsafeBufferPointer { pb in dA.withUnsafeMutableBufferPointer { out in
                gemm(transA: false, transB: false, m: n, n: dim, k: n, a: pd.baseAddress!, lda: n,
                     b: pb.baseAddress!, ldb: dim, c: out.baseAddress!, ldc: dim)
            } }
            a.withUnsafeBufferPointer { pa in dB.withUnsafeMutableBufferPointer { out in
                gemm(transA: true, transB: false, m: n, n: dim, k: n, a: pd.baseAddress!, lda: n,
                     b: pa.baseAddress!, ldb: dim, c: out.baseAddress!, ldc: dim)
            } }
        }
        dA.withUnsafeMutableBufferPointer { RowL2Norm.backward($0.baseAddress!, normalized: a, norms: normA, rows: n, cols: dim) }
        dB.withUnsafeMutableBufferPointer { RowL2Norm.backward($0.baseAddress!, normalized: b, norms: normB, rows: n, cols: dim) }
        return ContrastiveLossResult(loss: Float(loss / Double(n)), dImageFeatures: dA, dTextFeatures: dB,
                                     dLogitScale: dS, imageToTextAccuracy: Float(correct) / Float(n))
    }
}
