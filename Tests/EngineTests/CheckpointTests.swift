// Checkpoint loading: Hugging Face folders (fp32 and fp16 fixtures, a full ViT-B/16 layout written here), OpenAI-named
// files with the config inferred from shapes, and errors that name the tensor and the file.
import XCTest
@testable import Engine

final class CheckpointTests: XCTestCase {
    static let clipFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/clip")
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("checkpoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Deterministic values for a tensor of `count` elements (cheap enough for 150 M parameters).
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var rng = SplitMix64(seed: seed)
        var state = UInt32(truncatingIfNeeded: rng.next()) | 1
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count {
                state = state &* 1_664_525 &+ 1_013_904_223
                buffer[i] = Float(Int32(bitPattern: state) >> 8) * 0x1p-26
            }
            initialized = count
        }
    }

    /// A copy of fixture model A in a scratch folder, with its tensors edited by `edit`.
    func editedModelA(_ edit: (inout [(name: String, tensor: TensorData)]) -> Void) throws -> URL {
        let folder = directory.appendingPathComponent("modelA-edited")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = Self.clipFixtures.appendingPathComponent("modelA")
        try FileManager.default.copyItem(at: source.appendingPathComponent("config.json"), to: folder.appendingPathComponent("config.json"))
        let file = try SafetensorsFile(url: source.appendingPathComponent("model.safetensors"))
        var tensors = try file.names.map { (name: $0, tensor: try file.tensor($0)) }
        edit(&tensors)
        try SafetensorsWriter.write(tensors, to: folder.appendingPathComponent("model.safetensors"))
        return folder
    }

    func assertFails(_ url: URL, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Checkpoint.read(from: url), file: file, line: line) { error in
            for f in fragments {
                XCTAssertTrue("\(error)".contains(f), "error lacks \"\(f)\": \(error)", file: file, line: line)
            }
        }
    }
}

// MARK: - Hugging Face folders
extension CheckpointTests {
    func testHuggingFaceFolderFP32() throws {
        let (config, tensors, source) = try Checkpoint.read(from: Self.clipFixtures.appendingPathComponent("modelA"))
        XCTAssertTrue(source.hasSuffix("modelA/model.safetensors"))
        XCTAssertEqual(config.text.hiddenSize, 48)
        XCTAssertEqual(config.text.numAttentionHeads, 3)
        XCTAssertEqual(config.vision.patchSize, 6)
        XCTAssertEqual(config.projectionDim, 24)
        let expected = CheckpointLayout.expectedShapes(for: config)
        XCTAssertEqual(tensors.count, expected.count)
        for (name, shape) in expected { XCTAssertEqual(tensors[name]?.shape, shape, name) }
        let raw = try SafetensorsFile(url: URL(fileURLWithPath: source))
        XCTAssertEqual(tensors["text_projection.weight"], try raw.tensor("text_projection.weight"))
    }

    func testHuggingFaceFolderFP16ConvertsToFP32() throws {
        let folder = Self.clipFixtures.appendingPathComponent("modelB")
        let (config, tensors, _) = try Checkpoint.read(from: folder)
        XCTAssertEqual(config.text.hiddenAct, .gelu)
        XCTAssertEqual(config.projectionDim, 16)
        let raw = try SafetensorsFile(url: folder.appendingPathComponent("model.safetensors"))
        XCTAssertEqual(raw.dtype(of: "visual_projection.weight"), .f16)
        XCTAssertEqual(tensors.count, CheckpointLayout.expectedShapes(for: config).count)
        // fp16 values widened exactly: converting back to fp16 is lossless for every element.
        for v in tensors["visual_projection.weight"]!.values { XCTAssertEqual(Float(Float16(v)), v) }
    }

