// CLIP's pre-LayerNorm encoder layer: x + attn(ln1(x)), then + mlp(ln2(x)); forward and backward, with the
// activations each needs. Port of transformers models/clip/modeling_clip.py CLIPEncoderLayer semantics.

/// Pointers to one block's parameters (or to their gradients). q, k and v are stored consecutively, so
/// `qkvWeight` is [3·width, width] and `qkvBias` [3·width].
public struct BlockWeights {
    public var ln1Weight, ln1Bias, qkvWeight, qkvBias, outWeight, outBias: UnsafeMutablePointer<Float>
    public var ln2Weight, ln2Bias, fc1Weight, fc1Bias, fc2Weight, fc2Bias: UnsafeMutablePointer<Float>
}

/// Hyper-parameters of a block.
public struct BlockShape: Sendable {
    public var width: Int, heads: Int, intermediate: Int
    public var activation: Activation
    public var eps: Float
    public init(width: Int, heads: Int, intermediate: Int, activation: Activation, eps: Float) {
        self.width = width; self.heads = heads; self.intermediate = intermediate
        self.activation = activation; self.eps = eps
    }
}

/// What one block's forward saves for its backward, for T tokens (views into an arena).
struct BlockActivations {
    var input: UnsafeMutablePointer<Float>       // [T, W] residual stream entering the block
    var ln1, mean1, rstd1: UnsafeMutablePointer<Float>   // [T, W], [T], [T]
    var qkv: UnsafeMutablePointer<Float>         // [T, 3W]
    var probs: UnsafeMutablePointer<Float>       // per segment [seqs, H, L, keys]
    var attn: UnsafeMutablePointer<Float>        // [T, W] heads concatenated, before out_proj
    var mid: UnsafeMutablePointer<Float>         // [T, W] residual after attention
    var ln2, mean2, rstd2: UnsafeMutablePointer<Float>
    var hidden, activated: UnsafeMutablePointer<Float>   // [T, I] before / after the activation

    /// Carves the buffers (except `input`) with `take`.
    init(input: UnsafeMutablePointer<Float>, shape: BlockShape, layout: StreamLayout,
         take: (Int) -> UnsafeMutablePointer<Float>) {
        let T = layout.tokens, W = shape.width, I = shape.intermediate
        self.input = input
        ln1 = take(T * W); mean1 = take(T); rstd1 = take(T)
        qkv = take(T * 3 * W); probs = take(layout.probabilityCount); attn = take(T * W)
        mid = take(T * W); ln2 = take(T * W); mean2 = take(T); rstd2 = take(T)
        hidden = take(T * I); activated = take(T * I)
    }
}

/// Scratch of one block's backward for k stacked cotangents.
struct BlockScratch {
    var dA, dB: UnsafeMutablePointer<Float>      // [k, T, I]
    var dLn, dAttn: UnsafeMutablePointer<Float>  // [k, T, W]
    var dQKV: UnsafeMutablePointer<Float>        // [k, T, 3W]

    init(tokens T: Int, shape: BlockShape, cotangents k: Int, take: (Int) -> UnsafeMutablePointer<Float>) {
        dA = take(k * T * shape.intermediate); dB = take(k * T * shape.intermediate)
        dLn = take(k * T * shape.width); dAttn = take(k * T * shape.width); dQKV = take(k * T * 3 * shape.width)
    }
}

/// out = block(acts.input); fills `acts`. With `outputRows` (strictly increasing row indices, e.g. each sequence's
/// pooled row at the last layer) only those rows' outputs are computed, compactly: out [rows.count, W]. Every row
/// still gets its keys and values, so the result of a kept row is the same as in the full block; the rows' attention
/// outputs are gathered into the first rows of `acts.attn`, and mid/ln2/hidden/activated hold only the kept rows.
func blockForward(out: UnsafeMutablePointer<Float>, acts a: BlockActivations, weights w: BlockWeights,
                  shape s: BlockShape, layout: StreamLayout, outputRows: [Int]? = nil) {
    let T = layout.tokens, W = s.width
    layerNormForward(out: a.ln1, mean: a.mean1, rstd: a.rstd1, input: a.input, weight: w.ln1Weight,
                     bias: w.ln1Bias, rows: T, cols: W, eps: s.eps)
    linearForward(out: a.qkv, input: a.ln1, weight: w.qkvWeight, bias: w.qkvBias,
                  rows: T, inFeatures: W, outFeatures: 3 * W)
    streamAttentionForward(out: a.attn, probs: a.probs, qkv: a.qkv, layout: layout)
    let R: Int
    if let rows = outputRows {
        R = rows.count
        for (i, r) in rows.enumerated() {
            precondition(r >= i && r < T && (i == 0 || r > rows[i - 1]), "output rows must be increasing rows of the stream")
            if r != i { (a.attn + i * W).update(from: a.attn + r * W, count: W) }
            (a.mid + i * W).update(from: a.input + r * W, count: W)
        }
    } else {
        R = T
        a.mid.update(from: a.input, count: T * W)
    }
    linearForward(out: a.mid, input: a.attn, weight: w.outWeight, bias: w.outBias,
                  rows: R, inFeatures: W, outFeatures: W, accumulate: true)
    layerNormForward(out: a.ln2, mean: a.mean2, rstd: a.rstd2, input: a.mid, weight: w.ln2Weight,
                     bias: w.ln2Bias, rows: R, cols: W, eps: s.eps)
    out.update(from: a.mid, count: R * W)
    mlpForward(out: out, hidden: a.hidden, activated: a.activated, input: a.ln2,
               fc1Weight: w.fc1Weight, fc1Bias: w.fc1Bias, fc2Weight: w.fc2Weight, fc2Bias: w.fc2Bias,
               shape: MLPShape(rows: R, width: W, intermediate: s.intermediate, activation: s.activation),
               accumulate: true)
}

