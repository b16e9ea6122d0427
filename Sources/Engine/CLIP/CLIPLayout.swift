// Where every CLIP parameter lives in the model's flat block, under its Hugging Face name and shape.

/// Offsets of one encoder layer's tensors. q, k, v weights are added consecutively (a fused [3W, W]), then their biases.
struct BlockOffsets {
    let ln1Weight, ln1Bias, qkvWeight, qkvBias, outWeight, outBias: Int
    let ln2Weight, ln2Bias, fc1Weight, fc1Bias, fc2Weight, fc2Bias: Int

    init(prefix p: String, width W: Int, intermediate I: Int, layout: inout ParameterLayout) {
        qkvWeight = layout.add("\(p).self_attn.q_proj.weight", [W, W])
        _ = layout.add("\(p).self_attn.k_proj.weight", [W, W])
        _ = layout.add("\(p).self_attn.v_proj.weight", [W, W])
        qkvBias = layout.add("\(p).self_attn.q_proj.bias", [W])
        _ = layout.add("\(p).self_attn.k_proj.bias", [W])
        _ = layout.add("\(p).self_attn.v_proj.bias", [W])
        outWeight = layout.add("\(p).self_attn.out_proj.weight", [W, W])
        outBias = layout.add("\(p).self_attn.out_proj.bias", [W])
        ln1Weight = layout.add("\(p).layer_norm1.weight", [W])
        ln1Bias = layout.add("\(p).layer_norm1.bias", [W])
        fc1Weight = layout.add("\(p).mlp.fc1.weight", [I, W])
        fc1Bias = layout.add("\(p).mlp.fc1.bias", [I])
        fc2Weight = layout.add("\(p).mlp.fc2.weight", [W, I])
        fc2Bias = layout.add("\(p).mlp.fc2.bias", [W])
        ln2Weight = layout.add("\(p).layer_norm2.weight", [W])
        ln2Bias = layout.add("\(p).layer_norm2.bias", [W])
    }

    func pointers(_ base: UnsafeMutablePointer<Float>) -> BlockWeights {
        BlockWeights(ln1Weight: base + ln1Weight, ln1Bias: base + ln1Bias, qkvWeight: base + qkvWeight,
                     qkvBias: base + qkvBias, outWeight: base + outWeight, outBias: base + outBias,
                     ln2Weight: base + ln2Weight, ln2Bias: base + ln2Bias, fc1Weight: base + fc1Weight,
                     fc1Bias: base + fc1Bias, fc2Weight: base + fc2Weight, fc2Bias: base + fc2Bias)
    }
}

/// Offsets of a tower's transformer stack: its blocks, then the LayerNorm and the projection of the pooled rows.
struct StackOffsets {
    let layers: [BlockOffsets]
    let finalLNWeight, finalLNBias, projection: Int
}

struct TextOffsets {
    let tokenEmbedding, positionEmbedding: Int
    let stack: StackOffsets
}

struct VisionOffsets {
    let classEmbedding, patchEmbedding, positionEmbedding: Int
    let preLNWeight, preLNBias: Int
    /// The blocks, post_layernorm and visual_projection.
    let stack: StackOffsets
}

/// The whole model's layout: text tower, vision tower, logit_scale.
struct CLIPLayout {
    let layout: ParameterLayout
    let text: TextOffsets
    let vision: VisionOffsets
    let logitScale: Int

    init(config: CLIPConfig) {
        var l = ParameterLayout()
        let t = config.text, v = config.vision, E = config.projectionDim
        let tok = l.add("text_model.embeddings.token_embedding.weight", [t.vocabSize, t.hiddenSize])
        let pos = l.add("text_model.embeddings.position_embedding.weight", [t.maxPositionEmbeddings, t.hiddenSize])
        let tLayers = (0..<t.numHiddenLayers).map {
            BlockOffsets(prefix: "text_model.encoder.layers.\($0)", width: t.hiddenSize,
                         intermediate: t.intermediateSize, layout: &l)
        }
        let fw = l.add("text_model.final_layer_norm.weight", [t.hiddenSize])
        let fb = l.add("text_model.final_layer_norm.bias", [t.hiddenSize])
        let tp = l.add("text_projection.weight", [E, t.hiddenSize])
        text = TextOffsets(tokenEmbedding: tok, positionEmbedding: pos,
                           stack: StackOffsets(layers: tLayers, finalLNWeight: fw, finalLNBias: fb, projection: tp))

        let W = v.hiddenSize
        let cls = l.add("vision_model.embeddings.class_embedding", [W])
        let patch = l.add("vision_model.embeddings.patch_embedding.weight",
                          [W, v.numChannels, v.patchSize, v.patchSize])
        let vpos = l.add("vision_model.embeddings.position_embedding.weight", [v.numPatches + 1, W])
        let prw = l.add("vision_model.pre_layrnorm.weight", [W])
        let prb = l.add("vision_model.pre_layrnorm.bias", [W])
        let vLayers = (0..<v.numHiddenLayers).map {
            BlockOffsets(prefix: "vision_model.encoder.layers.\($0)", width: W,
                         intermediate: v.intermediateSize, layout: &l)
        }
        let pow = l.add("vision_model.post_layernorm.weight", [W])
        let pob = l.add("vision_model.post_layernorm.bias", [W])
        let vp = l.add("visual_projection.weight", [E, W])
        vision = VisionOffsets(classEmbedding: cls, patchEmbedding: patch, positionEmbedding: vpos,
                               preLNWeight: prw, preLNBias: prb,
                               stack: StackOffsets(layers: vLayers, finalLNWeight: pow, finalLNBias: pob, projection: vp))
        logitScale = l.add("logit_scale", [])
        layout = l
    }
}