    func testFullViTB16LayoutLoads() throws {
        var config = CLIPConfig()                       // transformers' defaults are ViT-B/32's text and vision sizes
        config.vision.patchSize = 16
        config.text.vocabSize = 49408
        config.projectionDim = 512
        // 600 MB of scratch weights: in memory-backed /dev/shm when the machine has it, so no disk is involved.
        let shm = URL(fileURLWithPath: "/dev/shm", isDirectory: true)
        let base = FileManager.default.isWritableFile(atPath: shm.path) ? shm : directory!
        let folder = base.appendingPathComponent("vit-b-16-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try config.jsonData().write(to: folder.appendingPathComponent("config.json"))
        let expected = CheckpointLayout.expectedShapes(for: config)
        XCTAssertEqual(expected.count, 2 + 12 * 16 + 2 + 3 + 2 + 12 * 16 + 2 + 3)
        do {
            let tensors = expected.enumerated().map { i, e in
                (name: e.name, tensor: TensorData(shape: e.shape, values: Self.values(e.shape.reduce(1, *), seed: UInt64(i))))
            }
            XCTAssertEqual(tensors.reduce(0) { $0 + $1.tensor.count }, 149_620_737)   // ViT-B/16's parameter count
            // A scratch file: no need to wait for 600 MB to reach the disk.
            try SafetensorsWriter.write(tensors, to: folder.appendingPathComponent("model.safetensors"), durable: false)
        }
        let (loaded, tensors, _) = try Checkpoint.read(from: folder)
        XCTAssertEqual(loaded, config)
        XCTAssertEqual(loaded.vision.numPatches, 196)
        XCTAssertEqual(tensors["vision_model.embeddings.position_embedding.weight"]?.shape, [197, 768])
        XCTAssertEqual(tensors["vision_model.embeddings.patch_embedding.weight"]?.shape, [768, 3, 16, 16])
        XCTAssertEqual(tensors["text_model.embeddings.token_embedding.weight"]?.shape, [49408, 512])
        XCTAssertEqual(tensors["visual_projection.weight"]?.shape, [512, 768])
        for (i, e) in expected.enumerated() where i % 37 == 0 {
            XCTAssertEqual(tensors[e.name]?.values, Self.values(e.shape.reduce(1, *), seed: UInt64(i)), e.name)
        }
    }

    func testMissingTensorNamesTensorAndFile() throws {
        let folder = try editedModelA { $0.removeAll { $0.name == "text_model.encoder.layers.1.mlp.fc2.bias" } }
        assertFails(folder, contains: [folder.appendingPathComponent("model.safetensors").path,
                                       "tensor text_model.encoder.layers.1.mlp.fc2.bias is missing", "[48]"])
    }

    func testWrongShapeNamesTensorFileAndBothShapes() throws {
        let folder = try editedModelA { tensors in
            let i = tensors.firstIndex { $0.name == "text_model.embeddings.token_embedding.weight" }!
            tensors[i].tensor = TensorData(shape: [1000, 40], values: .init(repeating: 0, count: 40_000))
        }
        assertFails(folder, contains: [folder.appendingPathComponent("model.safetensors").path,
                                       "tensor text_model.embeddings.token_embedding.weight is [1000, 40]",
                                       "config.json implies [1000, 48]", "is this the right config?"])
    }

    func testMissingFilesAndBadConfig() throws {
        assertFails(directory.appendingPathComponent("nowhere"), contains: ["nowhere: not found"])
        assertFails(directory, contains: ["model.safetensors: not found"])
        let pickle = directory.appendingPathComponent("ViT-B-16.pt")
        try Data([0x80, 0x02]).write(to: pickle)
        assertFails(pickle, contains: [pickle.path, "PyTorch pickle", "convert_openai_checkpoint.py"])
        let folder = try editedModelA { _ in }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("config.json"))
        assertFails(folder, contains: ["config.json: not found"])
        try Data(#"{"text_config": {"hidden_size": 48, "num_attention_heads": 5}}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        assertFails(folder, contains: ["config.json", "hidden_size 48 is not divisible by num_attention_heads 5"])
    }
}

// MARK: - OpenAI-named files
extension CheckpointTests {
    func testOpenAIFixtureMatchesItsHuggingFaceTwin() throws {
        let (config, tensors, source) = try Checkpoint.read(from: Self.clipFixtures.appendingPathComponent("modelA_openai.safetensors"))
        let (hfConfig, hfTensors, _) = try Checkpoint.read(from: Self.clipFixtures.appendingPathComponent("modelA"))
        XCTAssertTrue(source.hasSuffix("modelA_openai.safetensors"))
        XCTAssertEqual(config, hfConfig)
        XCTAssertEqual(Set(tensors.keys), Set(hfTensors.keys))
        for (name, t) in hfTensors { XCTAssertEqual(tensors[name], t, name) }
    }

