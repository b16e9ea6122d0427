// Multi-head scaled dot-product attention on packed q|k|v rows, optionally causal and optionally attending to a
// shared context (a prefix's keys/values seen by every sequence); forward and backward as per-head GEMMs.
// Semantics of transformers' CLIPAttention (scale head_dim^-0.5, softmax in fp32, causal mask = −∞ above the diagonal).
import Foundation

/// Sizes of one attention call: `sequences` sequences of `length` tokens, packed rows [sequences·length, 3·width] as
/// q | k | v (head h at columns h·headDim within each), plus `contextLength` context rows every sequence sees first.
public struct AttentionShape: Sendable {
    public var sequences: Int
    public var length: Int
    public var width: Int
    public var heads: Int
    public var contextLength: Int
    public var causal: Bool

    public init(sequences: Int, length: Int, width: Int, heads: Int, contextLength: Int = 0, causal: Bool) {
        self.sequences = sequences; self.length = length; self.width = width; self.heads = heads
        self.contextLength = contextLength; self.causal = causal
    }

    var headDim: Int { width / heads }
    /// Keys per query row: context then own sequence.
    var keys: Int { contextLength + length }
    var tokens: Int { sequences * length }
    /// Floats of the saved probabilities [sequences, heads, length, keys].
    var probabilityCount: Int { sequences * heads * length * keys }
    var scale: Float { 1 / Float(headDim).squareRoot() }
}

/// out [tokens, width] = softmax(q·kᵀ·scale + mask)·v per sequence and head; probabilities saved to `probs`.
/// `context` is the packed q|k|v of the context rows [contextLength, 3·width] (only its k and v are read).
/// Causal applies within a sequence; context rows are visible to every query.
public func attentionForward(out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
                             qkv: UnsafePointer<Float>, context: UnsafePointer<Float>?, shape s: AttentionShape) {
    let W = s.width, L = s.length, P = s.contextLength, K = s.keys, dh = s.headDim, ld = 3 * W
    forEachSequenceAndHead(s, headsExclusive: false) { i, h, _ in
        let rows = qkv + i * L * ld
        let q = rows + h * dh, k = rows + W + h * dh, v = rows + 2 * W + h * dh
        let sc = probs + ((i * s.heads + h) * L) * K
        if P > 0, let context {
            gemm(transA: false, transB: true, m: L, n: P, k: dh, alpha: s.scale,
                 a: q, lda: ld, b: context + W + h * dh, ldb: ld, c: sc, ldc: K)
        }
        gemm(transA: false, transB: true, m: L, n: L, k: dh, alpha: s.scale,
             a: q, lda: ld, b: k, ldb: ld, c: sc + P, ldc: K)
        softmaxForward(sc, rows: L, cols: K, ld: K, causal: s.causal, visibleBase: P)
        let o = out + i * L * W + h * dh
        if P > 0, let context {
            gemm(transA: false, transB: false, m: L, n: dh, k: P, a: sc, lda: K,
                 b: context + 2 * W + h * dh, ldb: ld, c: o, ldc: W)
        }
        gemm(transA: false, transB: false, m: L, n: dh, k: L, a: sc + P, lda: K, b: v, ldb: ld,
             beta: P > 0 ? 1 : 0, c: o, ldc: W)
    }
}

