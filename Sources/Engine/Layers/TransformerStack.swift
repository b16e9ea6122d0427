// A stack of encoder layers over one stream of tokens: buffer planning (so an arena can be sized first), forward
// through all layers, and the backward that walks them in reverse.

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

/// Runs layer `l` of a stream (with `outputRows`, only those rows' outputs, compactly; see blockForward).
func streamLayerForward(_ l: Int, buffers b: StreamBuffers, input: UnsafeMutablePointer<Float>,
                        weights: BlockWeights, shape: BlockShape, layout: StreamLayout, outputRows: [Int]? = nil) {
    blockForward(out: b.outputs[l], acts: b.activations(l, input: input), weights: weights, shape: shape,
                 layout: layout, outputRows: outputRows)
}
