// Row-wise L2 normalization and its backward: y = x / max(‖x‖, ε), torch.nn.functional.normalize's rule (ε = 1e-12).
// Every place that normalizes features (the cosine head, zero-shot weights, CLIP's logits, the contrastive loss) uses
// this one pair, so a zero row maps to zero, and gets the same gradient, everywhere.

/// y = x / max(‖x‖₂, ε) per row, with the backward of the same map.
public enum RowL2Norm {
    /// The clamp of the norm (torch.nn.functional.normalize's default eps).
    public static let epsilon: Float = 1e-12

    /// Normalizes rows of x [rows, cols] in place; norms[r] receives max(‖x_r‖, ε) when given.
    public static func forward(_ x: UnsafeMutablePointer<Float>, norms: UnsafeMutablePointer<Float>?, rows: Int, cols: Int) {
        for r in 0..<rows {
            let p = x + r * cols
            var s: Float = 0
            for c in 0..<cols { s += p[c] * p[c] }
            let n = max(s.squareRoot(), epsilon)
            norms?[r] = n
            for c in 0..<cols { p[c] /= n }
        }
    }

    /// Turns dy [rows, cols] into dx in place, from the forward's output y and its norms:
    /// dx = (dy − y (y·dy)) / ‖x‖, or dy / ε where the clamp was active (the norm is then a constant).
    public static func backward(_ d: UnsafeMutablePointer<Float>, normalized y: UnsafePointer<Float>,
                                norms: UnsafePointer<Float>, rows: Int, cols: Int) {
        for r in 0..<rows {
            let g = d + r * cols, yr = y + r * cols, n = norms[r]
            if n <= epsilon {
                for c in 0..<cols { g[c] /= n }
                continue
            }
            var dot: Float = 0
            for c in 0..<cols { dot += yr[c] * g[c] }
            for c in 0..<cols { g[c] = (g[c] - yr[c] * dot) / n }
        }
    }

    /// The rows of x [rows, cols] normalized (a new array).
    public static func normalized(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        precondition(x.count == rows * cols, "RowL2Norm: \(x.count) floats are not [\(rows), \(cols)]")
        var out = x
        out.withUnsafeMutableBufferPointer { forward($0.baseAddress!, norms: nil, rows: rows, cols: cols) }
        return out
    }
}