    /// A small OpenAI-named model written by the test: widths 64 and 128 so heads = width / 64 applies.
    func writeOpenAIModel(textLayers: Int = 2, visionLayers: Int = 3, drop: String? = nil, extra: [(String, TensorData)] = []) throws -> URL {
        let w = 64, vw = 128, proj = 32, vocab = 300, ctx = 9, patch = 4, grid = 3
        var specs: [(String, [Int])] = [
            ("token_embedding.weight", [vocab, w]), ("positional_embedding", [ctx, w]),
            ("ln_final.weight", [w]), ("ln_final.bias", [w]), ("text_projection", [w, proj]),
            ("visual.conv1.weight", [vw, 3, patch, patch]), ("visual.class_embedding", [vw]),
            ("visual.positional_embedding", [grid * grid + 1, vw]), ("visual.ln_pre.weight", [vw]), ("visual.ln_pre.bias", [vw]),
            ("visual.ln_post.weight", [vw]), ("visual.ln_post.bias", [vw]), ("visual.proj", [vw, proj]), ("logit_scale", []),
        ]
        func block(_ p: String, _ w: Int) {
            specs += [("\(p).attn.in_proj_weight", [3 * w, w]), ("\(p).attn.in_proj_bias", [3 * w]),
                      ("\(p).attn.out_proj.weight", [w, w]), ("\(p).attn.out_proj.bias", [w]),
                      ("\(p).ln_1.weight", [w]), ("\(p).ln_1.bias", [w]), ("\(p).ln_2.weight", [w]), ("\(p).ln_2.bias", [w]),
                      ("\(p).mlp.c_fc.weight", [4 * w, w]), ("\(p).mlp.c_fc.bias", [4 * w]),
                      ("\(p).mlp.c_proj.weight", [w, 4 * w]), ("\(p).mlp.c_proj.bias", [w])]
        }
        for l in 0..<textLayers { block("transformer.resblocks.\(l)", w) }
        for l in 0..<visionLayers { block("visual.transformer.resblocks.\(l)", vw) }
        var tensors = specs.enumerated().filter { $0.element.0 != drop }.map { i, s in
            (name: s.0, tensor: TensorData(shape: s.1, values: Self.values(s.1.reduce(1, *), seed: UInt64(100 + i))))
        }
        tensors += extra.map { (name: $0.0, tensor: $0.1) }
        let url = directory.appendingPathComponent("openai.safetensors")
        try SafetensorsWriter.write(tensors, to: url)
        return url
    }

