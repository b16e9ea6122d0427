// A stack of encoder layers over one stream of tokens with its pooled head (final LayerNorm + projection): buffer
// planning (so an arena can be sized first), the forward through every layer, and the backward that walks them in
// reverse. Both CLIP towers run their transformer through this one piece.

/// The buffers of one stream through `layers` blocks: saved activations per layer (or one reused set), and the
/// residual stream after each layer.
struct StreamBuffers {
    var acts: [BlockActivations]
    var outputs: [UnsafeMutablePointer<Float>]   // outputs[l] = residual after layer l
    let saved: Bool

    /// Carves the buffers with `take`. When not saved, one activation set and two ping-pong outputs serve all layers.
    init(input: UnsafeMutablePointer<Float>, layers: Int, shape: BlockShape, layout: StreamLayout, save: Bool,
         take: (Int) -> UnsafeMutablePointer<Float>) {
        saved = save
        let TW = layout.tokens * shape.width
        acts = []; outputs = []
        if save {
            var x = input
            for _ in 0..<layers {
                acts.append(BlockActivations(input: x, shape: shape, layout: layout, take: take))
                x = take(TW)
                outputs.append(x)
            }
        } else {
            acts.append(BlockActivations(input: input, shape: shape, layout: layout, take: take))
            let a = take(TW), b = take(TW)
            for l in 0..<layers { outputs.append(l % 2 == 0 ? a : b) }
        }
    }

    /// The activation set of layer l, with its input pointed at the right residual buffer.
    func activations(_ l: Int, input: UnsafeMutablePointer<Float>) -> BlockActivations {
        if saved { return acts[l] }
        var a = acts[0]
        a.input = l == 0 ? input : outputs[l - 1]
        return a
    }
}

/// Floats an arena needs for the carving done by `body`.
func plannedFloats(_ body: ((Int) -> UnsafeMutablePointer<Float>) -> Void) -> Int {
    var sizer = ArenaSizer()
    let dummy = UnsafeMutablePointer<Float>(bitPattern: 64)!
    body { n in sizer.add(n); return dummy }
    return sizer.total
}

/// A tower's transformer and its pooled head, forward above backward: every block over one stream (the last only at
/// the pooled rows: nothing else reaches the features), then the final LayerNorm and the projection at those rows.
/// The text tower pools each sequence's EOT row, the vision tower each image's class token.
struct TransformerStack {
    let offsets: StackOffsets
    let shape: BlockShape
    let projectionDim: Int
    /// The model's parameter block the offsets point into.
    let parameters: UnsafeMutablePointer<Float>

    var layers: Int { offsets.layers.count }
    func weights(_ l: Int) -> BlockWeights { offsets.layers[l].pointers(parameters) }

    /// What one pass through the stack holds (views into the pass's arena); a saved pass keeps every layer's
    /// activations for backward.
    struct Pass {
        let stream: StreamBuffers
        /// The stream's input [T, W] (embeddings, positions added).
        let input: UnsafeMutablePointer<Float>
        let layout: StreamLayout
        /// The stream rows pooled for the features, strictly increasing.
        let pooledRows: [Int]
        /// The pooled rows [n, W] before and after the final LayerNorm, with its statistics [n].
        let pooled, pooledNorm, mean, rstd: UnsafeMutablePointer<Float>
    }

    /// Carves a pass's buffers with `take` (the input buffer belongs to the caller).
    func carve(input: UnsafeMutablePointer<Float>, layout: StreamLayout, pooledRows: [Int], save: Bool,
               take: (Int) -> UnsafeMutablePointer<Float>) -> Pass {
        let n = pooledRows.count, W = shape.width
        let stream = StreamBuffers(input: input, layers: layers, shape: shape, layout: layout, save: save, take: take)
        return Pass(stream: stream, input: input, layout: layout, pooledRows: pooledRows,
                    pooled: take(n * W), pooledNorm: take(n * W), mean: take(n), rstd: take(n))
    }

