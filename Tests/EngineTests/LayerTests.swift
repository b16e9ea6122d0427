// Finite-difference checks of every layer's backward at tiny shapes, plus forward values against direct formulas.
import XCTest
@testable import Engine

final class LayerTests: XCTestCase {}

// MARK: - Helpers shared by the engine's gradient tests

/// Random floats, N(0, std²), deterministic by seed.
func randomFloats(_ n: Int, seed: UInt64, std: Float = 1) -> [Float] {
    var rng = SplitMix64(seed: seed)
    return (0..<n).map { _ in std * Float(rng.nextNormal()) }
}

/// Largest |analytic − numeric| over the checked entries, divided by the largest |numeric| (at least 1e-3).
/// numeric[i] = (L(x + ε·eᵢ) − L(x − ε·eᵢ)) / 2ε, with L evaluated in Double from the Float forward.
func finiteDifferenceError(at x: [Float], analytic: [Float], indices: [Int]? = nil, eps: Float = 1e-2,
                           loss: ([Float]) -> Double) -> Float {
    var worst: Float = 0, scale: Float = 1e-3
    var xp = x
    for i in indices ?? Array(x.indices) {
        let orig = xp[i]
        xp[i] = orig + eps; let lp = loss(xp)
        xp[i] = orig - eps; let lm = loss(xp)
        xp[i] = orig
        let numeric = Float((lp - lm) / Double(2 * eps))
        worst = max(worst, abs(numeric - analytic[i]))
        scale = max(scale, abs(numeric))
    }
    return worst / scale
}

/// Σ r·y in Double.
func weightedSum(_ y: [Float], _ r: [Float]) -> Double {
    zip(y, r).reduce(0) { $0 + Double($1.0) * Double($1.1) }
}

/// Calls body with mutable pointers to copies of the arrays and returns the copies afterwards.
@discardableResult
func withPointers(_ arrays: inout [[Float]], _ body: ([UnsafeMutablePointer<Float>]) -> Void) -> [[Float]] {
    let ptrs = arrays.map { a -> UnsafeMutablePointer<Float> in
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(1, a.count))
        p.initialize(from: a, count: a.count)
        return p
    }
    body(ptrs)
    for (i, p) in ptrs.enumerated() {
        arrays[i] = Array(UnsafeBufferPointer(start: p, count: arrays[i].count))
        p.deallocate()
    }
    return arrays
}

let gradientTolerance: Float = 1e-2

// MARK: - Linear
extension LayerTests {
    func linear(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, inF: Int, outF: Int) -> [Float] {
        var a = [x, w, b, [Float](repeating: 0, count: rows * outF)]
        withPointers(&a) { p in
            linearForward(out: p[3], input: p[0], weight: p[1], bias: p[2], rows: rows, inFeatures: inF, outFeatures: outF)
        }
        return a[3]
    }

    func testLinearForwardMatchesDirectSum() {
        let rows = 3, inF = 5, outF = 4
        let x = randomFloats(rows * inF, seed: 1), w = randomFloats(outF * inF, seed: 2), b = randomFloats(outF, seed: 3)
        let y = linear(x, w, b, rows: rows, inF: inF, outF: outF)
        for r in 0..<rows { for o in 0..<outF {
            var s = b[o]; for i in 0..<inF { s += x[r * inF + i] * w[o * inF + i] }
            XCTAssertEqual(y[r * outF + o], s, accuracy: 1e-5)
        } }
    }

    func testLinearGradientsForTwoCotangents() {
        let rows = 3, inF = 5, outF = 4, k = 2
        let x = randomFloats(rows * inF, seed: 1), w = randomFloats(outF * inF, seed: 2), b = randomFloats(outF, seed: 3)
        let r = randomFloats(k * rows * outF, seed: 4)
        var a = [r, x, w, [Float](repeating: 0, count: k * rows * inF), [Float](repeating: 0, count: outF * inF),
                 [Float](repeating: 0, count: outF)]
        withPointers(&a) { p in
            linearBackward(dInput: p[3], dWeight: p[4], dBias: p[5], dOut: p[0], input: p[1], weight: p[2],
                           rows: rows, inFeatures: inF, outFeatures: outF, cotangents: k)
        }
        let rc = (0..<k).map { Array(r[$0 * rows * outF ..< ($0 + 1) * rows * outF]) }
        for c in 0..<k {
            let dx = Array(a[3][c * rows * inF ..< (c + 1) * rows * inF])
            XCTAssertLessThan(finiteDifferenceError(at: x, analytic: dx) {
                weightedSum(linear($0, w, b, rows: rows, inF: inF, outF: outF), rc[c]) }, gradientTolerance)
        }
        // Weight and bias gradients are summed over the cotangents.
        let total: ([Float]) -> Double = { y in weightedSum(y + y, r) }
        XCTAssertLessThan(finiteDifferenceError(at: w, analytic: a[4]) {
            total(self.linear(x, $0, b, rows: rows, inF: inF, outF: outF)) }, gradientTolerance)
        XCTAssertLessThan(finiteDifferenceError(at: b, analytic: a[5]) {
            total(self.linear(x, w, $0, rows: rows, inF: inF, outF: outF)) }, gradientTolerance)
    }
}

