import XCTest
@testable import Engine

final class PromptFileTests: XCTestCase {}

private func tempURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("prompt-\(ProcessInfo.processInfo.processIdentifier)-\(name)")
}

// MARK: - Saving and loading
extension PromptFileTests {
    func testLearnedPromptRoundTripsWithClassNamesAndSettings() throws {
        let tok = WordTokenizer(), tower = ToyTower()
        for settings in [PromptSettings(contextLength: 3, position: .middle, initialization: .words("a photo, of")),
                         PromptSettings(contextLength: 2, classSpecific: true, initialization: .random(seed: 4))] {
            let l = try PromptLearner(classNames: ["red_fox", "cat"], settings: settings, tokenizer: tok, tower: tower)
            let url = tempURL("rt.safetensors")
            defer { try? FileManager.default.removeItem(at: url) }
            try LearnedPrompt(learner: l, info: ["method": "prograd"]).save(to: url)
            let back = try LearnedPrompt.load(from: url)
            XCTAssertEqual(back.classNames, ["red_fox", "cat"])
            XCTAssertEqual(back.settings, settings)
            XCTAssertEqual(back.context.values, l.context)
            XCTAssertEqual(back.context.shape, settings.classSpecific ? [2, 2, tower.tokenWidth] : [3, tower.tokenWidth])
            XCTAssertEqual(back.info["method"], "prograd")
            let raw = try SafetensorsFile(url: url)
            XCTAssertEqual(raw.metadata["class_token_position"], settings.position.rawValue)
        }
    }

    func testTrainerStateRoundTripsThroughSafetensors() throws {
        let s = TrainerState(context: [1, 2, 3, 4], momentumBuffer: [0.5, 0, -1, 2], epochsDone: 7, shuffleSeed: 42)
        let url = tempURL("state.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try s.save(to: url, contextShape: [2, 2])
        XCTAssertEqual(try TrainerState.load(from: url), s)
        let fresh = TrainerState(context: [1, 2], momentumBuffer: nil, epochsDone: 0, shuffleSeed: 1)
        try fresh.save(to: url, contextShape: [2])
        XCTAssertEqual(try TrainerState.load(from: url), fresh)
        XCTAssertEqual(try TrainerState(encoded: s.encoded()), s)
        XCTAssertEqual(try TrainerState(encoded: fresh.encoded()), fresh)
        XCTAssertThrowsError(try TrainerState(encoded: Data(s.encoded().dropLast(4))))
    }

    func testLoadingAFileWithoutCtxNamesTheProblem() throws {
        let url = tempURL("other.safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafetensorsWriter.write([(name: "weights", tensor: TensorData(shape: [1], values: [0]))], to: url)
        XCTAssertThrowsError(try LearnedPrompt.load(from: url)) { e in XCTAssertTrue("\(e)".contains("no tensor ctx"), "\(e)") }
    }
}

// MARK: - Interpretation
extension PromptFileTests {
    func testNearestTokensAreSortedByEuclideanDistance() {
        let emb: [Float] = [0, 0,  1, 0,  0, 2,  3, 3]      // 4 tokens, width 2
        let ctx: [Float] = [0.9, 0.1,  0.1, 1.8]
        let r = PromptInterpreter.nearest(context: ctx, rows: 2, embeddings: emb, vocab: 4, width: 2, topK: 2)
        XCTAssertEqual(r[0].map(\.id), [1, 0])
        XCTAssertEqual(r[0][0].distance, (0.01 + 0.01 as Float).squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(r[1].map(\.id), [2, 0])   // 0.22 to (0, 2), 1.80 to (0, 0), 2.01 to (1, 0)
    }
}
