// Pretraining on the world: a short run lowers the contrastive loss, and a resumed run continues exactly.
import XCTest
import Foundation
@testable import Engine
@testable import Experiments

final class WorldPretrainingTests: XCTestCase {}

/// A tiny CLIP and tokenizer for fast runs: width 32, one layer per tower, patch 8 on 32-pixel images.
private func tinySetup() -> (config: CLIPConfig, tokenize: (String) -> [Int]) {
    let vocabulary = BPETrainer.train(texts: WorldPretraining.corpus(count: 1500, seed: 3), vocabularySize: 1024)
    let config = WorldPretraining.config(vocabularySize: vocabulary.count, patch: 8, width: 32, layers: 1, heads: 2,
                                         maxPositions: 40, projection: 32)
    let tokenize: (String) -> [Int] = { [vocabulary.startOfTextId] + vocabulary.encode($0) + [vocabulary.endOfTextId] }
    return (config, tokenize)
}

// MARK: - Training

extension WorldPretrainingTests {
    func testShortRunLowersContrastiveLossBelowChance() {
        // Two world batches of 16 pairs, cycled for 30 steps: the whole pipeline (towers, loss, backward, AdamW)
        // must fit them well below the chance loss ln 16.
        let (config, tokenize) = tinySetup()
        let trainer = ContrastivePretrainer(model: CLIPModel.random(config: config, seed: 1),
                                            schedule: WarmupCosineSchedule(baseLR: 3e-3, warmupSteps: 3, totalSteps: 30))
        let batches = (0..<2).map { WorldPretraining.batch(step: $0, size: 16, seed: 5, tokenize: tokenize).batch }
        var losses: [Float] = []
        for step in 0..<30 { losses.append(trainer.train(on: batches[step % 2]).loss) }
        let first = losses.prefix(4).reduce(0, +) / 4, last = losses.suffix(4).reduce(0, +) / 4
        XCTAssertGreaterThan(first, log(16) - 0.2, "an untrained model is no better than chance")
        XCTAssertLessThan(last, log(16) - 0.7, "losses: \(losses)")
        XCTAssertLessThanOrEqual(trainer.model.logitScale, ContrastivePretrainer.maxLogitScale)
    }

    func testResumedRunContinuesExactly() throws {
        let (config, tokenize) = tinySetup()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pretrain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let schedule = WarmupCosineSchedule(baseLR: 2e-3, warmupSteps: 2, totalSteps: 10)
        func batch(_ s: Int) -> PretrainBatch { WorldPretraining.batch(step: s, size: 16, seed: 9, tokenize: tokenize).batch }
        let a = ContrastivePretrainer(model: CLIPModel.random(config: config, seed: 4), schedule: schedule)
        for s in 0..<2 { a.train(on: batch(s)) }
        try a.saveCheckpoint(to: dir)
        let expected = (2..<4).map { a.train(on: batch($0)).loss }

        let b = ContrastivePretrainer(model: CLIPModel.random(config: config, seed: 99), schedule: schedule)
        try b.restoreCheckpoint(from: dir)
        XCTAssertEqual(b.step, 2)
        let resumed = (2..<4).map { b.train(on: batch($0)).loss }
        XCTAssertEqual(resumed, expected)
    }
}

// MARK: - Batches

extension WorldPretrainingTests {
    func testContrastGroupsVaryOneAttributeThatEveryCaptionNames() {
        var rng = SplitMix64(seed: 9)
        var kinds = Set<String>()
        for _ in 0..<60 {
            let group = WorldPretraining.contrastGroup(side: 32, members: 4, rng: &rng)
            XCTAssertEqual(group.count, 4)
            let scenes = group.map(\.scene)
            XCTAssertTrue(scenes.allSatisfy { $0.count == 1 })
            let shapes = Set(scenes.map(\.shape)), colors = Set(scenes.map(\.color)), patterns = Set(scenes.map(\.pattern))
            let sizes = [shapes.count, colors.count, patterns.count].sorted()
            XCTAssertEqual(sizes, [1, 1, 4], "exactly one attribute varies, with four different values")
            for (scene, caption) in group {
                let words = caption.lowercased()
                if patterns.count == 4 {
                    kinds.insert("pattern")
                    XCTAssertTrue(words.contains(scene.pattern.rawValue), caption)
                    XCTAssertEqual(scene.size, .large)
                } else if shapes.count == 4 {
                    kinds.insert("shape")
                    XCTAssertTrue(words.contains(scene.shape.rawValue) || words.contains(scene.shape.plural), caption)
                } else {
                    kinds.insert("color")
                    XCTAssertTrue(words.contains(scene.color.rawValue), caption)
                }
            }
        }
        XCTAssertEqual(kinds, ["pattern", "shape", "color"])
    }

    func testBatchIsDeterministicAndHalfContrastGroups() {
        let tokenize: (String) -> [Int] = { $0.utf8.map(Int.init) }
        let a = WorldPretraining.batch(step: 3, size: 16, seed: 2, tokenize: tokenize)
        let b = WorldPretraining.batch(step: 3, size: 16, seed: 2, tokenize: tokenize)
        XCTAssertEqual(a.captions, b.captions)
        XCTAssertEqual(a.batch.pixels, b.batch.pixels)
        XCTAssertEqual(a.captions.count, 16)
        XCTAssertNotEqual(a.captions, WorldPretraining.batch(step: 4, size: 16, seed: 2, tokenize: tokenize).captions)
    }
}
