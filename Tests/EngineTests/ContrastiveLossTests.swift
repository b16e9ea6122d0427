// Symmetric InfoNCE: a closed-form value and finite-difference checks of every gradient.
import XCTest
@testable import Engine

final class ContrastiveLossTests: XCTestCase {}

// MARK: - Values

extension ContrastiveLossTests {
    func testEqualCosinesGiveLogNAndNoScaleGradient() {
        // Every image equals every text up to scale: all cosines are 1, each softmax is uniform, loss = ln n.
        let n = 5, d = 3
        let img = (0..<n).flatMap { i in [1, 2, 3].map { Float($0) * Float(i + 1) } }
        let txt = (0..<n).flatMap { _ in [2, 4, 6] as [Float] }
        let r = ContrastiveLoss.forwardBackward(imageFeatures: img, textFeatures: txt, count: n, dim: d, logitScale: 1.3)
        XCTAssertEqual(r.loss, log(Float(n)), accuracy: 1e-5)
        XCTAssertEqual(r.dLogitScale, 0, accuracy: 1e-6)
    }

    func testMatchedPairsWithLargeScaleGiveLowLossAndFullAccuracy() {
        let n = 4, d = 4
        var img = [Float](repeating: 0, count: n * d), txt = img
        for i in 0..<n { img[i * d + i] = 2; txt[i * d + i] = 0.5; txt[i * d + (i + 1) % d] = 0.05 }
        let r = ContrastiveLoss.forwardBackward(imageFeatures: img, textFeatures: txt, count: n, dim: d, logitScale: log(100))
        XCTAssertLessThan(r.loss, 1e-3)
        XCTAssertEqual(r.imageToTextAccuracy, 1)
    }
}

// MARK: - Gradients

extension ContrastiveLossTests {
    func testGradientsMatchFiniteDifferences() {
        let n = 4, d = 5
        var rng = SplitMix64(seed: 7)
        let img = (0..<(n * d)).map { _ in Float(rng.nextNormal()) }
        let txt = (0..<(n * d)).map { _ in Float(rng.nextNormal()) }
        let s: Float = 1.1
        let r = ContrastiveLoss.forwardBackward(imageFeatures: img, textFeatures: txt, count: n, dim: d, logitScale: s)
        func loss(_ a: [Float], _ b: [Float], _ t: Float) -> Double {
            Double(ContrastiveLoss.forwardBackward(imageFeatures: a, textFeatures: b, count: n, dim: d, logitScale: t).loss)
        }
        let h: Float = 1e-2
        var worst: Double = 0
        for k in 0..<(n * d) {
            var p = img, m = img; p[k] += h; m[k] -= h
            let fd = (loss(p, txt, s) - loss(m, txt, s)) / Double(2 * h)
            worst = max(worst, abs(fd - Double(r.dImageFeatures[k])))
            var pt = txt, mt = txt; pt[k] += h; mt[k] -= h
            let fdt = (loss(img, pt, s) - loss(img, mt, s)) / Double(2 * h)
            worst = max(worst, abs(fdt - Double(r.dTextFeatures[k])))
        }
        XCTAssertLessThan(worst, 2e-3, "max |analytic − finite difference| over features")
        let fds = (loss(img, txt, s + h) - loss(img, txt, s - h)) / Double(2 * h)
        XCTAssertEqual(Double(r.dLogitScale), fds, accuracy: 2e-3)
        XCTAssertGreaterThan(abs(r.dLogitScale), 1e-3, "the scale gradient is not trivially zero here")
    }
}
