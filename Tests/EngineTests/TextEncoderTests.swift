// The text tower: input-embedding gradients against finite differences, EOT truncation, token-id path,
// shared-prefix path against the plain path, and weight gradients.
import XCTest
@testable import Engine

final class TextEncoderTests: XCTestCase {}

/// A tiny CLIP for gradient checks: odd sizes, 2 layers per tower.
func tinyConfig(textAct: Activation = .quickGELU, visionAct: Activation = .gelu) -> CLIPConfig {
    var t = CLIPTextConfig()
    t.vocabSize = 20; t.hiddenSize = 12; t.intermediateSize = 20; t.numHiddenLayers = 2
    t.numAttentionHeads = 3; t.maxPositionEmbeddings = 10; t.hiddenAct = textAct
    t.bosTokenId = 18; t.eosTokenId = 19
    var v = CLIPVisionConfig()
    v.hiddenSize = 8; v.intermediateSize = 14; v.numHiddenLayers = 2; v.numAttentionHeads = 2
    v.numChannels = 3; v.imageSize = 6; v.patchSize = 3; v.hiddenAct = visionAct
    return CLIPConfig(text: t, vision: v, projectionDim: 6)
}

// MARK: - Input gradients
extension TextEncoderTests {
    func testInputGradientOfWholeTowerMatchesFiniteDifferences() {
        for act in [Activation.quickGELU, .gelu] {
            let model = CLIPModel.random(config: tinyConfig(textAct: act), seed: 1)
            let text = model.text, n = 2, L = 5, W = 12, E = 6, k = 2, eot = [3, 2]
            let x = randomFloats(n * L * W, seed: 2, std: 0.5)
            let r = randomFloats(k * E * n, seed: 3)
            let pass = text.forward(inputs: x, count: n, length: L, eot: eot, saveForBackward: true)
            let dx = text.backward(pass, dFeatures: r, cotangents: k)
            XCTAssertEqual(dx.count, k * n * L * W)
            for c in 0..<k {
                let rc = Array(r[c * n * E ..< (c + 1) * n * E])
                let err = finiteDifferenceError(at: x, analytic: Array(dx[c * n * L * W ..< (c + 1) * n * L * W]),
                                                eps: 1e-2) {
                    weightedSum(text.forward(inputs: $0, count: n, length: L, eot: eot, saveForBackward: false).features, rc)
                }
                XCTAssertLessThan(err, gradientTolerance, "\(act) cotangent \(c)")
            }
            // Positions after the batch's last EOT get exactly zero.
            for c in 0..<k { for i in 0..<n { for j in 4..<L {
                XCTAssertTrue(dx[((c * n + i) * L + j) * W ..< ((c * n + i) * L + j + 1) * W].allSatisfy { $0 == 0 })
            } } }
        }
    }

    func testEOTTruncatedOutputEqualsFullLengthOutput() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 4)
        let text = model.text, L = 8, W = 12, E = 6
        let x = randomFloats(2 * L * W, seed: 5)
        // Alone, sequence 0 runs 3 positions; beside a sequence pooled at L−1 it runs all 8.
        let short = text.forward(inputs: Array(x[0 ..< L * W]), count: 1, length: L, eot: [2], saveForBackward: false)
        let full = text.forward(inputs: x, count: 2, length: L, eot: [2, L - 1], saveForBackward: false)
        for j in 0..<E { XCTAssertEqual(short.features[j], full.features[j], accuracy: 1e-6) }
        // Changing tokens after the EOT changes nothing.
        var y = x
        for j in 3 * W ..< L * W { y[j] += 1 }
        let changed = text.forward(inputs: y, count: 2, length: L, eot: [2, L - 1], saveForBackward: false)
        XCTAssertEqual(Array(changed.features[0..<E]), Array(full.features[0..<E]))
    }

    func testEncodeTokenIdsEqualsForwardOfTheirEmbeddings() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 6)
        let text = model.text
        let ids = [[18, 3, 4, 19], [18, 7, 19, 0, 0, 0]]
        XCTAssertEqual(TextEncoder.eotIndex(ids[0]), 3)
        XCTAssertEqual(TextEncoder.eotIndex(ids[1]), 2)
        let features = text.encode(tokenIds: ids)
        for (i, seq) in ids.enumerated() {
            let pass = text.forward(inputs: text.embed(seq), count: 1, length: seq.count,
                                    eot: [TextEncoder.eotIndex(seq)], saveForBackward: false)
            for j in 0..<6 { XCTAssertEqual(features[i * 6 + j], pass.features[j], accuracy: 1e-6) }
        }
    }

    func testRepeatedPassesOfOneShapeGiveIdenticalResults() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 7)
        let text = model.text, x = randomFloats(2 * 4 * 12, seed: 8), r = randomFloats(2 * 6, seed: 9)
        var first: [Float] = [], firstGrad: [Float] = []
        for round in 0..<3 {
            let pass = text.forward(inputs: x, count: 2, length: 4, eot: [3, 1], saveForBackward: true)
            let g = text.backward(pass, dFeatures: r, cotangents: 1)
            if round == 0 { first = pass.features; firstGrad = g } else {
                XCTAssertEqual(pass.features, first); XCTAssertEqual(g, firstGrad)
            }
        }
    }
}