/// Backward of attentionForward for `cotangents` stacked dOut [cotangents, tokens, width]:
/// dQKV [cotangents, tokens, 3·width] is overwritten with the gradients of q|k|v; the context's key/value
/// gradients are added (+=) to dContext [cotangents, contextLength, 3·width] (summed over sequences).
/// `cotangentStride` (rows from one cotangent to the next in dQKV, dOut and dContext) defaults to tokens for dQKV and
/// dOut and contextLength for dContext; a stream whose prefix rows are the context passes its total row count.
public func attentionBackward(dQKV: UnsafeMutablePointer<Float>, dContext: UnsafeMutablePointer<Float>?,
                              dOut: UnsafePointer<Float>, probs: UnsafePointer<Float>, qkv: UnsafePointer<Float>,
                              context: UnsafePointer<Float>?, shape s: AttentionShape, cotangents: Int,
                              cotangentStride: Int? = nil) {
    let W = s.width, L = s.length, P = s.contextLength, K = s.keys, dh = s.headDim, ld = 3 * W
    let T = cotangentStride ?? s.tokens, TC = cotangentStride ?? P
    // Threads own whole heads when a shared context gradient is accumulated (its columns are per head).
    forEachSequenceAndHead(s, headsExclusive: dContext != nil) { i, h, dS in
        let rows = qkv + i * L * ld
        let q = rows + h * dh, k = rows + W + h * dh, v = rows + 2 * W + h * dh
        let p = probs + ((i * s.heads + h) * L) * K
        for c in 0..<cotangents {
            let dRows = dQKV + (c * T + i * L) * ld
            let dO = dOut + (c * T + i * L) * W + h * dh
            // dP = dO·vᵀ over context and own keys.
            if P > 0, let context {
                gemm(transA: false, transB: true, m: L, n: P, k: dh, a: dO, lda: W,
                     b: context + 2 * W + h * dh, ldb: ld, c: dS, ldc: K)
            }
            gemm(transA: false, transB: true, m: L, n: L, k: dh, a: dO, lda: W, b: v, ldb: ld,
                 c: dS + P, ldc: K)
            softmaxBackward(dS, probabilities: p, rows: L, cols: K, ldGrad: K, ldProb: K)
            // dq = scale·dS·k ; dk = scale·dSᵀ·q ; dv = Pᵀ·dO.
            let dq = dRows + h * dh, dk = dRows + W + h * dh, dv = dRows + 2 * W + h * dh
            if P > 0, let context {
                gemm(transA: false, transB: false, m: L, n: dh, k: P, alpha: s.scale, a: dS, lda: K,
                     b: context + W + h * dh, ldb: ld, c: dq, ldc: ld)
            }
            if P > 0, let dContext {
                let dc = dContext + c * TC * ld
                gemm(transA: true, transB: false, m: P, n: dh, k: L, alpha: s.scale, a: dS, lda: K,
                     b: q, ldb: ld, beta: 1, c: dc + W + h * dh, ldc: ld)
                gemm(transA: true, transB: false, m: P, n: dh, k: L, a: p, lda: K,
                     b: dO, ldb: W, beta: 1, c: dc + 2 * W + h * dh, ldc: ld)
            }
            gemm(transA: false, transB: false, m: L, n: dh, k: L, alpha: s.scale, a: dS + P, lda: K,
                 b: k, ldb: ld, beta: P > 0 ? 1 : 0, c: dq, ldc: ld)
            gemm(transA: true, transB: false, m: L, n: dh, k: L, alpha: s.scale, a: dS + P, lda: K,
                 b: q, ldb: ld, c: dk, ldc: ld)
            gemm(transA: true, transB: false, m: L, n: dh, k: L, a: p + P, lda: K, b: dO, ldb: W,
                 c: dv, ldc: ld)
        }
    }
}

/// Calls body(sequence, head, scratch [length, keys]) for every pair, split over the cores with OpenBLAS held to one
/// thread meanwhile: the per-head products are small, so running pairs side by side beats splitting each product.
/// With `headsExclusive`, each thread takes whole heads (for all sequences).
func forEachSequenceAndHead(_ s: AttentionShape, headsExclusive: Bool,
                            _ body: (Int, Int, UnsafeMutablePointer<Float>) -> Void) {
    let pairs = s.sequences * s.heads
    let units = headsExclusive ? s.heads : pairs
    let work = pairs * s.length * s.keys * s.headDim
    let parts = min(Parallel.cores, units)
    func run(_ range: Range<Int>) {
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, s.length * s.keys))
        defer { scratch.deallocate() }
        for u in range {
            if headsExclusive { for i in 0..<s.sequences { body(i, u, scratch) } }
            else { body(u / s.heads, u % s.heads, scratch) }
        }
    }
    if parts <= 1 || work < 1 << 16 { run(0..<units); return }
    let blasThreads = Platform.blasThreads
    Platform.setBLASThreads(1)
    defer { Platform.setBLASThreads(blasThreads) }
    DispatchQueue.concurrentPerform(iterations: parts) { p in
        run(units * p / parts ..< units * (p + 1) / parts)
    }
}
