// The nearest vocabulary tokens to each learned context vector by Euclidean distance in token-embedding space (port of
// BeierZhu/Prompt-align / KaiyangZhou/CoOp interpret_prompt.py semantics: torch.cdist(ctx, token_embedding), argsort,
// top-k; class-specific contexts are interpreted class by class).
import CBLAS
import Foundation

/// One neighbour of a context vector.
public struct TokenNeighbour: Equatable, Sendable {
    public var id: Int
    public var distance: Float
}

public enum PromptInterpreter {
    /// For each of the `rows` vectors of `context` [rows, width], the `topK` nearest rows of `embeddings`
    /// [vocab, width], nearest first (ties: lower id first).
    public static func nearest(context: [Float], rows: Int, embeddings: [Float], vocab: Int, width w: Int,
                               topK: Int) -> [[TokenNeighbour]] {
        precondition(context.count == rows * w && embeddings.count == vocab * w, "interpret: shapes do not match width \(w)")
        // ‖c − e‖² = ‖c‖² + ‖e‖² − 2 c·e, the products on sgemm
        var dots = [Float](repeating: 0, count: rows * vocab)           // [rows, vocab]
        context.withUnsafeBufferPointer { c in embeddings.withUnsafeBufferPointer { e in dots.withUnsafeMutableBufferPointer { o in
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(vocab), Int32(w), 1,
                        c.baseAddress!, Int32(w), e.baseAddress!, Int32(w), 0, o.baseAddress!, Int32(vocab))
        } } }
        var en = [Float](repeating: 0, count: vocab)
        for v in 0..<vocab { var s: Float = 0; for x in 0..<w { s += embeddings[v * w + x] * embeddings[v * w + x] }; en[v] = s }
        let k = max(1, min(topK, vocab))
        return (0..<rows).map { r in
            var cn: Float = 0
            for x in 0..<w { cn += context[r * w + x] * context[r * w + x] }
            let d = (0..<vocab).map { v in (v, max(0, cn + en[v] - 2 * dots[r * vocab + v]).squareRoot()) }
            return d.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }.prefix(k).map { TokenNeighbour(id: $0.0, distance: $0.1) }
        }
    }
}
