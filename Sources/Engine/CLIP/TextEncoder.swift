// CLIP's text tower: token + position embeddings → causal pre-LN transformer → final LayerNorm at the EOT position →
// text projection; with its vector–Jacobian product for stacked cotangents and a shared-prefix fast path.
// Port of transformers models/clip/modeling_clip.py CLIPTextTransformer / CLIPModel.get_text_features semantics.

/// Saved state of one text forward pass; features [count, projectionDim].
public final class TextPass {
    /// Projected, not normalized, features [count, projectionDim].
    public let features: [Float]
    /// Number of sequences.
    public let count: Int

    let arena: Arena?
    let pool: ArenaPool?
    let saved: Saved?

    /// What a saved pass keeps for backward.
    struct Saved {
        /// The stream through the stack (a shared-prefix pass holds the prefix rows first, then every suffix's rows).
        let stack: TransformerStack.Pass
        /// The token ids, when the pass started from them (then backward reaches the token embedding).
        let tokenIds: [[Int]]?
        /// Full per-sequence length the caller passed (L, or the suffix length S of a shared-prefix pass).
        let inputLength: Int
        /// Whether the pass came from forwardSharedPrefix.
        let sharedPrefix: Bool
    }

    init(features: [Float], count: Int, arena: Arena?, pool: ArenaPool?, saved: Saved?) {
        self.features = features; self.count = count; self.arena = arena; self.pool = pool; self.saved = saved
    }

    deinit { if let arena, let pool { pool.recycle(arena) } }
}

/// The text tower of a CLIPModel (weights live in the model's parameter block).
public final class TextEncoder {
    public let config: CLIPTextConfig
    public let projectionDim: Int
    let store: ParameterStore
    let offsets: TextOffsets
    let pool = ArenaPool()
    let scratchPool = ArenaPool()

    init(config: CLIPTextConfig, projectionDim: Int, store: ParameterStore, offsets: TextOffsets) {
        self.config = config; self.projectionDim = projectionDim; self.store = store; self.offsets = offsets
    }

    var width: Int { config.hiddenSize }
    var blockShape: BlockShape {
        BlockShape(width: config.hiddenSize, heads: config.numAttentionHeads, intermediate: config.intermediateSize,
                   activation: config.hiddenAct, eps: Float(config.layerNormEps))
    }
    var stack: TransformerStack {
        TransformerStack(offsets: offsets.stack, shape: blockShape, projectionDim: projectionDim, parameters: store.base)
    }

    /// Token embedding rows for ids → [ids.count, width] (no positions added).
    public func embed(_ ids: [Int]) -> [Float] {
        let W = width
        var out = [Float](repeating: 0, count: ids.count * W)
        let table = store.pointer(offsets.tokenEmbedding)
        out.withUnsafeMutableBufferPointer { o in
            for (r, id) in ids.enumerated() {
                precondition(id >= 0 && id < config.vocabSize, "token id \(id) is outside the vocabulary (size \(config.vocabSize))")
                (o.baseAddress! + r * W).update(from: table + id * W, count: W)
            }
        }
        return out
    }

    /// The EOT position of a tokenized text: the index of its largest id (OpenAI/CoOp convention; first if tied).
    public static func eotIndex(_ ids: [Int]) -> Int {
        var best = 0
        for (i, id) in ids.enumerated() where id > ids[best] { best = i }
        return best
    }

    /// Projected (not normalized) features of tokenized texts, pooled at each text's EOT position = index of the
    /// largest id (OpenAI/CoOp convention; EOT is the largest id in CLIP's vocabulary). → [n, projectionDim]
    public func encode(tokenIds: [[Int]]) -> [Float] {
        forward(tokenIds: tokenIds, saveForBackward: false).features
    }

    /// Forward from token ids (texts may differ in length; shorter ones are padded after their end). A saved pass
    /// also lets backward() accumulate the token embedding's gradient.
    public func forward(tokenIds: [[Int]], saveForBackward: Bool) -> TextPass {
        let n = tokenIds.count, L = max(1, tokenIds.map(\.count).max() ?? 1), W = width
        var inputs = [Float](repeating: 0, count: n * L * W)
        for (i, ids) in tokenIds.enumerated() {
            precondition(!ids.isEmpty, "text \(i) has no tokens")
            let rows = embed(ids)
            inputs.replaceSubrange(i * L * W ..< i * L * W + rows.count, with: rows)
        }
        return forward(inputs: inputs, count: n, length: L, eot: tokenIds.map(Self.eotIndex),
                       saveForBackward: saveForBackward, tokenIds: tokenIds)
    }

    /// Forward from input embeddings x [n, L, width] (token embeddings; position embeddings are added inside),
    /// pooling at eot[i]. Computes only positions 0...max(eot) (exact under the causal mask). Features: pass.features [n, proj].
    public func forward(inputs: [Float], count n: Int, length L: Int, eot: [Int], saveForBackward: Bool) -> TextPass {
        forward(inputs: inputs, count: n, length: L, eot: eot, saveForBackward: saveForBackward, tokenIds: nil)
    }

