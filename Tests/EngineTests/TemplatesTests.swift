import XCTest
@testable import Engine

final class TemplatesTests: XCTestCase {}

// MARK: - Tables and filling
extension TemplatesTests {
    func testTablesDifferWhereTheReferencesDiffer() {
        XCTAssertEqual(PromptTemplates.template(for: "OxfordPets"), "a type of pet, a photo of a {}.")
        XCTAssertEqual(PromptTemplates.template(for: "OxfordPets", table: .coop), "a photo of a {}, a type of pet.")
        XCTAssertEqual(PromptTemplates.template(for: "DescribableTextures", table: .coop), "{} texture.")
        XCTAssertEqual(PromptTemplates.template(for: "EuroSAT"), "a centered satellite photo of {}.")
        XCTAssertEqual(PromptTemplates.template(for: "SomethingElse"), "a photo of a {}.")
    }

    func testFillReplacesUnderscoresAndRejectsTemplateWithoutPlaceholder() throws {
        XCTAssertEqual(try PromptTemplates.fill("a photo of a {}.", with: "golden_retriever"), "a photo of a golden retriever.")
        XCTAssertThrowsError(try PromptTemplates.fill("a photo", with: "cat"))
    }

    func testContextWordsFollowProGrad() {
        XCTAssertEqual(PromptTemplates.contextWords(fromTemplate: "a type of pet, a photo of a {}."), "a type of pet, a photo of a")
        XCTAssertEqual(PromptTemplates.contextWords(fromTemplate: "a photo of a {}."), "a photo of a")
    }
}

// MARK: - Zero-shot classifier
extension TemplatesTests {
    func testEnsembleIsRenormalizedMeanOfNormalizedFeatures() throws {
        let tok = WordTokenizer(), tower = ToyTower()
        let names = ["cat", "dog", "red_fox"]
        let a = try ZeroShotClassifier(classNames: names, templates: ["a photo of a {}."], tokenizer: tok, tower: tower, logitScale: 0)
        let b = try ZeroShotClassifier(classNames: names, templates: ["art of the {}."], tokenizer: tok, tower: tower, logitScale: 0)
        let e = try ZeroShotClassifier(classNames: names, templates: ["a photo of a {}.", "art of the {}."], tokenizer: tok,
                                       tower: tower, logitScale: 0)
        let d = tower.featureDimension
        let mean = zip(a.classFeatures, b.classFeatures).map { ($0 + $1) / 2 }
        let want = CosineLogitHead.normalizeRows(mean, rows: 3, cols: d)
        XCTAssertLessThan(maxRelativeError(e.classFeatures, want), 1e-6)
        for i in 0..<3 {
            let n = (0..<d).map { e.classFeatures[i * d + $0] }.reduce(0) { $0 + $1 * $1 }
            XCTAssertEqual(n, 1, accuracy: 1e-5)
        }
        // an image equal to a class's text feature is classified as that class
        XCTAssertEqual(a.accuracy(imageFeatures: a.classFeatures, labels: [0, 1, 2]), 1)
    }
}
