// Random initialization of a CLIP model. Port of transformers models/clip/modeling_clip.py
// CLIPPreTrainedModel._init_weights (initializer_range 0.02, initializer_factor 1).

extension CLIPModel {
    /// The normal std transformers uses for a parameter, or nil for LayerNorm/bias tensors (weight 1, bias 0).
    static func initStd(name: String, config: CLIPConfig) -> Float? {
        let isText = name.hasPrefix("text_model.")
        let W = Float(isText ? config.text.hiddenSize : config.vision.hiddenSize)
        let layers = Float(isText ? config.text.numHiddenLayers : config.vision.numHiddenLayers)
        let range: Float = 0.02
        // Attention/MLP in-projections are scaled by (2·layers)^-1/2 so the residual stream keeps its size.
        let inProj = 1 / W.squareRoot() / (2 * layers).squareRoot()
        switch true {
        case name.hasSuffix("token_embedding.weight"), name.hasSuffix("position_embedding.weight"),
             name.hasSuffix("patch_embedding.weight"):
            return range
        case name.hasSuffix("class_embedding"): return 1 / W.squareRoot()
        case name.hasSuffix("q_proj.weight"), name.hasSuffix("k_proj.weight"), name.hasSuffix("v_proj.weight"):
            return inProj
        case name.hasSuffix("out_proj.weight"): return 1 / W.squareRoot()
        case name.hasSuffix("fc1.weight"): return 1 / (2 * W).squareRoot()
        case name.hasSuffix("fc2.weight"): return inProj
        case name == "text_projection.weight": return 1 / Float(config.text.hiddenSize).squareRoot()
        case name == "visual_projection.weight": return 1 / Float(config.vision.hiddenSize).squareRoot()
        default: return nil
        }
    }

    /// Random init as transformers' CLIPModel._init_weights does (normal std per layer kind), deterministic by seed.
    public static func random(config: CLIPConfig, seed: UInt64) -> CLIPModel {
        let model = CLIPModel(config: config)
        var rng = SplitMix64(seed: seed)
        for entry in model.store.layout.entries {
            let buffer = UnsafeMutableBufferPointer(start: model.store.pointer(entry.offset), count: entry.count)
            if entry.name == "logit_scale" {
                buffer[0] = Float(config.logitScaleInitValue)
            } else if let std = initStd(name: entry.name, config: config) {
                rng.fillNormal(buffer, std: std)
            } else if entry.name.hasSuffix("norm.weight") || entry.name.hasSuffix("norm1.weight")
                        || entry.name.hasSuffix("norm2.weight") || entry.name.hasSuffix("layrnorm.weight") {
                buffer.update(repeating: 1)
            } else {
                buffer.update(repeating: 0)
            }
        }
        return model
    }
}