/// Backward of blockForward for k stacked cotangents. On entry dX holds ∂L/∂out ([k, T, W], or [k, rows.count, W]
/// when the forward kept only `outputRows`), on return ∂L/∂input [k, T, W]. Weight gradients are added to `grads`
/// when given.
func blockBackward(dX: UnsafeMutablePointer<Float>, acts a: BlockActivations, weights w: BlockWeights,
                   grads g: BlockWeights?, shape s: BlockShape, layout: StreamLayout, outputRows: [Int]? = nil,
                   cotangents k: Int, scratch sc: BlockScratch) {
    let T = layout.tokens, W = s.width, R = outputRows?.count ?? T
    // MLP branch: dX (∂L/∂out) flows to ln2's output, then through ln2 into dX (now ∂L/∂mid).
    sc.dLn.update(repeating: 0, count: k * R * W)
    mlpBackward(dInput: sc.dLn,
                grads: MLPGradients(fc1Weight: g?.fc1Weight, fc1Bias: g?.fc1Bias,
                                    fc2Weight: g?.fc2Weight, fc2Bias: g?.fc2Bias),
                dOut: dX, input: a.ln2, hidden: a.hidden, activated: a.activated,
                fc1Weight: w.fc1Weight, fc2Weight: w.fc2Weight,
                shape: MLPShape(rows: R, width: W, intermediate: s.intermediate, activation: s.activation),
                cotangents: k, scratchA: sc.dA, scratchB: sc.dB)
    for c in 0..<k {
        layerNormBackward(dInput: dX + c * R * W, dWeight: g?.ln2Weight,
                          dBias: g?.ln2Bias, dOut: sc.dLn + c * R * W, input: a.mid, weight: w.ln2Weight,
                          mean: a.mean2, rstd: a.rstd2, rows: R, cols: W)
    }
    // Attention branch: ∂L/∂mid flows through out_proj, attention, the q|k|v projection and ln1 into dX.
    sc.dAttn.update(repeating: 0, count: k * T * W)
    if let rows = outputRows {
        // Kept rows only: out_proj's backward on them, then scattered to their rows; ∂L/∂mid moves to the full
        // layout as the residual part of ∂L/∂input.
        precondition(R * W <= T * s.intermediate, "the kept rows' gradients must fit the MLP scratch")
        let dAttnRows = sc.dA, dMidRows = sc.dB
        dAttnRows.update(repeating: 0, count: k * R * W)
        linearBackward(dInput: dAttnRows, dWeight: g?.outWeight, dBias: g?.outBias, dOut: dX, input: a.attn,
                       weight: w.outWeight, rows: R, inFeatures: W, outFeatures: W, cotangents: k)
        dMidRows.update(from: dX, count: k * R * W)
        dX.update(repeating: 0, count: k * T * W)
        for c in 0..<k { for (i, r) in rows.enumerated() {
            (sc.dAttn + (c * T + r) * W).update(from: dAttnRows + (c * R + i) * W, count: W)
            (dX + (c * T + r) * W).update(from: dMidRows + (c * R + i) * W, count: W)
        } }
    } else {
        linearBackward(dInput: sc.dAttn, dWeight: g?.outWeight, dBias: g?.outBias, dOut: dX, input: a.attn,
                       weight: w.outWeight, rows: T, inFeatures: W, outFeatures: W, cotangents: k)
    }
    streamAttentionBackward(dQKV: sc.dQKV, dOut: sc.dAttn, probs: a.probs, qkv: a.qkv, layout: layout, cotangents: k)
    sc.dLn.update(repeating: 0, count: k * T * W)
    linearBackward(dInput: sc.dLn, dWeight: g?.qkvWeight, dBias: g?.qkvBias, dOut: sc.dQKV, input: a.ln1,
                   weight: w.qkvWeight, rows: T, inFeatures: W, outFeatures: 3 * W, cotangents: k)
    for c in 0..<k {
        layerNormBackward(dInput: dX + c * T * W, dWeight: g?.ln1Weight, dBias: g?.ln1Bias,
                          dOut: sc.dLn + c * T * W, input: a.input, weight: w.ln1Weight,
                          mean: a.mean1, rstd: a.rstd1, rows: T, cols: W)
    }
}