    func forward(inputs: [Float], count n: Int, length L: Int, eot: [Int], saveForBackward save: Bool,
                 tokenIds: [[Int]]?) -> TextPass {
        let W = width
        precondition(inputs.count == n * L * W, "inputs hold \(inputs.count) floats, expected n·L·width = \(n * L * W)")
        precondition(eot.count == n && eot.allSatisfy { $0 >= 0 && $0 < L }, "eot must hold n indices in 0..<L")
        let Lc = (eot.max() ?? 0) + 1   // positions after the last EOT cannot reach any pooled state
        precondition(Lc <= config.maxPositionEmbeddings,
                     "EOT at \(Lc - 1) is beyond max_position_embeddings \(config.maxPositionEmbeddings)")
        let layout = StreamLayout(AttentionShape(sequences: n, length: Lc, width: W, heads: config.numAttentionHeads,
                                                 causal: true))
        let rows = (0..<n).map { i in i * Lc + eot[i] }
        return run(layout: layout, pooledRows: rows, save: save, tokenIds: tokenIds, inputLength: L,
                   sharedPrefix: false) { x0 in
            let pos = store.pointer(offsets.positionEmbedding)
            inputs.withUnsafeBufferPointer { inp in
                for i in 0..<n {
                    for j in 0..<Lc {
                        let src = inp.baseAddress! + (i * L + j) * W, dst = x0 + (i * Lc + j) * W, p = pos + j * W
                        for d in 0..<W { dst[d] = src[d] + p[d] }
                    }
                }
            }
        }
    }

