// The vision tower: patch embedding against a direct convolution, chunked inference, weight gradients.
import XCTest
@testable import Engine

final class ImageEncoderTests: XCTestCase {}

// MARK: - Forward
extension ImageEncoderTests {
    func testPatchEmbeddingEqualsDirectConvolutionPlusClassAndPositions() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 1)
        let v = model.vision, n = 2, C = 3, S = 6, p = 3, W = 8, G = 2, Lv = 5
        let pixels = randomFloats(n * C * S * S, seed: 2)
        let pass = v.forward(pixels: pixels, count: n, saveForBackward: true)
        let emb = Array(UnsafeBufferPointer(start: pass.saved!.embeddings, count: n * Lv * W))
        let t = Dictionary(uniqueKeysWithValues: model.namedTensors().map { ($0.name, $0.tensor.values) })
        let kernel = t["vision_model.embeddings.patch_embedding.weight"]!   // [W, C, p, p]
        let pos = t["vision_model.embeddings.position_embedding.weight"]!, cls = t["vision_model.embeddings.class_embedding"]!
        for i in 0..<n {
            for d in 0..<W { XCTAssertEqual(emb[i * Lv * W + d], cls[d] + pos[d], accuracy: 1e-6) }
            for gy in 0..<G { for gx in 0..<G { for o in 0..<W {
                var s: Float = 0
                for c in 0..<C { for ky in 0..<p { for kx in 0..<p {
                    s += kernel[((o * C + c) * p + ky) * p + kx] * pixels[((i * C + c) * S + gy * p + ky) * S + gx * p + kx]
                } } }
                let token = 1 + gy * G + gx
                XCTAssertEqual(emb[(i * Lv + token) * W + o], s + pos[token * W + o], accuracy: 1e-5)
            } } }
        }
    }

    func testChunkedEncodeEqualsOneBatchAndSingleImages() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 3)
        let v = model.vision, n = 5, per = 3 * 6 * 6, E = 6
        let pixels = randomFloats(n * per, seed: 4)
        let whole = v.forward(pixels: pixels, count: n, saveForBackward: true).features
        v.chunkOverride = 2
        let chunked = v.encode(pixels: pixels, count: n)
        v.chunkOverride = nil
        for j in 0..<(n * E) { XCTAssertEqual(chunked[j], whole[j], accuracy: 1e-6) }
        let third = v.encode(pixels: Array(pixels[2 * per ..< 3 * per]), count: 1)
        for j in 0..<E { XCTAssertEqual(third[j], whole[2 * E + j], accuracy: 1e-6) }
    }
}

// MARK: - Weight gradients
extension ImageEncoderTests {
    func testImageWeightGradientsMatchFiniteDifferences() {
        for act in [Activation.gelu, .quickGELU] {
            let model = CLIPModel.random(config: tinyConfig(visionAct: act), seed: 5)
            let v = model.vision, n = 2, E = 6
            let pixels = randomFloats(n * 3 * 6 * 6, seed: 6), r = randomFloats(n * E, seed: 7)
            let grads = CLIPGradients(for: model)
            let pass = v.forward(pixels: pixels, count: n, saveForBackward: true)
            v.backward(pass, dFeatures: r, weightGrads: grads)
            let params = Dictionary(uniqueKeysWithValues: model.parameters().map { ($0.name, $0.buffer) })
            var checked = 0
            for (name, g) in grads.buffers() where name.hasPrefix("vision_model") || name == "visual_projection.weight" {
                if name.hasSuffix("k_proj.bias") {
                    XCTAssertLessThan(g.map(abs).max()!, 1e-5, name)   // the softmax ignores a key bias
                    continue
                }
                let p = params[name]!, original = Array(p)
                let indices = Array(stride(from: 0, to: p.count, by: max(1, p.count / 12)))
                let err = finiteDifferenceError(at: original, analytic: Array(g), indices: indices, eps: 1e-3) { x in
                    _ = x.withUnsafeBufferPointer { p.update(fromContentsOf: $0) }
                    return weightedSum(v.encode(pixels: pixels, count: n), r)
                }
                _ = original.withUnsafeBufferPointer { p.update(fromContentsOf: $0) }
                XCTAssertLessThan(err, gradientTolerance, "\(act) \(name)")
                XCTAssertGreaterThan(g.map(abs).max()!, 0, name)
                checked += 1
            }
            XCTAssertEqual(checked, 5 + 15 * 2 + 3)
            XCTAssertTrue(grads.buffers().filter { $0.name.hasPrefix("text") }.allSatisfy { $0.buffer.allSatisfy { $0 == 0 } })
        }
    }

    func testBackwardAccumulatesIntoGradients() {
        let model = CLIPModel.random(config: tinyConfig(), seed: 8)
        let v = model.vision, pixels = randomFloats(3 * 6 * 6, seed: 9), r = randomFloats(6, seed: 10)
        let once = CLIPGradients(for: model), twice = CLIPGradients(for: model)
        let pass = v.forward(pixels: pixels, count: 1, saveForBackward: true)
        v.backward(pass, dFeatures: r, weightGrads: once)
        v.backward(pass, dFeatures: r, weightGrads: twice)
        v.backward(pass, dFeatures: r, weightGrads: twice)
        for (a, b) in zip(once.buffers(), twice.buffers()) {
            for j in 0..<a.buffer.count { XCTAssertEqual(2 * a.buffer[j], b.buffer[j], accuracy: 1e-5 * max(1, abs(b.buffer[j]))) }
        }
    }
}