// MARK: - LayerNorm
extension LayerTests {
    func layerNorm(_ x: [Float], _ w: [Float], _ b: [Float], rows: Int, cols: Int) -> [Float] {
        var a = [x, w, b, [Float](repeating: 0, count: rows * cols)]
        withPointers(&a) { p in
            layerNormForward(out: p[3], mean: nil, rstd: nil, input: p[0], weight: p[1], bias: p[2],
                             rows: rows, cols: cols, eps: 1e-5)
        }
        return a[3]
    }

    func testLayerNormNormalizesWithBiasedVariance() {
        let cols = 10
        let x = randomFloats(cols, seed: 5, std: 3).map { $0 + 2 }
        let y = layerNorm(x, [Float](repeating: 1, count: cols), [Float](repeating: 0, count: cols), rows: 1, cols: cols)
        let m = x.reduce(0, +) / Float(cols)
        let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(cols)
        for i in 0..<cols { XCTAssertEqual(y[i], (x[i] - m) / (v + 1e-5).squareRoot(), accuracy: 1e-5) }
    }

    func testLayerNormGradients() {
        let rows = 3, cols = 12
        let x = randomFloats(rows * cols, seed: 6), w = randomFloats(cols, seed: 7), b = randomFloats(cols, seed: 8)
        let r = randomFloats(rows * cols, seed: 9)
        var a = [x, w, b, [Float](repeating: 0, count: rows * cols), [Float](repeating: 0, count: rows),
                 [Float](repeating: 0, count: rows), r, [Float](repeating: 0, count: rows * cols),
                 [Float](repeating: 0, count: cols), [Float](repeating: 0, count: cols)]
        withPointers(&a) { p in
            layerNormForward(out: p[3], mean: p[4], rstd: p[5], input: p[0], weight: p[1], bias: p[2],
                             rows: rows, cols: cols, eps: 1e-5)
            layerNormBackward(dInput: p[7], dWeight: p[8], dBias: p[9], dOut: p[6], input: p[0], weight: p[1],
                              mean: p[4], rstd: p[5], rows: rows, cols: cols)
        }
        XCTAssertLessThan(finiteDifferenceError(at: x, analytic: a[7], eps: 1e-3) {
            weightedSum(self.layerNorm($0, w, b, rows: rows, cols: cols), r) }, gradientTolerance)
        XCTAssertLessThan(finiteDifferenceError(at: w, analytic: a[8]) {
            weightedSum(self.layerNorm(x, $0, b, rows: rows, cols: cols), r) }, gradientTolerance)
        XCTAssertLessThan(finiteDifferenceError(at: b, analytic: a[9]) {
            weightedSum(self.layerNorm(x, w, $0, rows: rows, cols: cols), r) }, gradientTolerance)
    }
}

// MARK: - Activations
extension LayerTests {
    func activation(_ act: Activation, _ x: [Float]) -> [Float] {
        var a = [x, [Float](repeating: 0, count: x.count)]
        withPointers(&a) { p in activationForward(act, out: p[1], input: p[0], count: x.count) }
        return a[1]
    }

    func activationGradient(_ act: Activation, _ x: [Float], _ r: [Float], k: Int) -> [Float] {
        var a = [x, r, [Float](repeating: 0, count: r.count)]
        withPointers(&a) { p in activationBackward(act, dInput: p[2], dOut: p[1], input: p[0], count: x.count, cotangents: k) }
        return a[2]
    }

    func testActivationValues() {
        let x: [Float] = [-3, -1, -0.5, 0, 0.5, 1, 2, 3, 4, -4, 0.25]
        let q = activation(.quickGELU, x), g = activation(.gelu, x)
        for i in x.indices {
            XCTAssertEqual(q[i], x[i] / (1 + exp(-1.702 * x[i])), accuracy: 1e-6 * max(1, abs(x[i])))
            XCTAssertEqual(g[i], 0.5 * x[i] * (1 + erf(x[i] / 2.0.squareRoot().float)), accuracy: 1e-6)
        }
        XCTAssertEqual(g[5], 0.841_344_7, accuracy: 1e-6)
    }

