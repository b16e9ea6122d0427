// CLIP BPE tokenizer against reference ids of the real CLIP vocabulary (Tests/Fixtures/tokenizer, made by transformers
// and OpenAI's cleaning) and the class names of the 11 CoOp datasets.
import XCTest
@testable import Engine

final class TokenizerTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tokenizer")
    static let openai = Result { try CLIPTokenizer(directory: fixtures, cleaning: .openai) }
    static let huggingface = Result { try CLIPTokenizer(directory: fixtures, cleaning: .huggingface) }

    struct Case: Decodable {
        var category: String?
        var text: String
        var ids: [Int]
        var ids_openai_clean: [Int]?
        var same: Bool
    }
    struct Cases: Decodable {
        var sot: Int, eot: Int
        var cases: [Case]
        var classnames: [String: [Case]]
    }

    func cases() throws -> Cases {
        try JSONDecoder().decode(Cases.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("tokenizer_cases.json")))
    }
}

// MARK: - Reference ids
extension TokenizerTests {
    func testSpecialTokensAndVocabularySize() throws {
        let t = try Self.openai.get()
        let c = try cases()
        XCTAssertEqual(t.sotToken, c.sot)
        XCTAssertEqual(t.eotToken, c.eot)
        XCTAssertEqual(t.vocabulary.count, 49408)
        XCTAssertEqual(t.eotToken, t.vocabulary.values.max())
    }

    func testHuggingFaceCleaningMatchesTransformersOnEveryCase() throws {
        let t = try Self.huggingface.get()
        for c in try cases().cases {
            XCTAssertEqual(try t.tokenize(c.text), c.ids, "[\(c.category ?? "")] \(c.text.debugDescription)")
        }
    }

    func testOpenAICleaningMatchesSimpleTokenizerOnEveryCase() throws {
        let t = try Self.openai.get()
        var compared = 0
        for c in try cases().cases {
            guard let openaiIds = c.ids_openai_clean else { continue }
            // This cleaning also NFC-normalizes (as ftfy.fix_text does); the fixture's OpenAI path ran without ftfy,
            // so a decomposed accent is compared with transformers' ids, which are NFC-normalized.
            let expected = c.text.precomposedStringWithCanonicalMapping.unicodeScalars.elementsEqual(c.text.unicodeScalars)
                ? openaiIds : c.ids
            XCTAssertEqual(try t.tokenize(c.text), expected, "[\(c.category ?? "")] \(c.text.debugDescription)")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 40)
    }

    func testCleaningPathsDifferWhereTheReferencesDo() throws {
        let o = try Self.openai.get(), h = try Self.huggingface.get()
        // CJK ideographs are spaced by transformers' BasicTokenizer; HTML entities are unescaped by OpenAI's cleaning.
        XCTAssertNotEqual(o.encode("日本語"), h.encode("日本語"))
        XCTAssertEqual(o.encode("fish &amp; chips"), o.encode("fish & chips"))
        XCTAssertEqual(h.encode("zero\u{200B}width"), h.encode("zerowidth"))
    }

    func testClassNamesOfAllElevenCoOpDatasets() throws {
        let o = try Self.openai.get(), h = try Self.huggingface.get()
        let all = try cases().classnames
        XCTAssertEqual(all.count, 11)
        var count = 0
        for (dataset, names) in all {
            for c in names {
                XCTAssertEqual(try h.tokenize(c.text), c.ids, "\(dataset): \(c.text)")
                if c.same { XCTAssertEqual(try o.tokenize(c.text), c.ids, "\(dataset): \(c.text) (OpenAI cleaning)") }
                count += 1
            }
        }
        XCTAssertEqual(count, 1000 + 100 + 37 + 196 + 102 + 101 + 100 + 397 + 47 + 10 + 101)
    }
}

// MARK: - Context length, decoding, HTML
extension TokenizerTests {
    func testTruncationKeepsEOTLastAndStrictModeThrows() throws {
        let t = try Self.openai.get()
        let long = String(repeating: "photo ", count: 100)
        let ids = try t.tokenize(long)
        XCTAssertEqual(ids.count, 77)
        XCTAssertEqual(ids.first, t.sotToken)
        XCTAssertEqual(ids.last, t.eotToken)
        XCTAssertThrowsError(try t.tokenize(long, truncate: false)) {
            XCTAssertTrue("\($0)".contains("longer than the context length 77"))
        }
        XCTAssertEqual(try t.tokenize("a photo", contextLength: 3), [t.sotToken, 320, t.eotToken])
        XCTAssertEqual(try t.tokenize(""), [t.sotToken, t.eotToken])
    }