    /// One pass: carves the stream input and the stack's buffers, lets `fill` write the input (embeddings plus
    /// positions), runs the stack → a TextPass (holding its arena when saved).
    private func run(layout: StreamLayout, pooledRows rows: [Int], save: Bool, tokenIds: [[Int]]?, inputLength: Int,
                     sharedPrefix: Bool, fill: (UnsafeMutablePointer<Float>) -> Void) -> TextPass {
        let stack = stack, W = width, n = rows.count
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>) -> TransformerStack.Pass {
            stack.carve(input: take(layout.tokens * W), layout: layout, pooledRows: rows, save: save, take: take)
        }
        let arena = pool.arena(capacity: plannedFloats { _ = carve($0) })
        let pass = carve { arena.take($0) }
        fill(pass.input)
        var features = [Float](repeating: 0, count: n * projectionDim)
        features.withUnsafeMutableBufferPointer { stack.forward(pass, features: $0.baseAddress!) }
        guard save else {
            pool.recycle(arena)
            return TextPass(features: features, count: n, arena: nil, pool: nil, saved: nil)
        }
        return TextPass(features: features, count: n, arena: arena, pool: pool,
                        saved: TextPass.Saved(stack: pass, tokenIds: tokenIds, inputLength: inputLength,
                                              sharedPrefix: sharedPrefix))
    }

    /// Vector–Jacobian product for k cotangents at once, dFeatures [k, n, proj] → dInputs [k, n, L, width]
    /// (zeros beyond max(eot)). If weightGrads is given, weight gradients are accumulated (+=) into it
    /// (summed over the k cotangents).
    public func backward(_ pass: TextPass, dFeatures: [Float], cotangents k: Int,
                         weightGrads: CLIPGradients? = nil) -> [Float] {
        guard let saved = pass.saved, !saved.sharedPrefix else {
            preconditionFailure("backward needs a pass from forward(saveForBackward: true)")
        }
        let n = pass.count, W = width, L = saved.inputLength, Lc = saved.stack.layout.main.length
        let T = saved.stack.layout.tokens, g = weightGrads?.store.base
        return backwardToStreamInput(saved, dFeatures: dFeatures, k: k, grads: g) { dX in
            if let g { embeddingBackward(dX: dX, k: k, n: n, length: Lc, tokenIds: saved.tokenIds, grads: g) }
            var dInputs = [Float](repeating: 0, count: k * n * L * W)
            dInputs.withUnsafeMutableBufferPointer { o in
                for c in 0..<k { for i in 0..<n {
                    (o.baseAddress! + (c * n + i) * L * W).update(from: dX + (c * T + i * Lc) * W, count: Lc * W)
                } }
            }
            return dInputs
        }
    }

    /// The stack's backward from dFeatures [k, n, proj]; `body` reads dX [k, T, W] = ∂L/∂(stream input) while the
    /// scratch is alive. Weight gradients go to `grads` when given.
    private func backwardToStreamInput<Result>(_ saved: TextPass.Saved, dFeatures: [Float], k: Int,
                                               grads g: UnsafeMutablePointer<Float>?,
                                               _ body: (UnsafePointer<Float>) -> Result) -> Result {
        let n = saved.stack.pooledRows.count, E = projectionDim
        precondition(dFeatures.count == k * n * E, "dFeatures holds \(dFeatures.count) floats, expected k·n·proj = \(k * n * E)")
        return dFeatures.withUnsafeBufferPointer { df in
            stack.backward(saved.stack, dFeatures: df.baseAddress!, cotangents: k, grads: g, pool: scratchPool) { dX, _ in
                body(dX)
            }
        }
    }

    /// Adds the position embedding's gradient (and the token embedding's, when the ids are known) from dX [k, n·len, W].
    private func embeddingBackward(dX: UnsafePointer<Float>, k: Int, n: Int, length: Int,
                                   tokenIds: [[Int]]?, grads g: UnsafeMutablePointer<Float>) {
        let W = width, T = n * length
        let dPos = g + offsets.positionEmbedding, dTok = g + offsets.tokenEmbedding
        for c in 0..<k { for i in 0..<n { for j in 0..<length {
            let src = dX + (c * T + i * length + j) * W
            let p = dPos + j * W
            for d in 0..<W { p[d] += src[d] }
            if let ids = tokenIds?[i], j < ids.count {
                let t = dTok + ids[j] * W
                for d in 0..<W { t[d] += src[d] }
            }
        } } }
    }

    /// Shared-prefix forward (unified context, class token at the end): prefix [P, width] is identical for all n
    /// sequences (e.g. [SOS, ctx_1..ctx_M] embeddings), suffix [n, S, width] differs; sequence i is prefix ++ suffix_i,
    /// eot[i] is an index into that full sequence (≥ P). One stream holds the prefix rows once, then the suffix rows;
    /// each suffix attends to the prefix's keys/values and, causally, to its own. Same features as forward() on the
    /// concatenation.
    public func forwardSharedPrefix(prefix: [Float], prefixLength P: Int, suffix: [Float], count n: Int,
                                    suffixLength S: Int, eot: [Int], saveForBackward save: Bool) -> TextPass {
        let W = width
        precondition(prefix.count == P * W, "prefix holds \(prefix.count) floats, expected P·width = \(P * W)")
        precondition(suffix.count == n * S * W, "suffix holds \(suffix.count) floats, expected n·S·width = \(n * S * W)")
        precondition(eot.count == n && eot.allSatisfy { $0 >= P && $0 < P + S }, "eot must hold n indices in P..<P+S")
        let Ls = (eot.max() ?? P) - P + 1
        precondition(P + Ls <= config.maxPositionEmbeddings,
                     "EOT at \(P + Ls - 1) is beyond max_position_embeddings \(config.maxPositionEmbeddings)")
        let layout = StreamLayout(prefixLength: P, sequences: n, length: Ls, width: W, heads: config.numAttentionHeads)
        let rows = (0..<n).map { i in i * Ls + eot[i] }    // = P + i·Ls + (eot[i] − P)
        return run(layout: layout, pooledRows: rows, save: save, tokenIds: nil, inputLength: S,
                   sharedPrefix: true) { x0 in
            let pos = store.pointer(offsets.positionEmbedding)
            prefix.withUnsafeBufferPointer { src in
                for j in 0..<P { for d in 0..<W { x0[j * W + d] = src[j * W + d] + pos[j * W + d] } }
            }
            suffix.withUnsafeBufferPointer { src in
                for i in 0..<n { for j in 0..<Ls {
                    let s = src.baseAddress! + (i * S + j) * W, dst = x0 + (P + i * Ls + j) * W, p = pos + (P + j) * W
                    for d in 0..<W { dst[d] = s[d] + p[d] }
                } }
            }
        }
    }

    /// Backward of forwardSharedPrefix for k cotangents: dPrefix [k, P, width] (summed over the n sequences) and
    /// dSuffix [k, n, S, width]. Same numbers as backward() of the plain path (prefix grads summed).
    public func backwardSharedPrefix(_ pass: TextPass, dFeatures: [Float], cotangents k: Int)
        -> (dPrefix: [Float], dSuffix: [Float]) {
        guard let saved = pass.saved, saved.sharedPrefix else {
            preconditionFailure("backwardSharedPrefix needs a pass from forwardSharedPrefix(saveForBackward: true)")
        }
        let n = pass.count, W = width, S = saved.inputLength
        let P = saved.stack.layout.prefixRows, Ls = saved.stack.layout.main.length, T = saved.stack.layout.tokens
        return backwardToStreamInput(saved, dFeatures: dFeatures, k: k, grads: nil) { dX in
            var dPrefix = [Float](repeating: 0, count: k * P * W)
            var dSuffix = [Float](repeating: 0, count: k * n * S * W)
            dPrefix.withUnsafeMutableBufferPointer { o in
                for c in 0..<k { (o.baseAddress! + c * P * W).update(from: dX + c * T * W, count: P * W) }
            }
            dSuffix.withUnsafeMutableBufferPointer { o in
                for c in 0..<k { for i in 0..<n {
                    (o.baseAddress! + (c * n + i) * S * W).update(from: dX + (c * T + P + i * Ls) * W, count: Ls * W)
                } }
            }
            return (dPrefix, dSuffix)
        }
    }
}
