// The learned byte-level BPE vocabulary follows CLIP's layout and splits the corpus words into single tokens.
import XCTest
@testable import Engine

final class BPETrainerTests: XCTestCase {}


// MARK: - Layout

extension BPETrainerTests {
    func testByteSymbolsFollowCLIPBytesToUnicode() {
        XCTAssertEqual(BPETrainer.byteSymbols.count, 256)
        XCTAssertEqual(Set(BPETrainer.byteSymbols).count, 256)
        XCTAssertEqual(BPETrainer.byteSymbols[0], "!")
        XCTAssertEqual(BPETrainer.byteSymbols[93], "~")
        XCTAssertEqual(BPETrainer.byteEncoded(" "), "\u{120}")   // space → Ġ
        XCTAssertEqual(BPETrainer.byteEncoded("é"), "Ã©")
    }

    func testPretokenizeFollowsCLIPPattern() {
        XCTAssertEqual(BPETrainer.pretokenize("A  Photo of 12 red-stars, it's <|endoftext|>"),
                       ["a", "photo", "of", "1", "2", "red", "-", "stars", ",", "it", "'s", "<|endoftext|>"])
    }

    func testVocabularyLayoutAndFiles() throws {
        let texts = Array(repeating: "a red circle. two blue stars on a white background", count: 5)
        let v = BPETrainer.train(texts: texts, vocabularySize: 4000)
        XCTAssertEqual(Array(v.tokens.prefix(256)), BPETrainer.byteSymbols)
        XCTAssertEqual(v.tokens[256], "!</w>")
        XCTAssertEqual(v.tokens[v.startOfTextId], "<|startoftext|>")
        XCTAssertEqual(v.tokens[v.endOfTextId], "<|endoftext|>")
        XCTAssertEqual(v.endOfTextId, v.count - 1)
        XCTAssertEqual(Set(v.tokens).count, v.count, "token strings are unique")
        let merges = v.mergesText().split(separator: "\n")
        XCTAssertEqual(merges.first, "#version: 0.2")
        XCTAssertEqual(merges.count - 1, v.merges.count)
        let vocab = try JSONSerialization.jsonObject(with: v.vocabJSON()) as! [String: Int]
        XCTAssertEqual(vocab.count, v.count)
        XCTAssertEqual(vocab["<|endoftext|>"], v.count - 1)
        XCTAssertEqual(vocab["background</w>"].map { v.tokens[$0] }, "background</w>")
    }
}

// MARK: - Learning

extension BPETrainerTests {
    func testFrequentWordsBecomeSingleTokensAndTrainingIsDeterministic() {
        let texts = ["a small striped red triangle on the left.", "two blue stars", "a dotted green ring on a white background",
                     "three red triangles", "a photo of a striped shape."]
        let v = BPETrainer.train(texts: texts + texts, vocabularySize: 2000)
        XCTAssertEqual(v, BPETrainer.train(texts: texts + texts, vocabularySize: 2000))
        for word in ["striped", "triangle", "triangles", "background", "a", "."] {
            XCTAssertEqual(v.encode(word).map { v.tokens[$0] }, [BPETrainer.byteEncoded(word) + "</w>"], word)
        }
        XCTAssertEqual(v.encode("Two blue stars.").map { v.tokens[$0] }, ["two</w>", "blue</w>", "stars</w>", ".</w>"])
        // An unseen word still encodes, in byte pieces.
        let pieces = v.encode("zebra")
        XCTAssertGreaterThan(pieces.count, 1)
        XCTAssertEqual(pieces.map { v.tokens[$0] }.joined(), "zebra</w>")
    }

    func testVocabularySizeIsACap() {
        let texts = Array(repeating: "a small striped red triangle on the left", count: 3)
        let v = BPETrainer.train(texts: texts, vocabularySize: 520)
        XCTAssertEqual(v.count, 520)
        XCTAssertEqual(v.merges.count, 6)
    }
}

// MARK: - Compatibility

extension BPETrainerTests {
    func testCLIPTokenizerLoadsTheLearnedFilesAndAgreesOnIds() throws {
        let texts = ["a photo of a small striped red triangle on the left.", "two blue stars", "Three CHECKERED rings",
                     "a dotted green ring on a white background", "a heart. it is pink and wavy."]
        let v = BPETrainer.train(texts: texts + texts, vocabularySize: 2000)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bpe-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try v.write(to: dir)
        XCTAssertEqual(try BPEVocabulary.read(from: dir), v)
        let tokenizer = try CLIPTokenizer(directory: dir)
        XCTAssertEqual(tokenizer.sotToken, v.startOfTextId)
        XCTAssertEqual(tokenizer.eotToken, v.count - 1)
        XCTAssertEqual(tokenizer.vocabulary.count, v.count)
        for text in texts + ["an unseen zebra, 42 times!"] {
            XCTAssertEqual(tokenizer.encode(text), v.encode(text), text)
        }
        let ids = try tokenizer.tokenize("two blue stars", contextLength: 40)
        XCTAssertEqual(ids.map { v.tokens[$0] }, ["<|startoftext|>", "two</w>", "blue</w>", "stars</w>", "<|endoftext|>"])
        XCTAssertEqual(ids.firstIndex(of: ids.max()!), ids.count - 1, "EOT is the argmax id")
    }
}

