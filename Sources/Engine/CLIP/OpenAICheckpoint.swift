// OpenAI/open_clip CLIP key names → Hugging Face names, with the config inferred from tensor shapes
// (semantics of openai/CLIP clip/model.py build_model, and the inverse of transformers'
// convert_clip_original_pytorch_to_hf.py: in_proj split into q/k/v, projections transposed to [out, in]).
import Foundation

enum OpenAICheckpoint {
    /// Whether the file uses OpenAI names (ViT or not; a ResNet tower is refused later with its own message).
    static func looksOpenAI(_ file: SafetensorsFile) -> Bool {
        file.shape(of: "token_embedding.weight") != nil || file.shape(of: "visual.conv1.weight") != nil
    }

    /// Infers the config and returns Hugging Face-named fp32 tensors.
    static func read(_ file: SafetensorsFile) throws -> (CLIPConfig, [String: TensorData]) {
        let path = file.url.path
        func fail(_ m: String) -> EngineError { .badCheckpoint(file: path, message: m) }
        func shape(_ name: String, rank: Int) throws -> [Int] {
            guard let s = file.shape(of: name) else {
                throw fail("tensor \(name) is missing; an OpenAI CLIP checkpoint has it (ViT models only)")
            }
            guard s.count == rank else { throw fail("tensor \(name) is \(s); expected \(rank) dimensions") }
            return s
        }
        if file.shape(of: "visual.proj") == nil, file.names.contains(where: { $0.hasPrefix("visual.layer1.") }) {
            throw fail("has a ResNet image tower (visual.layer1…); only ViT CLIP models are supported")
        }

        // Shapes → config, as build_model does; heads may come from the file's metadata (small custom models).
        let conv = try shape("visual.conv1.weight", rank: 4)
        let visionPositions = try shape("visual.positional_embedding", rank: 2)[0]
        let textProjection = try shape("text_projection", rank: 2)
        let visualProjection = try shape("visual.proj", rank: 2)
        let textWidth = try shape("ln_final.weight", rank: 1)[0]
        let tokenEmbedding = try shape("token_embedding.weight", rank: 2)
        let context = try shape("positional_embedding", rank: 2)[0]
        let grid = Int((Double(visionPositions - 1)).squareRoot().rounded())
        guard grid >= 1, grid * grid + 1 == visionPositions else {
            throw fail("tensor visual.positional_embedding has \(visionPositions) rows; expected a square grid of patches + 1 class position")
        }
        func layers(_ prefix: String) -> Int {
            Set(file.names.filter { $0.hasPrefix(prefix) }.compactMap { $0.dropFirst(prefix.count).split(separator: ".").first.flatMap { Int($0) } }).count
        }
        func heads(width: Int, key: String, tower: String) throws -> Int {
            if let hint = file.metadata[key] {
                guard let h = Int(hint), h >= 1, width % h == 0 else {
                    throw fail("__metadata__ \(key) = \(hint) does not divide the \(tower) width \(width)")
                }
                return h
            }
            guard width >= 64, width % 64 == 0 else {
                throw fail("cannot infer the \(tower) heads: width \(width) is not a multiple of 64 (heads = width / 64); add __metadata__ \(key)")
            }
            return width / 64
        }

        var config = CLIPConfig()
        config.projectionDim = textProjection[1]
        var text = CLIPTextConfig()
        text.vocabSize = tokenEmbedding[0]
        text.hiddenSize = textWidth
        text.maxPositionEmbeddings = context
        text.numHiddenLayers = layers("transformer.resblocks.")
        text.numAttentionHeads = try heads(width: textWidth, key: "text_heads", tower: "text")
        text.intermediateSize = text.numHiddenLayers > 0 ? try shape("transformer.resblocks.0.mlp.c_fc.weight", rank: 2)[0] : 4 * textWidth
        text.bosTokenId = text.vocabSize - 2
        text.eosTokenId = text.vocabSize - 1
        var vision = CLIPVisionConfig()
        vision.hiddenSize = conv[0]
        vision.numChannels = conv[1]
        vision.patchSize = conv[3]
        vision.imageSize = conv[3] * grid
        vision.numHiddenLayers = layers("visual.transformer.resblocks.")
        vision.numAttentionHeads = try heads(width: conv[0], key: "vision_heads", tower: "vision")
        vision.intermediateSize = vision.numHiddenLayers > 0
            ? try shape("visual.transformer.resblocks.0.mlp.c_fc.weight", rank: 2)[0] : 4 * conv[0]
        if let act = file.metadata["hidden_act"] {
            guard let a = Activation(rawValue: act) else { throw fail("__metadata__ hidden_act \(act) is not quick_gelu or gelu") }
            text.hiddenAct = a; vision.hiddenAct = a
        }
        if let epsText = file.metadata["layer_norm_eps"] {
            guard let eps = Double(epsText), eps > 0 else { throw fail("__metadata__ layer_norm_eps \(epsText) is not a positive number") }
            text.layerNormEps = eps; vision.layerNormEps = eps
        }
        config.text = text
        config.vision = vision
        if visualProjection[1] != config.projectionDim {
            throw fail("tensor visual.proj is \(visualProjection), text_projection is \(textProjection); their output widths must agree")
        }
        try CheckpointLayout.validate(config, configSource: "\(path) (config inferred from shapes)")

        // Names and layout: Hugging Face name ← (OpenAI name, transform).
        var tensors: [String: TensorData] = [:]
        var origin: [String: String] = [:]
        func take(_ from: String, _ to: String, transpose: Bool = false) throws {
            guard file.shape(of: from) != nil else {
                throw fail("tensor \(from) is missing; the inferred config (\(text.numHiddenLayers) text layers, \(vision.numHiddenLayers) vision layers) needs it")
            }
            var t = try file.tensor(from)
            if transpose {
                guard t.shape.count == 2 else { throw fail("tensor \(from) is \(t.shape); expected 2 dimensions") }
                t = transposed(t)
            }
            if to == "logit_scale" && t.shape == [1] { t.shape = [] }
            tensors[to] = t
            origin[to] = from
        }
        func block(_ from: String, _ to: String, width w: Int) throws {
            // in_proj_weight [3w, w] stacks the query, key and value weights; in_proj_bias [3w] likewise.
            for suffix in ["weight", "bias"] {
                let name = "\(from).attn.in_proj_\(suffix)"
                guard file.shape(of: name) != nil else { throw fail("tensor \(name) is missing") }
                let stacked = try file.tensor(name)
                let expected = suffix == "weight" ? [3 * w, w] : [3 * w]
                guard stacked.shape == expected else {
                    throw fail("tensor \(name) is \(stacked.shape), the inferred width \(w) implies \(expected)")
                }
                let part = stacked.count / 3
                for (k, p) in ["q_proj", "k_proj", "v_proj"].enumerated() {
                    let key = "\(to).self_attn.\(p).\(suffix)"
                    tensors[key] = TensorData(shape: suffix == "weight" ? [w, w] : [w],
                                              values: Array(stacked.values[(k * part)..<((k + 1) * part)]))
                    origin[key] = name
                }
            }
            for s in ["weight", "bias"] {
                try take("\(from).attn.out_proj.\(s)", "\(to).self_attn.out_proj.\(s)")
                try take("\(from).ln_1.\(s)", "\(to).layer_norm1.\(s)")
                try take("\(from).ln_2.\(s)", "\(to).layer_norm2.\(s)")
                try take("\(from).mlp.c_fc.\(s)", "\(to).mlp.fc1.\(s)")
                try take("\(from).mlp.c_proj.\(s)", "\(to).mlp.fc2.\(s)")
            }
        }
        try take("token_embedding.weight", "text_model.embeddings.token_embedding.weight")
        try take("positional_embedding", "text_model.embeddings.position_embedding.weight")
        for l in 0..<text.numHiddenLayers {
            try block("transformer.resblocks.\(l)", "text_model.encoder.layers.\(l)", width: text.hiddenSize)
        }
        for s in ["weight", "bias"] {
            try take("ln_final.\(s)", "text_model.final_layer_norm.\(s)")
            try take("visual.ln_pre.\(s)", "vision_model.pre_layrnorm.\(s)")
            try take("visual.ln_post.\(s)", "vision_model.post_layernorm.\(s)")
        }
        try take("text_projection", "text_projection.weight", transpose: true)     // [w, proj] → [proj, w]
        try take("visual.conv1.weight", "vision_model.embeddings.patch_embedding.weight")
        try take("visual.class_embedding", "vision_model.embeddings.class_embedding")
        try take("visual.positional_embedding", "vision_model.embeddings.position_embedding.weight")
        for l in 0..<vision.numHiddenLayers {
            try block("visual.transformer.resblocks.\(l)", "vision_model.encoder.layers.\(l)", width: vision.hiddenSize)
        }
        try take("visual.proj", "visual_projection.weight", transpose: true)         // [w, proj] → [proj, w]
        try take("logit_scale", "logit_scale")
        try CheckpointLayout.check(tensors, config: config, source: path, configSource: "the inferred config", origin: origin)
        return (config, tensors)
    }

    /// A 2-D tensor transposed.
    static func transposed(_ t: TensorData) -> TensorData {
        let rows = t.shape[0], cols = t.shape[1]
        var out = [Float](repeating: 0, count: t.count)
        t.values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for r in 0..<rows { for c in 0..<cols { dst[c * rows + r] = src[r * cols + c] } }
            }
        }
        return TensorData(shape: [cols, rows], values: out)
    }
}
