// CLIP's classification head: logits = exp(logit_scale) · normalize(image)·normalize(text)ᵀ, and its backward to
// the unnormalized text features (the image side is frozen and cached, so it gets no gradient).
import CBLAS
import Foundation

public enum CosineLogitHead {
    /// Rows of x [rows, cols] scaled to unit L2 norm (RowL2Norm's rule: a zero row stays zero).
    public static func normalizeRows(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        RowL2Norm.normalized(x, rows: rows, cols: cols)
    }

    /// logits [b, c] = scale · images [b, d] · textsᵀ [d, c] (both already normalized).
    public static func logits(images: [Float], batch b: Int, texts: [Float], classes c: Int, dim d: Int,
                              scale: Float) -> [Float] {
        precondition(images.count == b * d && texts.count == c * d, "logits: features are not [\(b)|\(c), \(d)]")
        var out = [Float](repeating: 0, count: b * c)
        images.withUnsafeBufferPointer { a in texts.withUnsafeBufferPointer { t in out.withUnsafeMutableBufferPointer { o in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(b), Int32(c), Int32(d), scale,
                        a.baseAddress!, Int32(d), t.baseAddress!, Int32(d), 0, o.baseAddress!, Int32(c))
        } } }
        return out
    }

    /// Backward of `logits` for k stacked cotangents dLogits [k, b, c] → dTexts [k, c, d] w.r.t. the UNnormalized
    /// text features `rawTexts` [c, d]: dt̂ = scale · dLogitsᵀ·images, then through t̂ = t/‖t‖
    /// (RowL2Norm.backward).
    public static func backwardToTexts(dLogits: [Float], cotangents k: Int, images: [Float], batch b: Int,
                                       rawTexts: [Float], classes c: Int, dim d: Int, scale: Float) -> [Float] {
        precondition(dLogits.count == k * b * c, "backwardToTexts: dLogits is not [\(k), \(b), \(c)]")
        var dT = [Float](repeating: 0, count: k * c * d)   // [k, c, d]
        dLogits.withUnsafeBufferPointer { g in images.withUnsafeBufferPointer { a in dT.withUnsafeMutableBufferPointer { o in
            for j in 0..<k {
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(c), Int32(d), Int32(b), scale,
                            g.baseAddress! + j * b * c, Int32(c), a.baseAddress!, Int32(d), 0,
                            o.baseAddress! + j * c * d, Int32(d))
            }
        } } }
        var unit = rawTexts, norms = [Float](repeating: 0, count: c)
        unit.withUnsafeMutableBufferPointer { RowL2Norm.forward($0.baseAddress!, norms: &norms, rows: c, cols: d) }
        dT.withUnsafeMutableBufferPointer { o in
            for j in 0..<k { RowL2Norm.backward(o.baseAddress! + j * c * d, normalized: unit, norms: norms, rows: c, cols: d) }
        }
        return dT
    }
}
