// The Hugging Face tensor names and shapes a CLIPConfig implies (transformers models/clip modeling_clip.py CLIPModel),
// and the check that a set of loaded tensors matches them.

public enum CheckpointLayout {
    /// Every parameter of a CLIPModel with `config`, under its Hugging Face name, with the shape the config implies.
    public static func expectedShapes(for config: CLIPConfig) -> [(name: String, shape: [Int])] {
        var out: [(name: String, shape: [Int])] = []
        func block(_ prefix: String, width w: Int, intermediate i: Int) {
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                out.append(("\(prefix).self_attn.\(p).weight", [w, w]))
                out.append(("\(prefix).self_attn.\(p).bias", [w]))
            }
            for n in ["layer_norm1", "layer_norm2"] {
                out.append(("\(prefix).\(n).weight", [w]))
                out.append(("\(prefix).\(n).bias", [w]))
            }
            out.append(("\(prefix).mlp.fc1.weight", [i, w]))
            out.append(("\(prefix).mlp.fc1.bias", [i]))
            out.append(("\(prefix).mlp.fc2.weight", [w, i]))
            out.append(("\(prefix).mlp.fc2.bias", [w]))
        }
        let t = config.text, v = config.vision
        out.append(("text_model.embeddings.token_embedding.weight", [t.vocabSize, t.hiddenSize]))
        out.append(("text_model.embeddings.position_embedding.weight", [t.maxPositionEmbeddings, t.hiddenSize]))
        for l in 0..<t.numHiddenLayers {
            block("text_model.encoder.layers.\(l)", width: t.hiddenSize, intermediate: t.intermediateSize)
        }
        out.append(("text_model.final_layer_norm.weight", [t.hiddenSize]))
        out.append(("text_model.final_layer_norm.bias", [t.hiddenSize]))
        out.append(("vision_model.embeddings.class_embedding", [v.hiddenSize]))
        out.append(("vision_model.embeddings.patch_embedding.weight", [v.hiddenSize, v.numChannels, v.patchSize, v.patchSize]))
        out.append(("vision_model.embeddings.position_embedding.weight", [v.numPatches + 1, v.hiddenSize]))
        out.append(("vision_model.pre_layrnorm.weight", [v.hiddenSize]))   // sic: transformers' name
        out.append(("vision_model.pre_layrnorm.bias", [v.hiddenSize]))
        for l in 0..<v.numHiddenLayers {
            block("vision_model.encoder.layers.\(l)", width: v.hiddenSize, intermediate: v.intermediateSize)
        }
        out.append(("vision_model.post_layernorm.weight", [v.hiddenSize]))
        out.append(("vision_model.post_layernorm.bias", [v.hiddenSize]))
        out.append(("visual_projection.weight", [config.projectionDim, v.hiddenSize]))
        out.append(("text_projection.weight", [config.projectionDim, t.hiddenSize]))
        out.append(("logit_scale", []))
        return out
    }

    /// Checks the config's own consistency (heads divide widths, patches tile the image); errors name `configSource`.
    static func validate(_ config: CLIPConfig, configSource: String) throws {
        func fail(_ m: String) -> EngineError { .badConfig(file: configSource, message: m) }
        let t = config.text, v = config.vision
        for (field, value) in [("text_config.hidden_size", t.hiddenSize), ("text_config.num_attention_heads", t.numAttentionHeads),
                               ("text_config.vocab_size", t.vocabSize), ("text_config.max_position_embeddings", t.maxPositionEmbeddings),
                               ("text_config.intermediate_size", t.intermediateSize),
                               ("vision_config.hidden_size", v.hiddenSize), ("vision_config.num_attention_heads", v.numAttentionHeads),
                               ("vision_config.patch_size", v.patchSize), ("vision_config.image_size", v.imageSize),
                               ("vision_config.num_channels", v.numChannels), ("vision_config.intermediate_size", v.intermediateSize),
                               ("projection_dim", config.projectionDim)] where value < 1 {
            throw fail("field \(field) is \(value); it must be at least 1")
        }
        if t.hiddenSize % t.numAttentionHeads != 0 {
            throw fail("text_config.hidden_size \(t.hiddenSize) is not divisible by num_attention_heads \(t.numAttentionHeads)")
        }
        if v.hiddenSize % v.numAttentionHeads != 0 {
            throw fail("vision_config.hidden_size \(v.hiddenSize) is not divisible by num_attention_heads \(v.numAttentionHeads)")
        }
        if v.imageSize % v.patchSize != 0 {
            throw fail("vision_config.image_size \(v.imageSize) is not a multiple of patch_size \(v.patchSize)")
        }
        if t.numHiddenLayers < 0 || v.numHiddenLayers < 0 { throw fail("num_hidden_layers is negative") }
    }

    /// Checks that `tensors` holds every expected tensor with its expected shape. `origin` gives a tensor's name in the
    /// file when it differs (OpenAI names); errors name `source`, the tensor, the shape found and the shape expected.
    static func check(_ tensors: [String: TensorData], config: CLIPConfig, source: String, configSource: String,
                      origin: [String: String] = [:]) throws {
        for (name, shape) in expectedShapes(for: config) {
            let described = origin[name].map { "\($0) (\(name))" } ?? name
            guard let tensor = tensors[name] else {
                throw EngineError.badCheckpoint(file: source, message: "tensor \(described) is missing; \(configSource) needs it with shape \(shape)")
            }
            if tensor.shape != shape {
                throw EngineError.badCheckpoint(file: source,
                    message: "tensor \(described) is \(tensor.shape), \(configSource) implies \(shape); is this the right config?")
            }
        }
    }
}
