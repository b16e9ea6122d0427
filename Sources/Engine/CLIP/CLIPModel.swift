// CLIP: text tower, vision tower and logit scale over one block of parameters with Hugging Face names.
// Port of transformers models/clip/modeling_clip.py CLIPModel semantics.
import Foundation

/// A CLIP model; logits = exp(logitScale) · cosine(image, text).
public final class CLIPModel {
    public let config: CLIPConfig
    public let text: TextEncoder
    public let vision: ImageEncoder
    let store: ParameterStore
    let layout: CLIPLayout

    /// The raw parameter (ln of the multiplier); logits = exp(logitScale)·cos.
    public var logitScale: Float {
        get { store.pointer(layout.logitScale)[0] }
        set { store.pointer(layout.logitScale)[0] = newValue }
    }

    /// A zero-filled model of the given configuration (internal: callers load or initialize it).
    init(config: CLIPConfig) {
        self.config = config
        layout = CLIPLayout(config: config)
        store = ParameterStore(layout: layout.layout)
        text = TextEncoder(config: config.text, projectionDim: config.projectionDim, store: store,
                           offsets: layout.text)
        vision = ImageEncoder(config: config.vision, projectionDim: config.projectionDim, store: store,
                              offsets: layout.vision)
    }

    /// Builds a model from Hugging Face-named tensors (e.g. "text_model.encoder.layers.0.self_attn.q_proj.weight",
    /// "visual_projection.weight", "logit_scale"); checks every expected tensor is present with the expected shape,
    /// errors name `source` (the file), the tensor, the shape found and the shape the config implies.
    public convenience init(config: CLIPConfig, tensors: [String: TensorData], source: String) throws {
        try Self.validate(config: config, source: source)
        self.init(config: config)
        for entry in store.layout.entries {
            guard let t = tensors[entry.name] else {
                throw EngineError.badCheckpoint(file: source, message:
                    "tensor \(entry.name) is missing (expected shape \(entry.shape)); is this a CLIP checkpoint with Hugging Face names?")
            }
            // logit_scale is a scalar; some writers store it as [1].
            let shapeOK = t.shape == entry.shape || (entry.shape.isEmpty && t.shape == [1])
            guard shapeOK else {
                throw EngineError.badCheckpoint(file: source, message:
                    "tensor \(entry.name) is \(t.shape), the config implies \(entry.shape) (\(Self.describeShapes(config, entry.name))); is this the right config?")
            }
            t.values.withUnsafeBufferPointer { src in
                store.pointer(entry.offset).update(from: src.baseAddress!, count: entry.count)
            }
        }
    }

    /// Rejects configurations the towers cannot run (zero sizes, heads that do not divide the width, …).
    static func validate(config c: CLIPConfig, source: String) throws {
        func bad(_ m: String) -> EngineError { .badConfig(file: source, message: m) }
        let t = c.text, v = c.vision
        guard t.hiddenSize > 0, t.numAttentionHeads > 0, t.hiddenSize % t.numAttentionHeads == 0 else {
            throw bad("text_config: hidden_size \(t.hiddenSize) is not divisible by num_attention_heads \(t.numAttentionHeads)")
        }
        guard v.hiddenSize > 0, v.numAttentionHeads > 0, v.hiddenSize % v.numAttentionHeads == 0 else {
            throw bad("vision_config: hidden_size \(v.hiddenSize) is not divisible by num_attention_heads \(v.numAttentionHeads)")
        }
        guard v.patchSize > 0, v.imageSize >= v.patchSize, v.imageSize % v.patchSize == 0 else {
            throw bad("vision_config: image_size \(v.imageSize) is not a multiple of patch_size \(v.patchSize)")
        }
        guard t.vocabSize > 0, t.maxPositionEmbeddings > 0, t.intermediateSize > 0, v.intermediateSize > 0,
              c.projectionDim > 0, t.numHiddenLayers >= 0, v.numHiddenLayers >= 0, v.numChannels > 0 else {
            throw bad("sizes must be positive (vocab_size, max_position_embeddings, intermediate_size, projection_dim, num_channels)")
        }
    }

    /// The config fields that determine a tensor's shape, for error messages.
    static func describeShapes(_ c: CLIPConfig, _ name: String) -> String {
        if name.hasPrefix("text_model.") || name == "text_projection.weight" {
            return "text hidden_size \(c.text.hiddenSize), intermediate_size \(c.text.intermediateSize), vocab_size \(c.text.vocabSize), max_position_embeddings \(c.text.maxPositionEmbeddings), projection_dim \(c.projectionDim)"
        }
        if name.hasPrefix("vision_model.") || name == "visual_projection.weight" {
            return "vision hidden_size \(c.vision.hiddenSize), intermediate_size \(c.vision.intermediateSize), patch_size \(c.vision.patchSize), image_size \(c.vision.imageSize), num_channels \(c.vision.numChannels), projection_dim \(c.projectionDim)"
        }
        return "a scalar"
    }

    /// Every parameter under its Hugging Face name, for saving to model.safetensors.
    public func namedTensors() -> [(name: String, tensor: TensorData)] {
        store.layout.entries.map { e in
            (e.name, TensorData(shape: e.shape,
                                values: Array(UnsafeBufferPointer(start: store.pointer(e.offset), count: e.count))))
        }
    }

    /// Every trainable parameter buffer, in a fixed order with its name (for optimizers such as AdamW in pretraining).
    public func parameters() -> [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] {
        store.buffers()
    }
}

extension CLIPModel {
    /// exp(logitScale) · normalize(image) · normalize(text)ᵀ → [imageCount, textCount] (CLIPModel.logits_per_image).
    public func logitsPerImage(imageFeatures: [Float], imageCount n: Int, textFeatures: [Float], textCount m: Int) -> [Float] {
        let E = config.projectionDim
        precondition(imageFeatures.count == n * E && textFeatures.count == m * E, "features must be [count, projectionDim]")
        let a = RowL2Norm.normalized(imageFeatures, rows: n, cols: E), b = RowL2Norm.normalized(textFeatures, rows: m, cols: E)
        var logits = [Float](repeating: 0, count: n * m)
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in logits.withUnsafeMutableBufferPointer { pl in
            gemm(transA: false, transB: true, m: n, n: m, k: E, alpha: exp(logitScale), a: pa.baseAddress!, lda: E,
                 b: pb.baseAddress!, ldb: E, c: pl.baseAddress!, ldc: m)
        } } }
        return logits
    }
}