// MARK: - Shared prefix
extension TextEncoderTests {
    func testSharedPrefixMatchesPlainPathOnConcatenatedSequences() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 10)
        let text = model.text, W = 12, E = 6, P = 3, S = 5, n = 3, k = 2
        let eot = [P + 1, P + 3, P]    // pooled inside each suffix
        let prefix = randomFloats(P * W, seed: 11), suffix = randomFloats(n * S * W, seed: 12)
        var concat: [Float] = []
        for i in 0..<n { concat += prefix + Array(suffix[i * S * W ..< (i + 1) * S * W]) }
        let L = P + S
        let plain = text.forward(inputs: concat, count: n, length: L, eot: eot, saveForBackward: true)
        let shared = text.forwardSharedPrefix(prefix: prefix, prefixLength: P, suffix: suffix, count: n,
                                              suffixLength: S, eot: eot, saveForBackward: true)
        for j in 0..<(n * E) { XCTAssertEqual(shared.features[j], plain.features[j], accuracy: 1e-5) }
        let unsaved = text.forwardSharedPrefix(prefix: prefix, prefixLength: P, suffix: suffix, count: n,
                                               suffixLength: S, eot: eot, saveForBackward: false)
        XCTAssertEqual(unsaved.features, shared.features)

        let r = randomFloats(k * n * E, seed: 13)
        let dPlain = text.backward(plain, dFeatures: r, cotangents: k)
        let (dPrefix, dSuffix) = text.backwardSharedPrefix(shared, dFeatures: r, cotangents: k)
        XCTAssertEqual(dPrefix.count, k * P * W)
        XCTAssertEqual(dSuffix.count, k * n * S * W)
        var worst: Float = 0
        for c in 0..<k {
            for j in 0..<(P * W) {
                // The prefix gradient is the sum over the classes' copies of the prefix.
                let summed = (0..<n).reduce(Float(0)) { $0 + dPlain[(c * n + $1) * L * W + j] }
                worst = max(worst, abs(dPrefix[c * P * W + j] - summed))
            }
            for i in 0..<n { for j in 0..<(S * W) {
                worst = max(worst, abs(dSuffix[(c * n + i) * S * W + j] - dPlain[(c * n + i) * L * W + P * W + j]))
            } }
        }
        XCTAssertLessThan(worst, 1e-5)
        XCTAssertGreaterThan(dPrefix.map(abs).max()!, 1e-3)
    }
}

// MARK: - Weight gradients
extension TextEncoderTests {
    func testTextWeightGradientsMatchFiniteDifferences() {
        let model = CLIPModel.random(config: tinyConfig(textAct: .gelu), seed: 14)
        let text = model.text, ids = [[18, 3, 5, 19], [18, 2, 19]], E = 6
        let r = randomFloats(2 * E, seed: 15)
        let grads = CLIPGradients(for: model)
        let pass = text.forward(tokenIds: ids, saveForBackward: true)
        _ = text.backward(pass, dFeatures: r, cotangents: 1, weightGrads: grads)
        let params = Dictionary(uniqueKeysWithValues: model.parameters().map { ($0.name, $0.buffer) })
        let names = ["text_model.embeddings.token_embedding.weight", "text_model.embeddings.position_embedding.weight",
                     "text_model.encoder.layers.0.self_attn.q_proj.weight", "text_model.encoder.layers.0.self_attn.q_proj.bias",
                     "text_model.encoder.layers.1.self_attn.v_proj.weight", "text_model.encoder.layers.1.self_attn.out_proj.bias",
                     "text_model.encoder.layers.0.layer_norm1.weight", "text_model.encoder.layers.1.layer_norm2.bias",
                     "text_model.encoder.layers.0.mlp.fc1.weight", "text_model.encoder.layers.1.mlp.fc2.bias",
                     "text_model.final_layer_norm.weight", "text_projection.weight"]
        for (name, g) in grads.buffers() where names.contains(name) {
            let p = params[name]!
            // Check up to 24 entries spread over the tensor (token rows used by the ids included).
            let step = max(1, p.count / 24)
            let indices = Array(stride(from: 0, to: p.count, by: step)) + (name.contains("token") ? [3 * 12, 19 * 12 + 1] : [])
            let original = Array(p)
            let err = finiteDifferenceError(at: original, analytic: Array(g), indices: indices, eps: 1e-3) { v in
                _ = v.withUnsafeBufferPointer { p.update(fromContentsOf: $0) }
                return weightedSum(text.encode(tokenIds: ids), r)
            }
            _ = original.withUnsafeBufferPointer { p.update(fromContentsOf: $0) }
            XCTAssertLessThan(err, gradientTolerance, name)
            XCTAssertGreaterThan(g.map(abs).max()!, 0, name)
        }
        // A key bias adds the same amount to every score of a query's row, which the softmax ignores.
        let kBias = grads.buffers().first { $0.name == "text_model.encoder.layers.0.self_attn.k_proj.bias" }!.buffer
        XCTAssertLessThan(kBias.map(abs).max()!, 1e-5)
        // Vision gradients stay untouched by the text backward.
        XCTAssertTrue(grads.buffers().filter { $0.name.hasPrefix("vision_model") }.allSatisfy { $0.buffer.allSatisfy { $0 == 0 } })
    }
}