    func testActivationGradientsForTwoCotangents() {
        let n = 21, k = 2
        let x = randomFloats(n, seed: 10, std: 2), r = randomFloats(k * n, seed: 11)
        for act in [Activation.quickGELU, .gelu] {
            let d = activationGradient(act, x, r, k: k)
            for c in 0..<k {
                let rc = Array(r[c * n ..< (c + 1) * n])
                XCTAssertLessThan(finiteDifferenceError(at: x, analytic: Array(d[c * n ..< (c + 1) * n]), eps: 1e-3) {
                    weightedSum(self.activation(act, $0), rc) }, gradientTolerance, "\(act)")
            }
        }
    }

    func testVectorExpMatchesExp() {
        var worst: Float = 0
        for i in -790...790 {   // [-86.9, 86.9]
            let x = Float(i) * 0.11
            worst = max(worst, abs(scalarExp(x) - exp(x)) / exp(x))
        }
        XCTAssertLessThan(worst, 3e-7)
    }
}

// MARK: - The finite-difference check itself
extension LayerTests {
    func testGradientCheckRejectsWrongGradients() {
        let n = 21
        let x = randomFloats(n, seed: 12, std: 2), r = randomFloats(n, seed: 13)
        let right = activationGradient(.gelu, x, r, k: 1)
        let loss: ([Float]) -> Double = { weightedSum(self.activation(.gelu, $0), r) }
        XCTAssertLessThan(finiteDifferenceError(at: x, analytic: right, eps: 1e-3, loss: loss), gradientTolerance)
        // 5 % too large, and QuickGELU's derivative in place of GELU's: both must be caught.
        XCTAssertGreaterThan(finiteDifferenceError(at: x, analytic: right.map { $0 * 1.05 }, eps: 1e-3, loss: loss),
                             gradientTolerance)
        let wrong = activationGradient(.quickGELU, x, r, k: 1)
        XCTAssertGreaterThan(finiteDifferenceError(at: x, analytic: wrong, eps: 1e-3, loss: loss), gradientTolerance)
    }
}

// MARK: - Softmax
extension LayerTests {
    func testCausalSoftmaxRowsSumToOneAndMaskTheFuture() {
        let rows = 4, cols = 6, base = 2
        var a = [randomFloats(rows * cols, seed: 14, std: 3)]
        let x = a[0]
        withPointers(&a) { p in softmaxForward(p[0], rows: rows, cols: cols, ld: cols, causal: true, visibleBase: base) }
        for r in 0..<rows {
            let visible = min(cols, base + r + 1)
            let row = Array(a[0][r * cols ..< (r + 1) * cols])
            XCTAssertEqual(row.reduce(0, +), 1, accuracy: 1e-6)
            for j in visible..<cols { XCTAssertEqual(row[j], 0) }
            let z = (0..<visible).map { exp(Double(x[r * cols + $0])) }.reduce(0, +)
            for j in 0..<visible { XCTAssertEqual(Double(row[j]), exp(Double(x[r * cols + j])) / z, accuracy: 1e-6) }
        }
    }
}

// MARK: - Attention
extension LayerTests {
    func attention(_ qkv: [Float], _ ctx: [Float], shape: AttentionShape) -> [Float] {
        var a = [qkv, ctx, [Float](repeating: 0, count: shape.tokens * shape.width),
                 [Float](repeating: 0, count: shape.probabilityCount)]
        withPointers(&a) { p in
            attentionForward(out: p[2], probs: p[3], qkv: p[0], context: shape.contextLength > 0 ? p[1] : nil, shape: shape)
        }
        return a[2]
    }

