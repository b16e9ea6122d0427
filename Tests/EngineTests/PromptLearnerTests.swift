import XCTest
@testable import Engine

final class PromptLearnerTests: XCTestCase {}

/// Rows of x [n, L, w] at (i, t).
private func row(_ x: [Float], _ i: Int, _ t: Int, l: Int, w: Int) -> [Float] { Array(x[((i * l + t) * w)..<((i * l + t + 1) * w)]) }

// MARK: - Assembly
extension PromptLearnerTests {
    func testEndMiddleFrontPlaceContextAndClassTokensAsTheReference() throws {
        let tok = WordTokenizer(), tower = ToyTower()
        let names = ["red fox", "cat"]
        for position in ClassTokenPosition.allCases {
            let s = PromptSettings(contextLength: 4, position: position, initialization: .random(seed: 5))
            let p = try PromptLearner(classNames: names, settings: s, tokenizer: tok, tower: tower)
            let w = tower.tokenWidth, l = p.length
            XCTAssertEqual(p.eot, [1 + 4 + 2 + 1, 1 + 4 + 1 + 1])
            XCTAssertEqual(l, 9)
            let x = p.promptEmbeddings()
            let ctx = (0..<4).map { Array(p.context[($0 * w)..<(($0 + 1) * w)]) }
            let red = tower.tokenEmbeddings(tok.encode("red")), fox = tower.tokenEmbeddings(tok.encode("fox"))
            let dot = tower.tokenEmbeddings(tok.encode(".")), eot = tower.tokenEmbeddings([tok.eot])
            let expected: [[Float]]
            switch position {
            case .end: expected = ctx + [red, fox, dot, eot]
            case .middle: expected = [ctx[0], ctx[1], red, fox, ctx[2], ctx[3], dot, eot]
            case .front: expected = [red, fox] + ctx + [dot, eot]
            }
            XCTAssertEqual(row(x, 0, 0, l: l, w: w), tower.tokenEmbeddings([tok.sot]))
            for (t, e) in expected.enumerated() { XCTAssertEqual(row(x, 0, t + 1, l: l, w: w), e, "\(position) position \(t + 1)") }
        }
    }

    func testRandomInitIsSeededNormalWithStd002AndClassSpecificHasOneContextPerClass() throws {
        let tok = WordTokenizer(), tower = ToyTower(width: 64)
        let s = PromptSettings(contextLength: 16, classSpecific: true, initialization: .random(seed: 9))
        let a = try PromptLearner(classNames: ["a", "b", "c"], settings: s, tokenizer: tok, tower: tower)
        let b = try PromptLearner(classNames: ["a", "b", "c"], settings: s, tokenizer: tok, tower: tower)
        XCTAssertEqual(a.context.count, 3 * 16 * 64)
        XCTAssertEqual(a.context, b.context)
        let sd = (a.context.map { Double($0 * $0) }.reduce(0, +) / Double(a.context.count)).squareRoot()
        XCTAssertEqual(sd, 0.02, accuracy: 0.002)
        XCTAssertFalse(a.sharedPrefixApplies)
    }

    func testCommaTemplateWordInitFollowsProGradWordCountNotTokenCount() throws {
        // "a type of pet, a photo of a": 8 space-separated words, 9 tokens (the comma is a token). ProGrad copies the
        // first 8 TOKENS into the last 8 slots, leaves the rest zero, and the final "a" stays in the frozen suffix.
        let tok = WordTokenizer(), tower = ToyTower()
        let words = PromptTemplates.contextWords(fromTemplate: "a type of pet, a photo of a {}.")
        let s = PromptSettings(contextLength: 10, initialization: .words(words))
        let p = try PromptLearner(classNames: ["beagle"], settings: s, tokenizer: tok, tower: tower)
        let w = tower.tokenWidth
        XCTAssertEqual(p.promptPrefix, "X X a type of pet, a photo of a")
        XCTAssertEqual(Array(p.context[0..<(2 * w)]), [Float](repeating: 0, count: 2 * w))
        let firstEight = tower.tokenEmbeddings(Array(tok.encode(words)[0..<8]))    // a type of pet , a photo of
        XCTAssertEqual(Array(p.context[(2 * w)...]), firstEight)
        // prompt: SOS, 10 ctx, "a", "beagle", ".", EOT
        XCTAssertEqual(p.eot, [14])
        let x = p.promptEmbeddings()
        XCTAssertEqual(row(x, 0, 11, l: p.length, w: w), tower.tokenEmbeddings(tok.encode("a")))
        XCTAssertEqual(row(x, 0, 12, l: p.length, w: w), tower.tokenEmbeddings(tok.encode("beagle")))
        XCTAssertThrowsError(try PromptLearner(classNames: ["x"], settings: PromptSettings(contextLength: 4, initialization: .words(words)),
                                               tokenizer: tok, tower: tower))
    }
}

