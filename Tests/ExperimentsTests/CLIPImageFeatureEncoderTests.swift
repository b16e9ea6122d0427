import Engine
import XCTest
@testable import Experiments

final class CLIPImageFeatureEncoderTests: XCTestCase {}

/// A tiny random CLIP (image 16 px, patch 8) for encoder tests.
func tinyCLIP() -> CLIPModel {
    var config = CLIPConfig()
    config.projectionDim = 8
    config.text.hiddenSize = 16; config.text.intermediateSize = 32; config.text.numHiddenLayers = 1
    config.text.numAttentionHeads = 2; config.text.vocabSize = 64; config.text.maxPositionEmbeddings = 16
    config.text.bosTokenId = 62; config.text.eosTokenId = 63
    config.vision.hiddenSize = 16; config.vision.intermediateSize = 32; config.vision.numHiddenLayers = 1
    config.vision.numAttentionHeads = 2; config.vision.imageSize = 16; config.vision.patchSize = 8
    return CLIPModel.random(config: config, seed: 7)
}

// MARK: - Real encoder
extension CLIPImageFeatureEncoderTests {
    func testBatchedEqualsSingleViewsAreDeterministicAndCorruptFilesFail() throws {
        let tmp = TempFolder()
        let a = tmp.write("a.png", TinyPNG.encode(width: 20, height: 24) { x, y in (UInt8(x * 10), UInt8(y * 9), 77) })
        let b = tmp.write("b.png", TinyPNG.solid(200, 30, 90, size: 18))
        let bad = tmp.write("bad.png", Data("nope".utf8))
        let encoder = CLIPImageFeatureEncoder(model: tinyCLIP(), fingerprint: "tiny")
        XCTAssertEqual(encoder.dimension, 8)
        let batch = encoder.encode(imagesAt: [a, bad, b], view: 0)
        let fa = try batch[0].get(), fb = try batch[2].get()
        XCTAssertThrowsError(try batch[1].get())
        XCTAssertEqual(fa.count, 8)
        let single = try encoder.encode(imageAt: a, view: 0)
        for (x, y) in zip(fa, single) { XCTAssertEqual(x, y, accuracy: 1e-5) }
        XCTAssertNotEqual(fa, fb)
        // Augmented views: deterministic per (content, view), different from the center crop and from each other.
        let v1 = try encoder.encode(imageAt: a, view: 1), v1again = try encoder.encode(imageAt: a, view: 1)
        let v2 = try encoder.encode(imageAt: a, view: 2)
        XCTAssertEqual(v1, v1again)
        XCTAssertNotEqual(v1, v2)
        XCTAssertNotEqual(v1, single)
    }

    func testThroughTheFeatureCache() throws {
        let tmp = TempFolder()
        let urls = (0..<3).map { tmp.write("i\($0).png", TinyPNG.solid(UInt8(60 * $0), 10, 10, size: 16)) }
        let encoder = CLIPImageFeatureEncoder(model: tinyCLIP(), fingerprint: "tiny")
        let cache = FeatureCache(folder: tmp.url.appendingPathComponent("f"))
        let first = cache.features(for: urls, view: 0, encoder: encoder)
        let second = cache.features(for: urls, view: 0, encoder: encoder)
        XCTAssertEqual(first.features, second.features)
        XCTAssertEqual(cache.misses, 3); XCTAssertEqual(cache.hits, 3)
    }
}