    func checkAttentionGradients(causal: Bool, contextLength: Int, file: StaticString = #filePath, line: UInt = #line) {
        let s = AttentionShape(sequences: 2, length: 3, width: 8, heads: 2, contextLength: contextLength, causal: causal)
        let k = 2, W = s.width, P = contextLength
        let qkv = randomFloats(s.tokens * 3 * W, seed: 20), ctx = randomFloats(max(1, P * 3 * W), seed: 21)
        let r = randomFloats(k * s.tokens * W, seed: 22)
        var a = [qkv, ctx, [Float](repeating: 0, count: s.tokens * W), [Float](repeating: 0, count: s.probabilityCount),
                 r, [Float](repeating: 0, count: k * s.tokens * 3 * W), [Float](repeating: 0, count: max(1, k * P * 3 * W))]
        withPointers(&a) { p in
            let c = P > 0 ? UnsafePointer(p[1]) : nil
            attentionForward(out: p[2], probs: p[3], qkv: p[0], context: c, shape: s)
            attentionBackward(dQKV: p[5], dContext: P > 0 ? p[6] : nil, dOut: p[4], probs: p[3], qkv: p[0],
                              context: c, shape: s, cotangents: k)
        }
        for c in 0..<k {
            let rc = Array(r[c * s.tokens * W ..< (c + 1) * s.tokens * W])
            let dq = Array(a[5][c * s.tokens * 3 * W ..< (c + 1) * s.tokens * 3 * W])
            XCTAssertLessThan(finiteDifferenceError(at: qkv, analytic: dq, eps: 1e-3) {
                weightedSum(self.attention($0, ctx, shape: s), rc) }, gradientTolerance, file: file, line: line)
            if P > 0 {
                // Only the context's keys and values matter; its query columns get no gradient.
                let dc = Array(a[6][c * P * 3 * W ..< (c + 1) * P * 3 * W])
                XCTAssertLessThan(finiteDifferenceError(at: ctx, analytic: dc, eps: 1e-3) {
                    weightedSum(self.attention(qkv, $0, shape: s), rc) }, gradientTolerance, file: file, line: line)
            }
        }
    }

    func testAttentionGradientsBidirectional() { checkAttentionGradients(causal: false, contextLength: 0) }
    func testAttentionGradientsCausal() { checkAttentionGradients(causal: true, contextLength: 0) }
    func testAttentionGradientsCausalWithSharedContext() { checkAttentionGradients(causal: true, contextLength: 2) }

    func testAttentionSplitOverCoresMatchesDirectFormulaAndFiniteDifferences() {
        // Large enough for the per-head work to be spread over threads; with a shared context, threads own heads.
        let s = AttentionShape(sequences: 3, length: 30, width: 32, heads: 4, contextLength: 5, causal: true)
        let W = s.width, L = s.length, P = s.contextLength, dh = s.headDim, k = 2
        let qkv = randomFloats(s.tokens * 3 * W, seed: 24), ctx = randomFloats(P * 3 * W, seed: 25)
        let out = attention(qkv, ctx, shape: s)
        var worst = 0.0
        for i in 0..<s.sequences { for h in 0..<s.heads { for r in 0..<L {
            func row(_ base: [Float], _ t: Int, _ part: Int) -> [Double] {
                (0..<dh).map { Double(base[t * 3 * W + part * W + h * dh + $0]) }
            }
            let q = row(qkv, i * L + r, 0)
            let keys = (0..<P).map { row(ctx, $0, 1) } + (0...r).map { row(qkv, i * L + $0, 1) }
            let values = (0..<P).map { row(ctx, $0, 2) } + (0...r).map { row(qkv, i * L + $0, 2) }
            let scores = keys.map { zip(q, $0).reduce(0) { $0 + $1.0 * $1.1 } / Double(dh).squareRoot() }
            let m = scores.max()!, e = scores.map { exp($0 - m) }, z = e.reduce(0, +)
            for d in 0..<dh {
                let expected = zip(e, values).reduce(0) { $0 + $1.0 / z * $1.1[d] }
                worst = max(worst, abs(expected - Double(out[(i * L + r) * W + h * dh + d])))
            }
        } } }
        XCTAssertLessThan(worst, 1e-5)
        let r = randomFloats(k * s.tokens * W, seed: 26)
        var a = [qkv, ctx, [Float](repeating: 0, count: s.tokens * W), [Float](repeating: 0, count: s.probabilityCount),
                 r, [Float](repeating: 0, count: k * s.tokens * 3 * W), [Float](repeating: 0, count: k * P * 3 * W)]
        withPointers(&a) { p in
            attentionForward(out: p[2], probs: p[3], qkv: p[0], context: p[1], shape: s)
            attentionBackward(dQKV: p[5], dContext: p[6], dOut: p[4], probs: p[3], qkv: p[0], context: p[1],
                              shape: s, cotangents: k)
        }
        let rc = Array(r[s.tokens * W ..< 2 * s.tokens * W])
        let sample = Array(stride(from: 1, to: qkv.count, by: 53))
        XCTAssertLessThan(finiteDifferenceError(at: qkv, analytic: Array(a[5][s.tokens * 3 * W ..< 2 * s.tokens * 3 * W]),
                                                indices: sample, eps: 1e-3) {
            weightedSum(self.attention($0, ctx, shape: s), rc) }, gradientTolerance)
        XCTAssertLessThan(finiteDifferenceError(at: ctx, analytic: Array(a[6][P * 3 * W ..< 2 * P * 3 * W]), eps: 1e-3) {
            weightedSum(self.attention(qkv, $0, shape: s), rc) }, gradientTolerance)
    }

