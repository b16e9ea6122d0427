import XCTest
@testable import Engine

final class PromptTrainerTests: XCTestCase {}

/// A tiny few-shot problem: 3 classes, 4 images each, 2 views per image, toy tower features.
private struct Problem {
    let tok = WordTokenizer()
    let tower = ToyTower()
    let names = ["red fox", "cat", "big grey owl"]
    let features: [Float]
    let labels: [Int]
    let imageIndex: [Int]

    init() {
        var rng = SplitMix64(seed: 21)
        let zs = try! ZeroShotClassifier(classNames: names, templates: ["a photo of a {}."], tokenizer: tok, tower: tower, logitScale: 0)
        let d = tower.featureDimension
        var f: [Float] = [], y: [Int] = [], im: [Int] = []
        for c in 0..<3 { for i in 0..<4 { for _ in 0..<2 {
            f += (0..<d).map { zs.classFeatures[c * d + $0] + 0.6 * Float(rng.nextNormal()) }
            y.append(c); im.append(c * 4 + i)
        } } }
        features = f; labels = y; imageIndex = im
    }

    func trainer(_ method: MethodKind, lambda: Double = 1, epochs: Int = 4, lr: Double = 0.5,
                 settings prompt: PromptSettings = PromptSettings(contextLength: 4, initialization: .random(seed: 3)),
                 features: [Float]? = nil) throws -> PromptTrainer {
        let learner = try PromptLearner(classNames: names, settings: prompt, tokenizer: tok, tower: tower)
        let teacher = try ZeroShotClassifier(classNames: names, templates: ["a photo of a {}."], tokenizer: tok, tower: tower,
                                             logitScale: log(10))
        return try PromptTrainer(learner: learner, tower: tower, tokenizer: tok, logitScale: log(10),
                                 trainFeatures: features ?? self.features, labels: labels, imageIndex: imageIndex,
                                 alignment: method == .prograd ? GradientAlignment(teacher: teacher, lambda: lambda) : nil,
                                 training: TrainingSettings(epochs: epochs, batchSize: 4, lr: lr, warmupEpochs: 1,
                                                            warmupLR: 0.05), shuffleSeed: 5)
    }
}

// MARK: - Methods
extension PromptTrainerTests {
    func testProGradWithLambdaZeroReproducesCoOpExactly() throws {
        let p = Problem()
        let coop = try p.trainer(.coop), prograd = try p.trainer(.prograd, lambda: 0)
        for _ in 0..<3 {
            let a = try coop.trainEpoch()!, b = try prograd.trainEpoch()!
            XCTAssertEqual(a.steps.map(\.lossCE), b.steps.map(\.lossCE))
        }
        XCTAssertEqual(coop.learner.context, prograd.learner.context)
        XCTAssertEqual(coop.optimizer.momentumBuffer, prograd.optimizer.momentumBuffer)
    }

    func testProGradRecordsConflictStatisticsAndStepsDifferFromCoOpWhenConflicting() throws {
        let p = Problem()
        let coop = try p.trainer(.coop), prograd = try p.trainer(.prograd)
        var sawConflict = false
        for _ in 0..<4 {
            let e = try prograd.trainEpoch()!
            _ = try coop.trainEpoch()
            XCTAssertEqual(e.steps.count, 3)                        // 12 images / batch 4, one view each
            XCTAssertNotNil(e.conflictRate); XCTAssertNotNil(e.meanCosine); XCTAssertNotNil(e.meanLossKL)
            for s in e.steps {
                XCTAssertEqual(s.conflict!, s.cosine! < 0)
                XCTAssertGreaterThan(s.normGeneral!, 0)
                sawConflict = sawConflict || s.conflict!
            }
        }
        if sawConflict { XCTAssertNotEqual(coop.learner.context, prograd.learner.context) }
        // CoOp reduces its loss on this separable toy set
        let acc = try coop.accuracy(features: p.features, labels: p.labels)
        XCTAssertGreaterThan(acc, 0.5)
    }

    func testNaNFeaturesStopWithAClearMessage() throws {
        let p = Problem()
        var f = p.features
        f[0] = .nan
        let t = try p.trainer(.prograd, features: f)
        XCTAssertThrowsError(try { for _ in 0..<2 { _ = try t.trainEpoch() } }()) { e in
            XCTAssertTrue("\(e)".contains("loss is nan"), "\(e)")
        }
    }

    func testZeroGeneralGradientStopsProGradWithAClearMessage() throws {
        let p = Problem()
        let t = try p.trainer(.prograd)
        p.tower.proj = [Float](repeating: 0, count: p.tower.proj.count)   // features no longer depend on the context
        XCTAssertThrowsError(try t.trainEpoch()) { e in XCTAssertTrue("\(e)".contains("exactly zero"), "\(e)") }
    }
}

// MARK: - Batches, evaluation, resume
extension PromptTrainerTests {
    func testBatchesTakeOneViewPerImageAndDropTheShortBatch() throws {
        let p = Problem()
        let t = try p.trainer(.coop)
        let b = t.batches(epoch: 0)
        XCTAssertEqual(b.count, 3)
        let images = b.joined().map { p.imageIndex[$0] }
        XCTAssertEqual(Set(images).count, 12)
        XCTAssertEqual(t.batches(epoch: 0), b)
        XCTAssertNotEqual(t.batches(epoch: 1), b)
    }

    func testEvaluationOnNewClassNamesUsesTheLearnedContextAndCSCRefuses() throws {
        let p = Problem()
        let t = try p.trainer(.coop)
        _ = try t.trainEpoch()
        let acc = try t.accuracy(features: Array(p.features[0..<(8 * p.tower.featureDimension)]), labels: [0, 0, 0, 0, 0, 0, 0, 0],
                                 classNames: ["red fox", "dog"])
        XCTAssertTrue((0...1).contains(acc))
        let csc = try p.trainer(.coop, settings: PromptSettings(contextLength: 4, classSpecific: true))
        XCTAssertThrowsError(try csc.accuracy(features: p.features, labels: p.labels, classNames: ["dog", "cat", "owl"]))
    }

    func testResumeFromStateContinuesBitForBit() throws {
        let p = Problem()
        let straight = try p.trainer(.prograd)
        for _ in 0..<3 { _ = try straight.trainEpoch() }
        let first = try p.trainer(.prograd)
        for _ in 0..<2 { _ = try first.trainEpoch() }
        let saved = try JSONDecoder().decode(TrainerState.self, from: JSONEncoder().encode(first.state))
        let resumed = try p.trainer(.prograd)
        try resumed.restore(saved)
        let e = try resumed.trainEpoch()!
        XCTAssertEqual(e.epoch, 3)
        XCTAssertEqual(resumed.learner.context, straight.learner.context)
    }
}
