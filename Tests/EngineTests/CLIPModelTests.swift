// CLIPModel: loading Hugging Face-named tensors with shape checks, random init, parameter and gradient layouts.
import XCTest
@testable import Engine

final class CLIPModelTests: XCTestCase {}

// MARK: - Loading
extension CLIPModelTests {
    func testLoadsItsOwnNamedTensorsAndIgnoresExtraBuffers() throws {
        let config = tinyConfig()
        let a = CLIPModel.random(config: config, seed: 1)
        var tensors = Dictionary(uniqueKeysWithValues: a.namedTensors().map { ($0.name, $0.tensor) })
        tensors["text_model.embeddings.position_ids"] = TensorData(shape: [1, 10], values: (0..<10).map(Float.init))
        let b = try CLIPModel(config: config, tensors: tensors, source: "model.safetensors")
        XCTAssertEqual(a.namedTensors().map(\.tensor), b.namedTensors().map(\.tensor))
        XCTAssertEqual(b.logitScale, Float(2.6592), accuracy: 1e-6)
        let ids = [[18, 1, 2, 19]]
        XCTAssertEqual(a.text.encode(tokenIds: ids), b.text.encode(tokenIds: ids))
    }

    func testMissingTensorIsNamedWithTheFile() {
        let config = tinyConfig()
        var tensors = Dictionary(uniqueKeysWithValues: CLIPModel.random(config: config, seed: 1).namedTensors().map { ($0.name, $0.tensor) })
        tensors["vision_model.encoder.layers.1.mlp.fc2.bias"] = nil
        XCTAssertThrowsError(try CLIPModel(config: config, tensors: tensors, source: "dir/model.safetensors")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.hasPrefix("dir/model.safetensors: "), m)
            XCTAssertTrue(m.contains("vision_model.encoder.layers.1.mlp.fc2.bias is missing"), m)
        }
    }

    func testWrongShapeNamesFoundAndExpectedShapes() {
        let config = tinyConfig()
        var tensors = Dictionary(uniqueKeysWithValues: CLIPModel.random(config: config, seed: 1).namedTensors().map { ($0.name, $0.tensor) })
        tensors["text_model.embeddings.token_embedding.weight"] = TensorData(shape: [20, 16], values: .init(repeating: 0, count: 320))
        XCTAssertThrowsError(try CLIPModel(config: config, tensors: tensors, source: "model.safetensors")) { e in
            let m = "\(e)"
            XCTAssertTrue(m.contains("text_model.embeddings.token_embedding.weight is [20, 16]"), m)
            XCTAssertTrue(m.contains("implies [20, 12]"), m)
            XCTAssertTrue(m.contains("hidden_size 12"), m)
        }
    }

    func testHeadsThatDoNotDivideTheWidthAreRejected() {
        var config = tinyConfig()
        config.text.numAttentionHeads = 5
        XCTAssertThrowsError(try CLIPModel(config: config, tensors: [:], source: "config.json")) { e in
            XCTAssertTrue("\(e)".contains("num_attention_heads 5"), "\(e)")
        }
    }
}

// MARK: - Layout and initialization
extension CLIPModelTests {
    func testParametersCarryHuggingFaceNamesAndShapes() {
        let config = tinyConfig()
        let model = CLIPModel.random(config: config, seed: 2)
        let named = model.namedTensors()
        XCTAssertEqual(named.count, (2 + 16 * 2 + 3) + (5 + 16 * 2 + 3) + 1)
        let shapes = Dictionary(uniqueKeysWithValues: named.map { ($0.name, $0.tensor.shape) })
        XCTAssertEqual(shapes["vision_model.embeddings.patch_embedding.weight"], [8, 3, 3, 3])
        XCTAssertEqual(shapes["vision_model.embeddings.position_embedding.weight"], [5, 8])
        XCTAssertEqual(shapes["vision_model.pre_layrnorm.weight"], [8])
        XCTAssertEqual(shapes["text_model.encoder.layers.1.mlp.fc1.weight"], [20, 12])
        XCTAssertEqual(shapes["visual_projection.weight"], [6, 8])
        XCTAssertEqual(shapes["logit_scale"], [])
        let grads = CLIPGradients(for: model)
        XCTAssertEqual(grads.buffers().map(\.name), model.parameters().map(\.name))
        XCTAssertEqual(grads.buffers().map(\.buffer.count), model.parameters().map(\.buffer.count))
        // Parameter buffers are live views: writing one changes the model.
        model.parameters().first { $0.name == "logit_scale" }!.buffer[0] = 1.5
        XCTAssertEqual(model.logitScale, 1.5)
        grads.logitScale = 3
        grads.zero()
        XCTAssertEqual(grads.logitScale, 0)
    }

    func testRandomInitIsDeterministicWithTransformersStds() {
        var config = tinyConfig()
        config.text.vocabSize = 400
        let a = CLIPModel.random(config: config, seed: 3), b = CLIPModel.random(config: config, seed: 3)
        let c = CLIPModel.random(config: config, seed: 4)
        XCTAssertEqual(a.namedTensors().map(\.tensor), b.namedTensors().map(\.tensor))
        XCTAssertNotEqual(a.namedTensors().map(\.tensor), c.namedTensors().map(\.tensor))
        let t = Dictionary(uniqueKeysWithValues: a.namedTensors().map { ($0.name, $0.tensor.values) })
        func std(_ v: [Float]) -> Float {
            let m = v.reduce(0, +) / Float(v.count)
            return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(v.count)).squareRoot()
        }
        XCTAssertEqual(std(t["text_model.embeddings.token_embedding.weight"]!), 0.02, accuracy: 0.002)
        XCTAssertEqual(std(t["text_model.encoder.layers.0.self_attn.q_proj.weight"]!),
                       1 / Float(12).squareRoot() / 2, accuracy: 0.03)
        XCTAssertTrue(t["text_model.encoder.layers.0.layer_norm1.weight"]!.allSatisfy { $0 == 1 })
        XCTAssertTrue(t["vision_model.pre_layrnorm.weight"]!.allSatisfy { $0 == 1 })
        XCTAssertTrue(t["text_model.encoder.layers.0.mlp.fc1.bias"]!.allSatisfy { $0 == 0 })
        XCTAssertEqual(t["logit_scale"]!, [Float(2.6592)])
    }
}
