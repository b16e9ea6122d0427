// CLIP's configuration as a Hugging Face config.json spells it (CLIPConfig with text_config and vision_config).
// transformers writes only non-default values, so every field falls back to transformers' default.
import Foundation

/// The activation of the MLP in each transformer block.
public enum Activation: String, Codable, Sendable {
    case quickGELU = "quick_gelu"   // x · sigmoid(1.702 x), OpenAI CLIP
    case gelu = "gelu"              // exact erf GELU
}

public struct CLIPTextConfig: Codable, Sendable, Equatable {
    public var vocabSize = 49408
    public var hiddenSize = 512
    public var intermediateSize = 2048
    public var numHiddenLayers = 12
    public var numAttentionHeads = 8
    public var maxPositionEmbeddings = 77
    public var hiddenAct = Activation.quickGELU
    public var layerNormEps: Double = 1e-5
    public var bosTokenId = 49406
    public var eosTokenId = 49407

    public init() {}

    enum CodingKeys: String, CodingKey {
        case vocabSize = "vocab_size", hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case maxPositionEmbeddings = "max_position_embeddings", hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps", bosTokenId = "bos_token_id", eosTokenId = "eos_token_id"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPTextConfig()
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? d.vocabSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? d.maxPositionEmbeddings
        hiddenAct = try c.decodeIfPresent(Activation.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? d.layerNormEps
        bosTokenId = try c.decodeIfPresent(Int.self, forKey: .bosTokenId) ?? d.bosTokenId
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? d.eosTokenId
    }
}

public struct CLIPVisionConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var intermediateSize = 3072
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var numChannels = 3
    public var imageSize = 224
    public var patchSize = 32
    public var hiddenAct = Activation.quickGELU
    public var layerNormEps: Double = 1e-5

    public init() {}

    /// Patches per side and in all; the sequence is 1 + numPatches (class token first).
    public var patchesPerSide: Int { imageSize / patchSize }
    public var numPatches: Int { patchesPerSide * patchesPerSide }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numChannels = "num_channels", imageSize = "image_size", patchSize = "patch_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CLIPVisionConfig()
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? d.intermediateSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? d.numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? d.numAttentionHeads
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? d.numChannels
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? d.imageSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? d.patchSize
        hiddenAct = try c.decodeIfPresent(Activation.self, forKey: .hiddenAct) ?? d.hiddenAct
        layerNormEps = try c.decodeIfPresent(Double.self, forKey: .layerNormEps) ?? d.layerNormEps
    }
}

public struct CLIPConfig: Codable, Sendable, Equatable {
    public var text = CLIPTextConfig()
    public var vision = CLIPVisionConfig()
    public var projectionDim = 512
    public var logitScaleInitValue: Double = 2.6592

    public init(text: CLIPTextConfig = .init(), vision: CLIPVisionConfig = .init(), projectionDim: Int = 512) {
        self.text = text; self.vision = vision; self.projectionDim = projectionDim
    }

    enum CodingKeys: String, CodingKey {
        case text = "text_config", vision = "vision_config", projectionDim = "projection_dim"
        case logitScaleInitValue = "logit_scale_init_value"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        text = try c.decodeIfPresent(CLIPTextConfig.self, forKey: .text) ?? CLIPTextConfig()
        vision = try c.decodeIfPresent(CLIPVisionConfig.self, forKey: .vision) ?? CLIPVisionConfig()
        projectionDim = try c.decodeIfPresent(Int.self, forKey: .projectionDim) ?? 512
        logitScaleInitValue = try c.decodeIfPresent(Double.self, forKey: .logitScaleInitValue) ?? 2.6592
    }

    /// Writes config.json as transformers would read it (model_type "clip").
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        var obj = try JSONSerialization.jsonObject(with: enc.encode(self)) as! [String: Any]
        obj["model_type"] = "clip"
        obj["architectures"] = ["CLIPModel"]
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
    }

    /// Reads config.json; errors name the file and the field.
    public static func load(from url: URL) throws -> CLIPConfig {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError.io(file: url.path, message: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(CLIPConfig.self, from: data) } catch let e as DecodingError {
            throw EngineError.badConfig(file: url.path, message: describe(e))
        }
    }
}

/// Describes a DecodingError as "field a.b: what was wrong".
func describe(_ e: DecodingError) -> String {
    func path(_ p: [CodingKey]) -> String { p.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") }
    switch e {
    case .typeMismatch(let t, let c): return "field \(path(c.codingPath)): expected \(t)"
    case .valueNotFound(let t, let c): return "field \(path(c.codingPath)): missing \(t)"
    case .keyNotFound(let k, let c): return "field \(path(c.codingPath + [k])): missing"
    case .dataCorrupted(let c): return "\(path(c.codingPath).isEmpty ? "" : "field \(path(c.codingPath)): ")\(c.debugDescription)"
    @unknown default: return "\(e)"
    }
}
