// CLIP's vision tower (ViT): patch embedding as one GEMM over im2col'd patches → class token + positions →
// pre-LayerNorm → transformer stack (post-LayerNorm of the class token → visual projection); backward for weight
// gradients.
// Port of transformers models/clip/modeling_clip.py CLIPVisionEmbeddings / CLIPVisionTransformer semantics.

/// Saved state of one image forward pass; features [count, projectionDim].
public final class ImagePass {
    /// Projected, not normalized, features [count, projectionDim].
    public let features: [Float]
    /// Number of images.
    public let count: Int

    let arena: Arena?
    let pool: ArenaPool?
    let saved: Saved?

    /// Buffers a saved pass keeps for backward.
    struct Saved {
        let patches: UnsafeMutablePointer<Float>      // [n·Np, C·p·p]
        let embeddings: UnsafeMutablePointer<Float>   // [n·Lv, W] before pre_layrnorm
        let preMean, preRstd: UnsafeMutablePointer<Float>
        /// The stack's pass; its input is the embeddings after pre_layrnorm [n·Lv, W].
        let stack: TransformerStack.Pass
    }

    init(features: [Float], count: Int, arena: Arena?, pool: ArenaPool?, saved: Saved?) {
        self.features = features; self.count = count; self.arena = arena; self.pool = pool; self.saved = saved
    }

    deinit { if let arena, let pool { pool.recycle(arena) } }
}

/// The vision tower of a CLIPModel (weights live in the model's parameter block).
public final class ImageEncoder {
    public let config: CLIPVisionConfig
    public let projectionDim: Int
    let store: ParameterStore
    let offsets: VisionOffsets
    let pool = ArenaPool()
    let scratchPool = ArenaPool()

    init(config: CLIPVisionConfig, projectionDim: Int, store: ParameterStore, offsets: VisionOffsets) {
        self.config = config; self.projectionDim = projectionDim; self.store = store; self.offsets = offsets
    }

    var width: Int { config.hiddenSize }
    /// Tokens per image: class token + patches.
    var tokensPerImage: Int { config.numPatches + 1 }
    /// Floats of one input image [C, H, W].
    var pixelsPerImage: Int { config.numChannels * config.imageSize * config.imageSize }
    /// Images per chunk of an inference pass: about 3200 tokens, enough for wide GEMMs at bounded memory.
    var chunkImages: Int { chunkOverride ?? max(1, 3200 / tokensPerImage) }
    /// Fixes the chunk size (tests use it to exercise chunking at tiny shapes).
    var chunkOverride: Int?
    var blockShape: BlockShape {
        BlockShape(width: config.hiddenSize, heads: config.numAttentionHeads, intermediate: config.intermediateSize,
                   activation: config.hiddenAct, eps: Float(config.layerNormEps))
    }
    var stack: TransformerStack {
        TransformerStack(offsets: offsets.stack, shape: blockShape, projectionDim: projectionDim, parameters: store.base)
    }

    /// pixels [n, C, H, W], already normalized with CLIP's mean/std → projected (not normalized) features [n, proj].
    /// Processes large n in chunks internally so memory stays bounded.
    public func encode(pixels: [Float], count n: Int) -> [Float] {
        forward(pixels: pixels, count: n, saveForBackward: false).features
    }

    /// Forward pass; when not saving, runs in chunks of `chunkImages` with reused buffers.
    public func forward(pixels: [Float], count n: Int, saveForBackward save: Bool) -> ImagePass {
        precondition(pixels.count == n * pixelsPerImage,
                     "pixels hold \(pixels.count) floats, expected n·C·H·W = \(n * pixelsPerImage)")
        let E = projectionDim
        if save {
            var features = [Float](repeating: 0, count: n * E)
            let (arena, saved) = pixels.withUnsafeBufferPointer { px in
                features.withUnsafeMutableBufferPointer { f in
                    run(pixels: px.baseAddress!, count: n, save: true, features: f.baseAddress!)
                }
            }
            return ImagePass(features: features, count: n, arena: arena, pool: pool, saved: saved)
        }
        var features = [Float](repeating: 0, count: n * E)
        pixels.withUnsafeBufferPointer { px in
            features.withUnsafeMutableBufferPointer { f in
                var start = 0
                while start < n {
                    let m = min(chunkImages, n - start)
                    let (arena, _) = run(pixels: px.baseAddress! + start * pixelsPerImage, count: m, save: false,
                                         features: f.baseAddress! + start * E)
                    pool.recycle(arena)
                    start += m
                }
            }
        }
        return ImagePass(features: features, count: n, arena: nil, pool: nil, saved: nil)
    }

