import XCTest
@testable import Engine

final class TrainerMathTests: XCTestCase {}

// MARK: - Losses
extension TrainerMathTests {
    func testCrossEntropyValueAndGradientMatchFiniteDifferences() {
        let z: [Float] = [1.0, -0.5, 2.0, 0.3, 0.1, -1.2]   // [2, 3]
        let y = [2, 0]
        let r = Losses.crossEntropy(logits: z, labels: y, classes: 3)
        // hand value: mean of −log softmax
        func ce(_ z: [Float]) -> Double {
            var l = 0.0
            for b in 0..<2 {
                let row = (0..<3).map { Double(z[b * 3 + $0]) }
                let lse = log(row.map(exp).reduce(0, +))
                l += lse - row[y[b]]
            }
            return l / 2
        }
        XCTAssertEqual(r.loss, ce(z), accuracy: 1e-12)
        for i in z.indices {
            var p = z, m = z
            p[i] += 1e-3; m[i] -= 1e-3
            XCTAssertEqual(Double(r.dLogits[i]), (ce(p) - ce(m)) / 2e-3, accuracy: 1e-5)
        }
    }

    func testDistillationValueAndGradientMatchFiniteDifferences() {
        let s: [Float] = [0.2, 1.5, -0.7, 0.9, -0.4, 0.0, 2.2, 0.1]   // [2, 4]
        let t: [Float] = [1.0, 0.0, 0.5, -1.0, 0.3, 0.3, 1.9, -0.2]
        for temp in [1.0, 2.5] {
            func kl(_ s: [Float]) -> Double { Losses.distillation(student: s, teacher: t, batch: 2, classes: 4, temperature: temp).loss }
            // −Σ p log q · T² with p, q softmaxes at temperature T
            var want = 0.0
            for b in 0..<2 {
                let ps = (0..<4).map { Double(t[b * 4 + $0]) / temp }, qs = (0..<4).map { Double(s[b * 4 + $0]) / temp }
                let zp = ps.map(exp).reduce(0, +), lq = log(qs.map(exp).reduce(0, +))
                for i in 0..<4 { want -= exp(ps[i]) / zp * (qs[i] - lq) * temp * temp }
            }
            let r = Losses.distillation(student: s, teacher: t, batch: 2, classes: 4, temperature: temp)
            XCTAssertEqual(r.loss, want / 2, accuracy: 1e-12)
            for i in s.indices {
                var p = s, m = s
                p[i] += 1e-3; m[i] -= 1e-3
                XCTAssertEqual(Double(r.dLogits[i]), (kl(p) - kl(m)) / 2e-3, accuracy: 1e-5)
            }
        }
    }
}

// MARK: - Cosine logit head
extension TrainerMathTests {
    func testLogitHeadBackwardToRawTextsMatchesFiniteDifferences() {
        var rng = SplitMix64(seed: 3)
        let b = 3, c = 4, d = 5
        let img = CosineLogitHead.normalizeRows((0..<(b * d)).map { _ in Float(rng.nextNormal()) }, rows: b, cols: d)
        let txt = (0..<(c * d)).map { _ in Float(rng.nextNormal()) }
        let w = (0..<(2 * b * c)).map { _ in Float(rng.nextNormal()) }   // two cotangents
        func obj(_ t: [Float], _ j: Int) -> Double {
            let z = CosineLogitHead.logits(images: img, batch: b, texts: CosineLogitHead.normalizeRows(t, rows: c, cols: d),
                                           classes: c, dim: d, scale: 7)
            return (0..<(b * c)).reduce(0.0) { $0 + Double(z[$1]) * Double(w[j * b * c + $1]) }
        }
        let dT = CosineLogitHead.backwardToTexts(dLogits: w, cotangents: 2, images: img, batch: b, rawTexts: txt,
                                                 classes: c, dim: d, scale: 7)
        for j in 0..<2 { for i in txt.indices {
            var p = txt, m = txt
            p[i] += 1e-2; m[i] -= 1e-2
            XCTAssertEqual(Double(dT[j * c * d + i]), (obj(p, j) - obj(m, j)) / 2e-2, accuracy: 2e-3)
        } }
    }
}