    func testLowercasingFollowsPythonStrLower() {
        func lower(_ s: String) -> String { String(String.UnicodeScalarView(TextCleaning.lowercase(Array(s.unicodeScalars)))) }
        XCTAssertEqual(lower("ΟΔΟΣ ΣΑΣ Σ"), "οδος σας σ")          // Final_Sigma
        XCTAssertEqual(lower("Σ'Σ."), "σ'ς.")
        XCTAssertEqual(lower("İSTANBUL"), "i\u{307}stanbul")        // full mapping: two scalars
        XCTAssertEqual(lower("ǅ ẞ ÀÉÎ ＡＢＣ"), "ǆ ß àéî ａｂｃ")
    }

    func testSpecialTokensInTextMapToTheirIds() throws {
        let t = try Self.openai.get()
        XCTAssertEqual(t.encode("a <|endoftext|>"), [320, t.eotToken])
        XCTAssertEqual(t.encode("<|startoftext|>dog"), [t.sotToken, 1929])
    }

    func testDecodeInvertsEncode() throws {
        let t = try Self.openai.get()
        XCTAssertEqual(t.decode(t.encode("a photo of a café, 日本 🐶!")), "a photo of a café , 日本 🐶! ")
        XCTAssertEqual(t.decode([t.sotToken, 320, t.eotToken]), "<|startoftext|>a <|endoftext|>")
    }

    func testHTMLUnescapeFollowsPython() {
        func u(_ s: String) -> String { String(String.UnicodeScalarView(HTMLUnescape.unescape(Array(s.unicodeScalars)))) }
        XCTAssertEqual(u("fish &amp; chips &lt;3"), "fish & chips <3")
        XCTAssertEqual(u("&amp"), "&")                    // legacy name without ';'
        XCTAssertEqual(u("&ampx;"), "&x;")                // longest known prefix, rest kept
        XCTAssertEqual(u("&notit;"), "¬it;")
        XCTAssertEqual(u("&#65;&#x42;&#X43"), "ABC")
        XCTAssertEqual(u("&#128;"), "€")                  // windows-1252 replacement
        XCTAssertEqual(u("&#xD800;&#1114112;"), "\u{FFFD}\u{FFFD}")
        XCTAssertEqual(u("&#1;x"), "x")                   // invalid code point dropped
        XCTAssertEqual(u("&unknown; & &#; &#x;"), "&unknown; & &#; &#x;")
        XCTAssertEqual(u("&NotNestedGreaterGreater;"), "\u{2AA2}\u{338}")
    }

    func testVocabularyParserAgreesWithJSONSerialization() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("vocab.json"))
        let fast = try VocabularyParser.parseVocabulary([UInt8](data))
        let reference = try JSONSerialization.jsonObject(with: data) as! [String: Int]
        XCTAssertEqual(fast, reference)
        let escaped = #"{ "a\"b" : 1, "\u00e9\ud83d\ude00\n" :2,"\/": 3 }"#
        XCTAssertEqual(try VocabularyParser.parseVocabulary(Array(escaped.utf8)), ["a\"b": 1, "é😀\n": 2, "/": 3])
        for bad in [#"{"a": 1.5}"#, #"{"a": -1}"#, #"{"a" 1}"#, #"{"a": 1"#, #"{"a": 1} x"#, #"["a"]"#, #"{"\ud800": 1}"#] {
            XCTAssertThrowsError(try VocabularyParser.parseVocabulary(Array(bad.utf8)), bad)
        }
    }

    func testBrokenFilesGiveClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try CLIPTokenizer(directory: dir)) { XCTAssertTrue("\($0)".contains("vocab.json: not found")) }
        try Data("[1]".utf8).write(to: dir.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\n".utf8).write(to: dir.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try CLIPTokenizer(directory: dir)) { XCTAssertTrue("\($0)".contains("vocab.json: is not a JSON object")) }
        try Data(contentsOf: Self.fixtures.appendingPathComponent("vocab.json")).write(to: dir.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\ni n\nthis line is wrong\n".utf8).write(to: dir.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try CLIPTokenizer(directory: dir)) {
            XCTAssertTrue("\($0)".contains("merges.txt: line 3 is not two symbols"), "\($0)")
        }
        try Data("#version: 0.2\nqq zz\n".utf8).write(to: dir.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try CLIPTokenizer(directory: dir)) { XCTAssertTrue("\($0)".contains("vocab.json lacks")) }
    }
}