    func testCausalAttentionIgnoresLaterTokens() {
        let s = AttentionShape(sequences: 1, length: 4, width: 8, heads: 2, causal: true)
        var qkv = randomFloats(s.tokens * 24, seed: 23)
        let before = attention(qkv, [], shape: s)
        for j in 0..<24 { qkv[3 * 24 + j] += 1 }   // change the last token only
        let after = attention(qkv, [], shape: s)
        XCTAssertEqual(Array(before[0..<24]), Array(after[0..<24]))
        XCTAssertNotEqual(Array(before[24..<32]), Array(after[24..<32]))
    }
}

// MARK: - MLP and a whole block
extension LayerTests {
    func testMLPGradients() {
        let rows = 3, W = 6, I = 10, k = 2
        for act in [Activation.quickGELU, .gelu] {
            let x = randomFloats(rows * W, seed: 30), w1 = randomFloats(I * W, seed: 31, std: 0.5)
            let b1 = randomFloats(I, seed: 32), w2 = randomFloats(W * I, seed: 33, std: 0.5), b2 = randomFloats(W, seed: 34)
            let s = MLPShape(rows: rows, width: W, intermediate: I, activation: act)
            func forward(_ x: [Float], _ w1: [Float], _ w2: [Float]) -> [Float] {
                var a = [x, w1, b1, w2, b2, [Float](repeating: 0, count: rows * W),
                         [Float](repeating: 0, count: rows * I), [Float](repeating: 0, count: rows * I)]
                withPointers(&a) { p in
                    mlpForward(out: p[5], hidden: p[6], activated: p[7], input: p[0], fc1Weight: p[1], fc1Bias: p[2],
                               fc2Weight: p[3], fc2Bias: p[4], shape: s, accumulate: false)
                }
                return a[5]
            }
            let r = randomFloats(k * rows * W, seed: 35)
            var a = [x, w1, b1, w2, b2, [Float](repeating: 0, count: rows * W), [Float](repeating: 0, count: rows * I),
                     [Float](repeating: 0, count: rows * I), r, [Float](repeating: 0, count: k * rows * W),
                     [Float](repeating: 0, count: I * W), [Float](repeating: 0, count: W * I),
                     [Float](repeating: 0, count: k * rows * I), [Float](repeating: 0, count: k * rows * I)]
            withPointers(&a) { p in
                mlpForward(out: p[5], hidden: p[6], activated: p[7], input: p[0], fc1Weight: p[1], fc1Bias: p[2],
                           fc2Weight: p[3], fc2Bias: p[4], shape: s, accumulate: false)
                mlpBackward(dInput: p[9], grads: MLPGradients(fc1Weight: p[10], fc1Bias: nil, fc2Weight: p[11], fc2Bias: nil),
                            dOut: p[8], input: p[0], hidden: p[6], activated: p[7], fc1Weight: p[1], fc2Weight: p[3],
                            shape: s, cotangents: k, scratchA: p[12], scratchB: p[13])
            }
            for c in 0..<k {
                let rc = Array(r[c * rows * W ..< (c + 1) * rows * W])
                XCTAssertLessThan(finiteDifferenceError(at: x, analytic: Array(a[9][c * rows * W ..< (c + 1) * rows * W]),
                                                        eps: 1e-3) { weightedSum(forward($0, w1, w2), rc) },
                                  gradientTolerance, "\(act)")
            }
            XCTAssertLessThan(finiteDifferenceError(at: w1, analytic: a[10], eps: 1e-3) {
                let y = forward(x, $0, w2); return weightedSum(y + y, r) }, gradientTolerance, "\(act)")
            XCTAssertLessThan(finiteDifferenceError(at: w2, analytic: a[11], eps: 1e-3) {
                let y = forward(x, w1, $0); return weightedSum(y + y, r) }, gradientTolerance, "\(act)")
        }
    }
}

private extension Double { var float: Float { Float(self) } }