// MARK: - Backward
extension PromptLearnerTests {
    /// L(ctx) = Σ_j Σ_{i,o} features(ctx)[i, o] · v_j[i, o] for k = 2 cotangents v_j.
    private func checkGradient(_ settings: PromptSettings, shared: Bool) throws {
        let tok = WordTokenizer(), tower = ToyTower()
        let p = try PromptLearner(classNames: ["red fox", "cat", "big grey owl"], settings: settings, tokenizer: tok, tower: tower)
        p.useSharedPrefix = shared
        let n = 3, d = tower.featureDimension
        var rng = SplitMix64(seed: 11)
        let v = (0..<(2 * n * d)).map { _ in Float(rng.nextNormal()) }
        let pass = p.forward(tower: tower, saveForBackward: true)
        let g = p.backward(tower: tower, pass: pass, dFeatures: v, cotangents: 2)
        let base = p.context
        func obj(_ j: Int) -> Double {
            let f = p.forward(tower: tower, saveForBackward: false).features
            return (0..<(n * d)).reduce(0.0) { $0 + Double(f[$1]) * Double(v[j * n * d + $1]) }
        }
        for j in 0..<2 {
            for i in stride(from: 0, to: base.count, by: 3) {
                p.context = base; p.context[i] += 1e-2; let a = obj(j)
                p.context = base; p.context[i] -= 1e-2; let b = obj(j)
                XCTAssertEqual(Double(g[j * p.contextCount + i]), (a - b) / 2e-2, accuracy: 1e-3, "slot value \(i) cotangent \(j)")
            }
        }
        p.context = base
    }

    func testContextGradientMatchesFiniteDifferencesForEveryLayout() throws {
        for position in ClassTokenPosition.allCases {
            try checkGradient(PromptSettings(contextLength: 4, position: position, initialization: .random(seed: 2)), shared: false)
            try checkGradient(PromptSettings(contextLength: 4, classSpecific: true, position: position, initialization: .random(seed: 2)), shared: false)
        }
        try checkGradient(PromptSettings(contextLength: 4, initialization: .random(seed: 2)), shared: true)
    }

    func testSharedPrefixPathGivesTheSameFeaturesAndGradients() throws {
        let tok = WordTokenizer(), tower = ToyTower()
        let p = try PromptLearner(classNames: ["red fox", "cat", "big grey owl"], settings: PromptSettings(contextLength: 5),
                                  tokenizer: tok, tower: tower)
        XCTAssertTrue(p.sharedPrefixApplies)
        let v = (0..<(2 * 3 * tower.featureDimension)).map { Float($0 % 7) - 3 }
        p.useSharedPrefix = true
        let a = p.forward(tower: tower, saveForBackward: true)
        let ga = p.backward(tower: tower, pass: a, dFeatures: v, cotangents: 2)
        p.useSharedPrefix = false
        let b = p.forward(tower: tower, saveForBackward: true)
        let gb = p.backward(tower: tower, pass: b, dFeatures: v, cotangents: 2)
        XCTAssertLessThan(maxRelativeError(a.features, b.features), 1e-6)
        XCTAssertLessThan(maxRelativeError(ga, gb), 1e-5)
    }
}