    func testOpenAIConfigIsInferredFromShapes() throws {
        let url = try writeOpenAIModel()
        let (config, tensors, _) = try Checkpoint.read(from: url)
        XCTAssertEqual(config.text.hiddenSize, 64)
        XCTAssertEqual(config.text.numAttentionHeads, 1)
        XCTAssertEqual(config.text.numHiddenLayers, 2)
        XCTAssertEqual(config.text.intermediateSize, 256)
        XCTAssertEqual(config.text.vocabSize, 300)
        XCTAssertEqual(config.text.maxPositionEmbeddings, 9)
        XCTAssertEqual(config.text.eosTokenId, 299)
        XCTAssertEqual(config.vision.hiddenSize, 128)
        XCTAssertEqual(config.vision.numAttentionHeads, 2)
        XCTAssertEqual(config.vision.numHiddenLayers, 3)
        XCTAssertEqual(config.vision.patchSize, 4)
        XCTAssertEqual(config.vision.imageSize, 12)
        XCTAssertEqual(config.vision.hiddenAct, .quickGELU)
        XCTAssertEqual(config.text.hiddenAct, .quickGELU)
        XCTAssertEqual(config.projectionDim, 32)
        XCTAssertEqual(tensors.count, CheckpointLayout.expectedShapes(for: config).count)

        let raw = try SafetensorsFile(url: url)
        // q, k, v are the three row blocks of in_proj_weight.
        let inProj = try raw.tensor("visual.transformer.resblocks.2.attn.in_proj_weight").values
        let k = tensors["vision_model.encoder.layers.2.self_attn.k_proj.weight"]!
        XCTAssertEqual(k.shape, [128, 128])
        XCTAssertEqual(k.values, Array(inProj[(128 * 128)..<(2 * 128 * 128)]))
        let vBias = try raw.tensor("transformer.resblocks.1.attn.in_proj_bias").values
        XCTAssertEqual(tensors["text_model.encoder.layers.1.self_attn.v_proj.bias"]!.values, Array(vBias[128...]))
        // Projections are transposed to [out, in].
        let proj = try raw.tensor("text_projection")
        let hfProj = tensors["text_projection.weight"]!
        XCTAssertEqual(hfProj.shape, [32, 64])
        XCTAssertEqual(hfProj.values[5 * 64 + 7], proj.values[7 * 32 + 5])
        XCTAssertEqual(tensors["visual_projection.weight"]!.shape, [32, 128])
        XCTAssertEqual(tensors["logit_scale"]!.shape, [])
        XCTAssertEqual(tensors["vision_model.pre_layrnorm.bias"], try raw.tensor("visual.ln_pre.bias"))
    }

    func testOpenAIMissingTensorIsNamed() throws {
        let url = try writeOpenAIModel(drop: "transformer.resblocks.1.mlp.c_proj.bias")
        assertFails(url, contains: [url.path, "tensor transformer.resblocks.1.mlp.c_proj.bias is missing"])
        let noRows = try writeOpenAIModel(drop: "visual.positional_embedding")
        assertFails(noRows, contains: [noRows.path, "tensor visual.positional_embedding is missing"])
    }

    func testOpenAIWrongShapeIsNamed() throws {
        let url = try writeOpenAIModel(extra: [])
        // Rewrite with a token embedding narrower than ln_final.
        let file = try SafetensorsFile(url: url)
        var tensors = try file.names.map { (name: $0, tensor: try file.tensor($0)) }
        let i = tensors.firstIndex { $0.name == "token_embedding.weight" }!
        tensors[i].tensor = TensorData(shape: [300, 60], values: .init(repeating: 0, count: 18_000))
        try SafetensorsWriter.write(tensors, to: url)
        assertFails(url, contains: [url.path, "tensor token_embedding.weight (text_model.embeddings.token_embedding.weight) is [300, 60]",
                                    "implies [300, 64]"])
    }

    func testOpenAIRefusesResNetAndUninferableHeads() throws {
        let resnet = directory.appendingPathComponent("rn50.safetensors")
        try SafetensorsWriter.write([("visual.conv1.weight", TensorData(shape: [1, 3, 1, 1], values: [0, 0, 0])),
                                     ("visual.layer1.0.conv1.weight", TensorData(shape: [1], values: [0]))], to: resnet)
        assertFails(resnet, contains: [resnet.path, "ResNet image tower"])
        // Model A's OpenAI file without its metadata hints: width 48 has no width / 64 heads.
        let source = try SafetensorsFile(url: Self.clipFixtures.appendingPathComponent("modelA_openai.safetensors"))
        let bare = directory.appendingPathComponent("bare.safetensors")
        try SafetensorsWriter.write(try source.names.map { (name: $0, tensor: try source.tensor($0)) }, to: bare)
        assertFails(bare, contains: [bare.path, "cannot infer the text heads: width 48", "__metadata__ text_heads"])
    }
}
