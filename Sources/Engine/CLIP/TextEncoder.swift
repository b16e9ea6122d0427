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
    /// The stream rows pooled for the features (each sequence's EOT row).
    let pooledRows: [Int]
    let tokenIds: [[Int]]?
    /// The stream (a shared-prefix pass holds the prefix rows first, then every sequence's suffix rows).
    let stream: StreamBuffers?
    let streamInput: UnsafeMutablePointer<Float>?
    let layout: StreamLayout
    /// Full per-sequence length the caller passed (L, or the suffix length S of a shared-prefix pass).
    let inputLength: Int
    /// Whether the pass came from forwardSharedPrefix.
    let sharedPrefix: Bool
    let pooled, pooledNorm, mean, rstd: UnsafeMutablePointer<Float>?

    init(features: [Float], count: Int, arena: Arena?, pool: ArenaPool?, pooledRows: [Int], tokenIds: [[Int]]?,
         stream: StreamBuffers?, streamInput: UnsafeMutablePointer<Float>?, layout: StreamLayout,
         inputLength: Int, sharedPrefix: Bool, pooled: UnsafeMutablePointer<Float>?, pooledNorm: UnsafeMutablePointer<Float>?,
         mean: UnsafeMutablePointer<Float>?, rstd: UnsafeMutablePointer<Float>?) {
        self.features = features; self.count = count; self.arena = arena; self.pool = pool
        self.pooledRows = pooledRows
        self.tokenIds = tokenIds; self.stream = stream; self.streamInput = streamInput; self.layout = layout
        self.inputLength = inputLength; self.sharedPrefix = sharedPrefix
        self.pooled = pooled; self.pooledNorm = pooledNorm; self.mean = mean; self.rstd = rstd
    }

    var saved: Bool { arena != nil }

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
    func weights(_ l: Int) -> BlockWeights { offsets.layers[l].pointers(store.base) }

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
        let W = width, layers = config.numHiddenLayers, shape = blockShape
        precondition(inputs.count == n * L * W, "inputs hold \(inputs.count) floats, expected n·L·width = \(n * L * W)")
        precondition(eot.count == n && eot.allSatisfy { $0 >= 0 && $0 < L }, "eot must hold n indices in 0..<L")
        let Lc = (eot.max() ?? 0) + 1   // positions after the last EOT cannot reach any pooled state
        precondition(Lc <= config.maxPositionEmbeddings,
                     "EOT at \(Lc - 1) is beyond max_position_embeddings \(config.maxPositionEmbeddings)")
        let layout = StreamLayout(AttentionShape(sequences: n, length: Lc, width: W, heads: config.numAttentionHeads,
                                                 causal: true))
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>)
            -> (UnsafeMutablePointer<Float>, StreamBuffers, [UnsafeMutablePointer<Float>]) {
            let x0 = take(n * Lc * W)
            let b = StreamBuffers(input: x0, layers: layers, shape: shape, layout: layout, save: save, take: take)
            return (x0, b, [take(n * W), take(n * W), take(n), take(n)])
        }
        let arena = pool.arena(capacity: plannedFloats { _ = carve($0) })
        let (x0, buffers, head) = carve { arena.take($0) }
        let pos = store.pointer(offsets.positionEmbedding)
        inputs.withUnsafeBufferPointer { inp in
            for i in 0..<n {
                for j in 0..<Lc {
                    let src = inp.baseAddress! + (i * L + j) * W, dst = x0 + (i * Lc + j) * W, p = pos + j * W
                    for d in 0..<W { dst[d] = src[d] + p[d] }
                }
            }
        }
        let rows = (0..<n).map { i in i * Lc + eot[i] }
        let features = runStream(buffers, input: x0, layout: layout, pooledRows: rows, head: head)
        if !save { pool.recycle(arena) }
        return TextPass(features: features, count: n, arena: save ? arena : nil, pool: save ? pool : nil,
                        pooledRows: rows, tokenIds: tokenIds, stream: save ? buffers : nil, streamInput: save ? x0 : nil,
                        layout: layout, inputLength: L, sharedPrefix: false, pooled: save ? head[0] : nil,
                        pooledNorm: save ? head[1] : nil, mean: save ? head[2] : nil, rstd: save ? head[3] : nil)
    }

    /// Runs every layer over the stream (the last one only for the pooled rows: nothing else reaches the features),
    /// then the final LayerNorm and the projection at those rows → features [n, proj].
    private func runStream(_ buffers: StreamBuffers, input x0: UnsafeMutablePointer<Float>, layout: StreamLayout,
                           pooledRows rows: [Int], head: [UnsafeMutablePointer<Float>]) -> [Float] {
        let layers = config.numHiddenLayers, W = width, E = projectionDim, n = rows.count
        for l in 0..<layers {
            streamLayerForward(l, buffers: buffers, input: x0, weights: weights(l), shape: blockShape, layout: layout,
                               outputRows: l == layers - 1 ? rows : nil)
        }
        let pooled = head[0], pooledNorm = head[1]
        if layers == 0 {
            for i in 0..<n { (pooled + i * W).update(from: x0 + rows[i] * W, count: W) }
        } else {
            pooled.update(from: buffers.outputs[layers - 1], count: n * W)
        }
        layerNormForward(out: pooledNorm, mean: head[2], rstd: head[3], input: pooled,
                         weight: store.pointer(offsets.finalLNWeight), bias: store.pointer(offsets.finalLNBias),
                         rows: n, cols: W, eps: Float(config.layerNormEps))
        var features = [Float](repeating: 0, count: n * E)
        features.withUnsafeMutableBufferPointer { f in
            linearForward(out: f.baseAddress!, input: pooledNorm, weight: store.pointer(offsets.projection),
                          bias: nil, rows: n, inFeatures: W, outFeatures: E)
        }
        return features
    }

    /// Backward of the pooling head for k cotangents: dPooled [k, n, W] (overwritten) from dFeatures [k, n, E].
    private func poolBackward(_ pass: TextPass, dFeatures: UnsafePointer<Float>, k: Int,
                              dPooled: UnsafeMutablePointer<Float>, dPooledNorm: UnsafeMutablePointer<Float>,
                              grads: UnsafeMutablePointer<Float>?) {
        let n = pass.count, W = width, E = projectionDim
        dPooledNorm.update(repeating: 0, count: k * n * W)
        linearBackward(dInput: dPooledNorm, dWeight: grads.map { $0 + offsets.projection }, dBias: nil,
                       dOut: dFeatures, input: pass.pooledNorm!, weight: store.pointer(offsets.projection),
                       rows: n, inFeatures: W, outFeatures: E, cotangents: k)
        dPooled.update(repeating: 0, count: k * n * W)
        for c in 0..<k {
            layerNormBackward(dInput: dPooled + c * n * W, dWeight: grads.map { $0 + offsets.finalLNWeight },
                              dBias: grads.map { $0 + offsets.finalLNBias }, dOut: dPooledNorm + c * n * W,
                              input: pass.pooled!, weight: store.pointer(offsets.finalLNWeight),
                              mean: pass.mean!, rstd: pass.rstd!, rows: n, cols: W)
        }
    }

    /// The blocks' backward from the pooled rows' gradients dPooled [k, n, W] to dX [k, T, W] = ∂L/∂stream input.
    private func streamBackward(_ pass: TextPass, dPooled: UnsafePointer<Float>, dX: UnsafeMutablePointer<Float>,
                                k: Int, grads g: UnsafeMutablePointer<Float>?, scratch: BlockScratch) {
        let layers = config.numHiddenLayers, W = width, n = pass.count, T = pass.layout.tokens
        if layers == 0 {
            dX.update(repeating: 0, count: k * T * W)
            for c in 0..<k { for (i, r) in pass.pooledRows.enumerated() {
                (dX + (c * T + r) * W).update(from: dPooled + (c * n + i) * W, count: W)
            } }
            return
        }
        dX.update(from: dPooled, count: k * n * W)    // the last block kept only the pooled rows: compact layout
        let stream = pass.stream!, x0 = pass.streamInput!
        for l in stride(from: layers - 1, through: 0, by: -1) {
            blockBackward(dX: dX, acts: stream.activations(l, input: x0), weights: weights(l),
                          grads: g.map { offsets.layers[l].pointers($0) }, shape: blockShape, layout: pass.layout,
                          outputRows: l == layers - 1 ? pass.pooledRows : nil, cotangents: k, scratch: scratch)
        }
    }

    /// Vector–Jacobian product for k cotangents at once, dFeatures [k, n, proj] → dInputs [k, n, L, width]
    /// (zeros beyond max(eot)). If weightGrads is given, weight gradients are accumulated (+=) into it
    /// (summed over the k cotangents).
    public func backward(_ pass: TextPass, dFeatures: [Float], cotangents k: Int,
                         weightGrads: CLIPGradients? = nil) -> [Float] {
        precondition(pass.saved && !pass.sharedPrefix, "backward needs a pass from forward(saveForBackward: true)")
        let n = pass.count, W = width, L = pass.inputLength, Lc = pass.layout.main.length, T = pass.layout.tokens
        let g = weightGrads?.store.base
        return backwardToStreamInput(pass, dFeatures: dFeatures, k: k, grads: g) { dX in
            if let g { embeddingBackward(dX: dX, k: k, n: n, length: Lc, firstPosition: 0, tokenIds: pass.tokenIds, grads: g) }
            var dInputs = [Float](repeating: 0, count: k * n * L * W)
            dInputs.withUnsafeMutableBufferPointer { o in
                for c in 0..<k { for i in 0..<n {
                    (o.baseAddress! + (c * n + i) * L * W).update(from: dX + (c * T + i * Lc) * W, count: Lc * W)
                } }
            }
            return dInputs
        }
    }

    /// The backward from dFeatures [k, n, proj] through the pooling head and every block; `body` reads
    /// dX [k, T, W] = ∂L/∂(stream input) while the scratch is alive. Weight gradients go to `grads` when given.
    private func backwardToStreamInput<Result>(_ pass: TextPass, dFeatures: [Float], k: Int,
                                               grads g: UnsafeMutablePointer<Float>?,
                                               _ body: (UnsafePointer<Float>) -> Result) -> Result {
        let n = pass.count, W = width, E = projectionDim, T = pass.layout.tokens, shape = blockShape
        precondition(dFeatures.count == k * n * E, "dFeatures holds \(dFeatures.count) floats, expected k·n·proj = \(k * n * E)")
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>) -> ([UnsafeMutablePointer<Float>], BlockScratch) {
            ([take(k * n * W), take(k * n * W), take(k * T * W)],
             BlockScratch(tokens: T, shape: shape, cotangents: k, take: take))
        }
        let arena = scratchPool.arena(capacity: plannedFloats { _ = carve($0) })
        defer { scratchPool.recycle(arena) }
        let (bufs, scratch) = carve { arena.take($0) }
        let dPooled = bufs[0], dPooledNorm = bufs[1], dX = bufs[2]
        dFeatures.withUnsafeBufferPointer {
            poolBackward(pass, dFeatures: $0.baseAddress!, k: k, dPooled: dPooled, dPooledNorm: dPooledNorm, grads: g)
        }
        streamBackward(pass, dPooled: dPooled, dX: dX, k: k, grads: g, scratch: scratch)
        return body(dX)
    }

    /// Adds the position embedding's gradient (and the token embedding's, when the ids are known) from dX [k, n·len, W].
    private func embeddingBackward(dX: UnsafePointer<Float>, k: Int, n: Int, length: Int, firstPosition: Int,
                                   tokenIds: [[Int]]?, grads g: UnsafeMutablePointer<Float>) {
        let W = width, T = n * length
        let dPos = g + offsets.positionEmbedding, dTok = g + offsets.tokenEmbedding
        for c in 0..<k { for i in 0..<n { for j in 0..<length {
            let src = dX + (c * T + i * length + j) * W
            let p = dPos + (firstPosition + j) * W
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
        let W = width, layers = config.numHiddenLayers, shape = blockShape
        precondition(prefix.count == P * W, "prefix holds \(prefix.count) floats, expected P·width = \(P * W)")
        precondition(suffix.count == n * S * W, "suffix holds \(suffix.count) floats, expected n·S·width = \(n * S * W)")
        precondition(eot.count == n && eot.allSatisfy { $0 >= P && $0 < P + S }, "eot must hold n indices in P..<P+S")
        let Ls = (eot.max() ?? P) - P + 1
        precondition(P + Ls <= config.maxPositionEmbeddings,
                     "EOT at \(P + Ls - 1) is beyond max_position_embeddings \(config.maxPositionEmbeddings)")
        let layout = StreamLayout(prefixLength: P, sequences: n, length: Ls, width: W, heads: config.numAttentionHeads)
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>)
            -> (UnsafeMutablePointer<Float>, StreamBuffers, [UnsafeMutablePointer<Float>]) {
            let x0 = take(layout.tokens * W)
            let b = StreamBuffers(input: x0, layers: layers, shape: shape, layout: layout, save: save, take: take)
            return (x0, b, [take(n * W), take(n * W), take(n), take(n)])
        }
        let arena = pool.arena(capacity: plannedFloats { _ = carve($0) })
        let (x0, buffers, head) = carve { arena.take($0) }
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
        let rows = (0..<n).map { i in i * Ls + eot[i] }    // = P + i·Ls + (eot[i] − P)
        let features = runStream(buffers, input: x0, layout: layout, pooledRows: rows, head: head)
        if !save { pool.recycle(arena) }
        return TextPass(features: features, count: n, arena: save ? arena : nil, pool: save ? pool : nil,
                        pooledRows: rows, tokenIds: nil, stream: save ? buffers : nil, streamInput: save ? x0 : nil,
                        layout: layout, inputLength: S, sharedPrefix: true,
                        pooled: save ? head[0] : nil, pooledNorm: save ? head[1] : nil,
                        mean: save ? head[2] : nil, rstd: save ? head[3] : nil)
    }

    /// Backward of forwardSharedPrefix for k cotangents: dPrefix [k, P, width] (summed over the n sequences) and
    /// dSuffix [k, n, S, width]. Same numbers as backward() of the plain path (prefix grads summed).
    public func backwardSharedPrefix(_ pass: TextPass, dFeatures: [Float], cotangents k: Int)
        -> (dPrefix: [Float], dSuffix: [Float]) {
        precondition(pass.saved && pass.sharedPrefix,
                     "backwardSharedPrefix needs a pass from forwardSharedPrefix(saveForBackward: true)")
        let n = pass.count, W = width, S = pass.inputLength
        let P = pass.layout.prefixRows, Ls = pass.layout.main.length, T = pass.layout.tokens
        return backwardToStreamInput(pass, dFeatures: dFeatures, k: k, grads: nil) { dX in
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