    /// One forward over n images into features [n, E]; returns the arena and, when saving, what backward needs.
    private func run(pixels: UnsafePointer<Float>, count n: Int, save: Bool,
                     features: UnsafeMutablePointer<Float>) -> (Arena, ImagePass.Saved?) {
        let W = width, Lv = tokensPerImage, Np = config.numPatches, p = config.patchSize
        let C = config.numChannels, S = config.imageSize, G = config.patchesPerSide, CPP = C * p * p
        let shape = blockShape, stack = stack
        let layout = StreamLayout(AttentionShape(sequences: n, length: Lv, width: W, heads: config.numAttentionHeads,
                                                 causal: false))
        let clsRows = (0..<n).map { $0 * Lv }   // each image's class token is pooled
        func carve(_ take: (Int) -> UnsafeMutablePointer<Float>) -> ([UnsafeMutablePointer<Float>], TransformerStack.Pass) {
            let a = [take(n * Np * CPP), take(n * Np * W), take(n * Lv * W), take(n * Lv), take(n * Lv)]
            return (a, stack.carve(input: take(n * Lv * W), layout: layout, pooledRows: clsRows, save: save, take: take))
        }
        let arena = pool.arena(capacity: plannedFloats { _ = carve($0) })
        let (a, pass) = carve { arena.take($0) }
        let x0 = pass.input
        let patches = a[0], patchOut = a[1], emb = a[2], preMean = a[3], preRstd = a[4]
        // im2col: row (i, gy, gx) holds the patch's pixels in the conv weight's (c, ky, kx) order.
        Parallel.chunks(n * Np, minPerChunk: 64) { range in
            for r in range {
                let i = r / Np, gy = (r % Np) / G, gx = r % G
                let dst = patches + r * CPP
                for c in 0..<C { for ky in 0..<p {
                    let src = pixels + i * C * S * S + c * S * S + (gy * p + ky) * S + gx * p
                    (dst + (c * p + ky) * p).update(from: src, count: p)
                } }
            }
        }
        // Conv2d(kernel = stride = patch, no bias) as one GEMM: [n·Np, C·p·p] · [W, C·p·p]ᵀ.
        linearForward(out: patchOut, input: patches, weight: store.pointer(offsets.patchEmbedding), bias: nil,
                      rows: n * Np, inFeatures: CPP, outFeatures: W)
        let cls = store.pointer(offsets.classEmbedding), pos = store.pointer(offsets.positionEmbedding)
        for i in 0..<n {
            let e = emb + i * Lv * W
            for d in 0..<W { e[d] = cls[d] + pos[d] }
            for j in 0..<Np {
                let dst = e + (1 + j) * W, src = patchOut + (i * Np + j) * W, q = pos + (1 + j) * W
                for d in 0..<W { dst[d] = src[d] + q[d] }
            }
        }
        layerNormForward(out: x0, mean: preMean, rstd: preRstd, input: emb,
                         weight: store.pointer(offsets.preLNWeight), bias: store.pointer(offsets.preLNBias),
                         rows: n * Lv, cols: W, eps: shape.eps)
        stack.forward(pass, features: features)
        let saved = save ? ImagePass.Saved(patches: patches, embeddings: emb, preMean: preMean, preRstd: preRstd,
                                           stack: pass) : nil
        return (arena, saved)
    }

    /// Accumulates weight gradients (+=) for dFeatures [n, proj] (pretraining). No input gradient is needed.
    public func backward(_ pass: ImagePass, dFeatures: [Float], weightGrads: CLIPGradients) {
        guard let s = pass.saved else {
            preconditionFailure("backward needs a pass from forward(saveForBackward: true)")
        }
        let n = pass.count, W = width, E = projectionDim, Lv = tokensPerImage, Np = config.numPatches
        let CPP = config.numChannels * config.patchSize * config.patchSize, T = n * Lv, g = weightGrads.store.base
        precondition(dFeatures.count == n * E, "dFeatures holds \(dFeatures.count) floats, expected n·proj = \(n * E)")
        dFeatures.withUnsafeBufferPointer { df in
            stack.backward(s.stack, dFeatures: df.baseAddress!, cotangents: 1, grads: g, pool: scratchPool,
                           extraFloats: T * W + n * Np * W) { dX, extra in
                let dEmb = extra, dPatchOut = extra + T * W
                dEmb.update(repeating: 0, count: T * W)
                layerNormBackward(dInput: dEmb, dWeight: g + offsets.preLNWeight, dBias: g + offsets.preLNBias, dOut: dX,
                                  input: s.embeddings, weight: store.pointer(offsets.preLNWeight),
                                  mean: s.preMean, rstd: s.preRstd, rows: T, cols: W)
                let dCls = g + offsets.classEmbedding, dPos = g + offsets.positionEmbedding
                for i in 0..<n {
                    let e = dEmb + i * Lv * W
                    for d in 0..<W { dCls[d] += e[d] }
                    for j in 0..<Lv { let q = dPos + j * W, r = e + j * W; for d in 0..<W { q[d] += r[d] } }
                    (dPatchOut + i * Np * W).update(from: e + W, count: Np * W)
                }
                // dW_patch [W, C·p·p] += dPatchOutᵀ · patches.
                linearBackward(dInput: nil, dWeight: g + offsets.patchEmbedding, dBias: nil, dOut: dPatchOut,
                               input: s.patches, weight: store.pointer(offsets.patchEmbedding),
                               rows: n * Np, inFeatures: CPP, outFeatures: W)
            }
        }
    }
}
