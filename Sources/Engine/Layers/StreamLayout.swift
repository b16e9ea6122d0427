// How the rows of one stream attend: plain sequences, or a shared prefix that every following sequence sees first.
// Row-wise work (LayerNorms, projections, MLP) runs over all rows of a stream in one product whatever the layout.

/// The rows of a stream and their attention. Plain: `main.sequences` sequences of `main.length` rows. With a shared
/// prefix: rows 0..<P form one causal sequence (e.g. [SOS, ctx₁…ctx_M]), and each of the `main` sequences after it
/// attends to the prefix's keys/values, then causally to its own (the same result as running prefix ++ sequence alone).
struct StreamLayout {
    /// The prefix sequence (one sequence of P rows), if any.
    let prefix: AttentionShape?
    /// The sequences after the prefix; their contextLength is P.
    let main: AttentionShape

    init(_ plain: AttentionShape) {
        precondition(plain.contextLength == 0, "a plain stream has no context rows")
        prefix = nil; main = plain
    }

    /// A shared causal prefix of `prefixLength` rows followed by `sequences` causal sequences of `length` rows.
    init(prefixLength P: Int, sequences: Int, length: Int, width: Int, heads: Int) {
        prefix = AttentionShape(sequences: 1, length: P, width: width, heads: heads, causal: true)
        main = AttentionShape(sequences: sequences, length: length, width: width, heads: heads, contextLength: P,
                              causal: true)
    }

    var prefixRows: Int { prefix?.tokens ?? 0 }
    var tokens: Int { prefixRows + main.tokens }
    var probabilityCount: Int { (prefix?.probabilityCount ?? 0) + main.probabilityCount }
}

/// Attention of every row of a stream: out [T, W] from packed q|k|v [T, 3W]; probabilities saved to `probs`.
func streamAttentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                            qkv: UnsafePointer<Float>, layout: StreamLayout) {
    let P = layout.prefixRows, W = layout.main.width
    if let prefix = layout.prefix {
        attentionForward(out: out, probs: probs, qkv: qkv, context: nil, shape: prefix)
    }
    attentionForward(out: out + P * W, probs: probs + (layout.prefix?.probabilityCount ?? 0), qkv: qkv + P * 3 * W,
                     context: P > 0 ? qkv : nil, shape: layout.main)
}

/// Backward of streamAttentionForward for k stacked cotangents: dQKV [k, T, 3W] is overwritten from dOut [k, T, W].
/// The sequences' gradients of the prefix's keys/values are added to the prefix rows of dQKV.
func streamAttentionBackward(dQKV: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                             probs: UnsafePointer<Float>, qkv: UnsafePointer<Float>, layout: StreamLayout,
                             cotangents k: Int) {
    let P = layout.prefixRows, W = layout.main.width, T = layout.tokens
    if let prefix = layout.prefix {
        attentionBackward(dQKV: dQKV, dContext: nil, dOut: dOut, probs: probs, qkv: qkv, context: nil,
                          shape: prefix, cotangents: k, cotangentStride: T)
    }
    attentionBackward(dQKV: dQKV + P * 3 * W, dContext: P > 0 ? dQKV : nil, dOut: dOut + P * W,
                      probs: probs + (layout.prefix?.probabilityCount ?? 0), qkv: qkv + P * 3 * W,
                      context: P > 0 ? qkv : nil, shape: layout.main, cotangents: k, cotangentStride: T)
}