// MARK: - SGD and schedule
extension TrainerMathTests {
    func testSGDMatchesPyTorchHandComputedSteps() {
        // torch.optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.01) from p = [1, −2]:
        // step 1, g = [0.5, 0.1]: d = g + 0.01 p = [0.51, 0.08], buf = d, p = [0.949, −2.008]
        // step 2, g = [−0.2, 0.3]: d = [−0.19051, 0.27992], buf = 0.9·buf + d = [0.26849, 0.35192],
        //         p = [0.922151, −2.043192]
        var sgd = SGD(settings: SGDSettings(momentum: 0.9, weightDecay: 0.01))
        var p: [Float] = [1, -2]
        sgd.step(parameter: &p, gradient: [0.5, 0.1], lr: 0.1)
        XCTAssertEqual(p[0], 0.949, accuracy: 1e-6); XCTAssertEqual(p[1], -2.008, accuracy: 1e-6)
        XCTAssertEqual(sgd.momentumBuffer![0], 0.51, accuracy: 1e-6)
        sgd.step(parameter: &p, gradient: [-0.2, 0.3], lr: 0.1)
        XCTAssertEqual(sgd.momentumBuffer![0], 0.26849, accuracy: 1e-6); XCTAssertEqual(sgd.momentumBuffer![1], 0.35192, accuracy: 1e-6)
        XCTAssertEqual(p[0], 0.922151, accuracy: 1e-6); XCTAssertEqual(p[1], -2.043192, accuracy: 1e-6)
    }

    func testCosineScheduleWithConstantWarmupMatchesDassl() {
        // Dassl: epoch 0 at cons_lr; then CosineAnnealingLR(T_max = 10) counted from the end of warm-up.
        let s = CosineSchedule(baseLR: 0.002, maxEpoch: 10, warmupEpochs: 1, warmupLR: 1e-5)
        XCTAssertEqual(s.lr(epoch: 0), 1e-5, accuracy: 1e-15)
        XCTAssertEqual(s.lr(epoch: 1), 0.002, accuracy: 1e-15)
        XCTAssertEqual(s.lr(epoch: 2), 0.002 * 0.9755282581475768, accuracy: 1e-12)
        XCTAssertEqual(s.lr(epoch: 9), 0.002 * (1 + cos(Double.pi * 8 / 10)) / 2, accuracy: 1e-12)
        let none = CosineSchedule(baseLR: 0.01, maxEpoch: 4, warmupEpochs: 0, warmupLR: 1e-5)
        XCTAssertEqual(none.lr(epoch: 0), 0.01, accuracy: 1e-15)
        XCTAssertEqual(none.lr(epoch: 2), 0.005, accuracy: 1e-12)
    }
}

// MARK: - ProGrad projection
extension TrainerMathTests {
    func testProjectionRemovesTheConflictingComponent() throws {
        let r = try ProGradProjection.project(domain: [1, 0], general: [-1, 1], lambda: 1)
        XCTAssertTrue(r.conflict)
        XCTAssertEqual(r.gradient[0], 0.5, accuracy: 1e-7); XCTAssertEqual(r.gradient[1], 0.5, accuracy: 1e-7)
        XCTAssertEqual(r.cosine, -1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(r.normGeneral, 2.0.squareRoot(), accuracy: 1e-12)
        let half = try ProGradProjection.project(domain: [1, 0], general: [-1, 1], lambda: 0.5)
        XCTAssertEqual(half.gradient[0], 0.75, accuracy: 1e-7); XCTAssertEqual(half.gradient[1], 0.25, accuracy: 1e-7)
        // the projected gradient is orthogonal to g_g for λ = 1
        XCTAssertEqual(r.gradient[0] * -1 + r.gradient[1] * 1, 0, accuracy: 1e-7)
    }

    func testProjectionLeavesAlignedGradientsAlone() throws {
        let r = try ProGradProjection.project(domain: [1, 0, 2], general: [1, 1, 0], lambda: 1)
        XCTAssertFalse(r.conflict)
        XCTAssertEqual(r.gradient, [1, 0, 2])
    }

    func testProjectionStopsOnZeroGeneralGradientAndNaN() {
        XCTAssertThrowsError(try ProGradProjection.project(domain: [1, 2], general: [0, 0], lambda: 1)) { e in
            XCTAssertTrue("\(e)".contains("exactly zero"), "\(e)")
        }
        XCTAssertThrowsError(try ProGradProjection.project(domain: [.nan, 2], general: [1, 0], lambda: 1)) { e in
            XCTAssertTrue("\(e)".contains("NaN"), "\(e)")
        }
    }
}
