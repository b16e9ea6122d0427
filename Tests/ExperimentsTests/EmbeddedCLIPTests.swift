// The committed embedded CLIP (Models/embedded-clip) loads as an ordinary Hugging Face CLIP folder and still
// classifies the world's colour + shape compositions and patterns zero-shot.
import XCTest
import Foundation
@testable import Engine
@testable import Experiments

final class EmbeddedCLIPTests: XCTestCase {}

/// Models/embedded-clip, located from this file (Tests/ExperimentsTests/ → repository root).
private let embeddedCLIPFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Models/embedded-clip")

// MARK: - Loading

extension EmbeddedCLIPTests {
    func testCommittedModelLoadsThroughTheHuggingFaceLoader() throws {
        let (config, tensors, source) = try Checkpoint.read(from: embeddedCLIPFolder)
        let model = try CLIPModel(config: config, tensors: tensors, source: source)
        let tokenizer = try CLIPTokenizer(directory: embeddedCLIPFolder)
        XCTAssertEqual(tokenizer.vocabulary.count, config.text.vocabSize)
        XCTAssertEqual(tokenizer.eotToken, config.text.vocabSize - 1, "EOT is the largest id")
        XCTAssertEqual(tokenizer.eotToken, config.text.eosTokenId)
        XCTAssertEqual(tokenizer.sotToken, config.text.bosTokenId)
        XCTAssertEqual(config.vision.imageSize, EmbeddedWorld.defaultSide)
        XCTAssertLessThanOrEqual(model.logitScale, ContrastivePretrainer.maxLogitScale + 1e-6)
        // CoOp with 16 context tokens and the longest class name still fits the text positions.
        let longest = WorldTask.defaults.flatMap(\.classes).map { tokenizer.encode($0.name).count }.max()!
        XCTAssertLessThanOrEqual(1 + 16 + longest + 1 + 1, config.text.maxPositionEmbeddings)
    }
}

// MARK: - Zero-shot floor

extension EmbeddedCLIPTests {
    func testCommittedModelZeroShotStaysAboveFloor() throws {
        let (config, tensors, source) = try Checkpoint.read(from: embeddedCLIPFolder)
        let model = try CLIPModel(config: config, tensors: tensors, source: source)
        let tokenizer = try CLIPTokenizer(directory: embeddedCLIPFolder)
        let results = try WorldZeroShot.evaluate(model: model, tokenize: { try tokenizer.tokenize($0, contextLength: config.text.maxPositionEmbeddings) },
                                                 tasks: [WorldTask.colorShapes, WorldTask.patterns], perClass: 4)
        // 4 test images per class. When the model was committed: WorldColorShapes 100 % of 120 (chance 1/30),
        // WorldPatterns 72.5 % of 40 (chance 1/10); the floors allow a few flipped predictions.
        XCTAssertGreaterThanOrEqual(results[0].all, 0.95, "WorldColorShapes accuracy \(results[0].all) (measured 100% when committed)")
        XCTAssertGreaterThanOrEqual(results[1].all, 0.6, "WorldPatterns accuracy \(results[1].all) (measured 72.5% when committed)")
        for r in results {
            XCTAssertGreaterThanOrEqual(r.new, 3 * r.newChance, "\(r.task): new-class accuracy \(r.new) is below 3× chance")
        }
    }
}
