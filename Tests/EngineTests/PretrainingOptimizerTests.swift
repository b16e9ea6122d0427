// AdamW against hand-computed updates, the decay rule by parameter name, and the warm-up + cosine schedule.
import XCTest
@testable import Engine

final class PretrainingOptimizerTests: XCTestCase {}

// MARK: - AdamW

extension PretrainingOptimizerTests {
    func testAdamWMatchesHandComputedTwoSteps() {
        // One decayed weight and one bias (no decay), both starting at 1 with gradients 0.5 then −1;
        // lr 0.1, λ 0.2, β (0.9, 0.98), ε 1e-6. Expected values worked out by hand from the update rule.
        let opt = AdamW(parameters: [("layer.weight", 1), ("layer.bias", 1)])
        var w: [Float] = [1], b: [Float] = [1]
        var gw: [Float] = [0.5], gb: [Float] = [0.5]
        func step() {
            w.withUnsafeMutableBufferPointer { pw in b.withUnsafeMutableBufferPointer { pb in
                gw.withUnsafeMutableBufferPointer { dw in gb.withUnsafeMutableBufferPointer { db in
                    opt.step(parameters: [pw, pb], gradients: [dw, db], lr: 0.1)
                } }
            } }
        }
        step()
        XCTAssertEqual(w[0], 0.8800002, accuracy: 1e-6)
        XCTAssertEqual(b[0], 0.9000002, accuracy: 1e-6)
        gw = [-1]; gb = [-1]
        step()
        XCTAssertEqual(w[0], 0.89890554, accuracy: 1e-6)
        XCTAssertEqual(b[0], 0.93650555, accuracy: 1e-6)
        XCTAssertEqual(opt.stepCount, 2)
    }

    func testDecayRuleExcludesBiasesNormsEmbeddingsAndLogitScale() {
        XCTAssertTrue(AdamW.decays(name: "text_model.encoder.layers.0.self_attn.q_proj.weight"))
        XCTAssertTrue(AdamW.decays(name: "vision_model.embeddings.patch_embedding.weight"))
        XCTAssertTrue(AdamW.decays(name: "visual_projection.weight"))
        XCTAssertFalse(AdamW.decays(name: "text_model.encoder.layers.0.self_attn.q_proj.bias"))
        XCTAssertFalse(AdamW.decays(name: "text_model.encoder.layers.0.layer_norm1.weight"))
        XCTAssertFalse(AdamW.decays(name: "vision_model.pre_layrnorm.weight"))
        XCTAssertFalse(AdamW.decays(name: "text_model.final_layer_norm.weight"))
        XCTAssertFalse(AdamW.decays(name: "text_model.embeddings.token_embedding.weight"))
        XCTAssertFalse(AdamW.decays(name: "text_model.embeddings.position_embedding.weight"))
        XCTAssertFalse(AdamW.decays(name: "vision_model.embeddings.class_embedding"))
        XCTAssertFalse(AdamW.decays(name: "logit_scale"))
    }

    func testAdamWStateRoundTrips() throws {
        let a = AdamW(parameters: [("w", 3)])
        var p: [Float] = [1, 2, 3], g: [Float] = [0.1, -0.2, 0.3]
        p.withUnsafeMutableBufferPointer { pp in g.withUnsafeMutableBufferPointer { gg in a.step(parameters: [pp], gradients: [gg], lr: 0.01) } }
        let b = AdamW(parameters: [("w", 3)])
        try b.restore(Dictionary(uniqueKeysWithValues: a.state().map { ($0.name, $0.tensor) }), source: "optimizer.safetensors")
        XCTAssertEqual(b.stepCount, 1)
        XCTAssertEqual(b.firstMoments, a.firstMoments)
        XCTAssertEqual(b.secondMoments, a.secondMoments)
        let wrong = AdamW(parameters: [("w", 4)])
        XCTAssertThrowsError(try wrong.restore(Dictionary(uniqueKeysWithValues: a.state().map { ($0.name, $0.tensor) }), source: "x"))
    }
}

// MARK: - Schedule

extension PretrainingOptimizerTests {
    func testWarmupThenCosineToZero() {
        let s = WarmupCosineSchedule(baseLR: 1e-3, warmupSteps: 10, totalSteps: 110)
        XCTAssertEqual(s.lr(at: 0), 1e-4, accuracy: 1e-9)
        XCTAssertEqual(s.lr(at: 9), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(s.lr(at: 10), 1e-3, accuracy: 1e-9)
        XCTAssertEqual(s.lr(at: 60), 5e-4, accuracy: 1e-9)
        XCTAssertEqual(s.lr(at: 110), 0, accuracy: 1e-9)
        XCTAssertLessThan(s.lr(at: 80), s.lr(at: 40))
    }
}