    /// Runs every block and the head over the carved pass → features [n, projectionDim].
    func forward(_ p: Pass, features: UnsafeMutablePointer<Float>) {
        let n = p.pooledRows.count, W = shape.width
        for l in 0..<layers {
            blockForward(out: p.stream.outputs[l], acts: p.stream.activations(l, input: p.input), weights: weights(l),
                         shape: shape, layout: p.layout, outputRows: l == layers - 1 ? p.pooledRows : nil)
        }
        if layers == 0 {
            for i in 0..<n { (p.pooled + i * W).update(from: p.input + p.pooledRows[i] * W, count: W) }
        } else {
            p.pooled.update(from: p.stream.outputs[layers - 1], count: n * W)   // the last block's compact rows
        }
        layerNormForward(out: p.pooledNorm, mean: p.mean, rstd: p.rstd, input: p.pooled,
                         weight: parameters + offsets.finalLNWeight, bias: parameters + offsets.finalLNBias,
                         rows: n, cols: W, eps: shape.eps)
        linearForward(out: features, input: p.pooledNorm, weight: parameters + offsets.projection, bias: nil,
                      rows: n, inFeatures: W, outFeatures: projectionDim)
    }

    /// Backward of `forward` for k stacked cotangents dFeatures [k, n, projectionDim] of a saved pass: `body` reads
    /// dX [k, T, W] = ∂L/∂(stream input), and `extraFloats` floats of scratch of its own, while the scratch (from
    /// `pool`) is alive. Weight gradients are added to `grads` (a gradient block shaped like the parameters) when given.
    func backward<Result>(_ p: Pass, dFeatures: UnsafePointer<Float>, cotangents k: Int,
                          grads g: UnsafeMutablePointer<Float>?, pool: ArenaPool, extraFloats: Int = 0,
                          _ body: (_ dX: UnsafeMutablePointer<Float>, _ extra: UnsafeMutablePointer<Float>) -> Result)
        -> Result {
        precondition(p.stream.saved, "backward needs a pass whose activations were saved")
        let n = p.pooledRows.count, W = shape.width, E = projectionDim, T = p.layout.tokens
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>) -> ([UnsafeMutablePointer<Float>], BlockScratch) {
            ([take(k * n * W), take(k * n * W), take(k * T * W), take(max(1, extraFloats))],
             BlockScratch(tokens: T, shape: shape, cotangents: k, take: take))
        }
        let arena = pool.arena(capacity: plannedFloats { _ = carve($0) })
        defer { pool.recycle(arena) }
        let (b, scratch) = carve { arena.take($0) }
        let dPooledNorm = b[0], dPooled = b[1], dX = b[2]
        // Head: projection, then the final LayerNorm, one cotangent at a time.
        dPooledNorm.update(repeating: 0, count: k * n * W)
        linearBackward(dInput: dPooledNorm, dWeight: g.map { $0 + offsets.projection }, dBias: nil, dOut: dFeatures,
                       input: p.pooledNorm, weight: parameters + offsets.projection,
                       rows: n, inFeatures: W, outFeatures: E, cotangents: k)
        dPooled.update(repeating: 0, count: k * n * W)
        for c in 0..<k {
            layerNormBackward(dInput: dPooled + c * n * W, dWeight: g.map { $0 + offsets.finalLNWeight },
                              dBias: g.map { $0 + offsets.finalLNBias }, dOut: dPooledNorm + c * n * W,
                              input: p.pooled, weight: parameters + offsets.finalLNWeight,
                              mean: p.mean, rstd: p.rstd, rows: n, cols: W)
        }
        // Blocks, in reverse; the last one kept only the pooled rows, so its gradient starts compact.
        if layers == 0 {
            dX.update(repeating: 0, count: k * T * W)
            for c in 0..<k { for (i, r) in p.pooledRows.enumerated() {
                (dX + (c * T + r) * W).update(from: dPooled + (c * n + i) * W, count: W)
            } }
        } else {
            dX.update(from: dPooled, count: k * n * W)
        }
        for l in stride(from: layers - 1, through: 0, by: -1) {
            blockBackward(dX: dX, acts: p.stream.activations(l, input: p.input), weights: weights(l),
                          grads: g.map { offsets.layers[l].pointers($0) }, shape: shape, layout: p.layout,
                          outputRows: l == layers - 1 ? p.pooledRows : nil, cotangents: k, scratch: scratch)
        }
        return body(dX, b[3])
    }
}
