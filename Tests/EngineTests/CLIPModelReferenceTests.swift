// CLIPModel against transformers (float64 references in Tests/Fixtures/clip): features and logits to 1e-5 relative,
// input-embedding gradients of two cotangents to 1e-4, for a quick_gelu fp32 model and a gelu fp16 model.
import XCTest
@testable import Engine

final class CLIPModelReferenceTests: XCTestCase {}

// MARK: - Helpers
extension CLIPModelReferenceTests {
    static var clipFixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/clip")
    }

    /// max |a − b| / max |b| over the whole array, printing the first values and the largest difference.
    func check(_ a: [Float], against b: [Float], label: String, tol: Float, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, label, file: file, line: line)
        guard a.count == b.count, !b.isEmpty else { return }
        let scale = b.reduce(0) { max($0, abs($1)) }
        let err = zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) } / scale
        print("\(label): max rel diff \(err)" + (err >= tol ? "; ours \(a.prefix(5)), reference \(b.prefix(5))" : ""))
        XCTAssertLessThan(err, tol, label, file: file, line: line)
    }

    func load(_ model: String, _ reference: String) throws -> (CLIPModel, SafetensorsFile) {
        let (config, tensors, source) = try Checkpoint.read(from: Self.clipFixtures.appendingPathComponent(model))
        let m = try CLIPModel(config: config, tensors: tensors, source: source)
        return (m, try SafetensorsFile(url: Self.clipFixtures.appendingPathComponent("\(reference).safetensors")))
    }

    func assertMatchesReference(model name: String, reference: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (model, ref) = try load(name, reference)
        let ids = try ref.tensor("token_ids"), emb = try ref.tensor("input_embeddings")
        let n = ids.shape[0], L = ids.shape[1], E = model.config.projectionDim
        let eot = try ref.tensor("eot_index").values.map { Int($0) }
        // Token ids → embeddings agree with the reference's embedding lookup exactly.
        XCTAssertEqual(model.text.embed(ids.values.map { Int($0) }), emb.values, file: file, line: line)
        let pass = model.text.forward(inputs: emb.values, count: n, length: L, eot: eot, saveForBackward: true)
        let textRef = try ref.tensor("text_features").values
        check(pass.features, against: textRef, label: "\(name) text features", tol: 1e-5, file: file, line: line)
        let padded = (0..<n).map { i in ids.values[i * L ..< (i + 1) * L].map { Int($0) } }
        check(model.text.encode(tokenIds: padded), against: textRef, label: "\(name) encode(tokenIds:)", tol: 1e-5,
              file: file, line: line)

        let pixels = try ref.tensor("pixels"), m = pixels.shape[0]
        let image = model.vision.encode(pixels: pixels.values, count: m)
        check(image, against: try ref.tensor("image_features").values, label: "\(name) image features", tol: 1e-5,
              file: file, line: line)
        XCTAssertEqual(model.logitScale, try ref.tensor("logit_scale").values[0], file: file, line: line)
        check(model.logitsPerImage(imageFeatures: image, imageCount: m, textFeatures: pass.features, textCount: n),
              against: try ref.tensor("logits_per_image").values, label: "\(name) logits", tol: 1e-5, file: file, line: line)

        let cot = try ref.tensor("cotangents")
        XCTAssertEqual(cot.shape, [2, n, E], file: file, line: line)
        let grads = model.text.backward(pass, dFeatures: cot.values, cotangents: 2)
        check(grads, against: try ref.tensor("input_embedding_grads").values, label: "\(name) input-embedding grads",
              tol: 1e-4, file: file, line: line)
    }
}

// MARK: - Against transformers
extension CLIPModelReferenceTests {
    func testQuickGELUModelMatchesTransformers() throws {
        try assertMatchesReference(model: "modelA", reference: "reference_A")
    }

    func testGELUHalfPrecisionModelMatchesTransformers() throws {
        try assertMatchesReference(model: "modelB", reference: "reference_B")
    }

    func testSharedPrefixPathMatchesTransformersGradients() throws {
        // Rows of reference_B share their first token (SOS); the shared-prefix path with P = 1 must reproduce the
        // plain path's features and gradients (prefix gradients summed over rows).
        let (model, ref) = try load("modelB", "reference_B")
        let emb = try ref.tensor("input_embeddings"), n = emb.shape[0], L = emb.shape[1], W = emb.shape[2]
        let eot = try ref.tensor("eot_index").values.map { Int($0) }
        let prefix = Array(emb.values[0..<W])
        for i in 1..<n { XCTAssertEqual(Array(emb.values[i * L * W ..< i * L * W + W]), prefix) }
        var suffix: [Float] = []
        for i in 0..<n { suffix += emb.values[(i * L + 1) * W ..< (i + 1) * L * W] }
        let pass = model.text.forwardSharedPrefix(prefix: prefix, prefixLength: 1, suffix: suffix, count: n,
                                                  suffixLength: L - 1, eot: eot, saveForBackward: true)
        check(pass.features, against: try ref.tensor("text_features").values, label: "shared-prefix features", tol: 1e-5)
        let (dPrefix, dSuffix) = model.text.backwardSharedPrefix(pass, dFeatures: try ref.tensor("cotangents").values,
                                                                 cotangents: 2)
        let g = try ref.tensor("input_embedding_grads").values
        var summed = [Float](repeating: 0, count: 2 * W), rest: [Float] = []
        for c in 0..<2 { for i in 0..<n {
            let row: Int = (c * n + i) * L * W
            for d in 0..<W { summed[c * W + d] += g[row + d] }
            rest += g[(row + W) ..< (row + L * W)]
        } }
        check(dPrefix, against: summed, label: "shared-prefix dPrefix", tol: 1e-4)
        check(dSuffix, against: rest, label: "shared-prefix dSuffix", tol: 1e-4)
    }
}
