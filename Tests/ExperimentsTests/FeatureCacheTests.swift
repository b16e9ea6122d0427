import XCTest
@testable import Experiments

final class FeatureCacheTests: XCTestCase {}

// MARK: - Encode once, reuse, recover
extension FeatureCacheTests {
    func testEncodesOnceAndReusesAcrossCacheInstances() throws {
        let tmp = TempFolder()
        let urls = (0..<3).map { tmp.write("img\($0).png", TinyPNG.solid(UInt8($0), 5, 7)) }
        let encoder = FakeImageEncoder()
        let cache = FeatureCache(folder: tmp.url.appendingPathComponent("features"))
        var reports: [[Int]] = []
        let first = cache.features(for: urls, view: 0, encoder: encoder) { reports.append([$0, $1]) }
        XCTAssertEqual(reports, [[3, 3]])
        XCTAssertEqual(encoder.encodeCalls, 3)
        XCTAssertTrue(first.warnings.isEmpty)
        let again = FeatureCache(folder: tmp.url.appendingPathComponent("features")).features(for: urls, view: 0, encoder: encoder)
        XCTAssertEqual(encoder.encodeCalls, 3)
        XCTAssertEqual(again.features, first.features)
        // Another view and another model are other keys.
        _ = cache.features(for: urls, view: 1, encoder: encoder)
        XCTAssertEqual(encoder.encodeCalls, 6)
        _ = cache.features(for: urls, view: 0, encoder: FakeImageEncoder(model: "other"))
        XCTAssertEqual(cache.misses, 9)
    }

    func testChangedImageContentIsANewKey() throws {
        let tmp = TempFolder()
        let url = tmp.write("a.png", TinyPNG.solid(1, 1, 1))
        let encoder = FakeImageEncoder()
        let cache = FeatureCache(folder: tmp.url.appendingPathComponent("f"))
        let before = cache.features(for: [url], view: 0, encoder: encoder).features[0]
        tmp.write("a.png", TinyPNG.solid(2, 2, 2, size: 5))
        let after = cache.features(for: [url], view: 0, encoder: encoder).features[0]
        XCTAssertEqual(encoder.encodeCalls, 2)
        XCTAssertNotEqual(before, after)
    }

    func testCorruptEntryIsRecomputedNotTrusted() throws {
        let tmp = TempFolder()
        let url = tmp.write("a.png", TinyPNG.solid(3, 1, 4))
        let encoder = FakeImageEncoder()
        let cache = FeatureCache(folder: tmp.url.appendingPathComponent("f"))
        let good = cache.features(for: [url], view: 0, encoder: encoder).features[0]
        let entry = cache.entryURL(model: encoder.modelFingerprint, file: cache.fileFingerprint(url)!, view: 0,
                                   preprocessing: encoder.preprocessing)
        var bytes = try Data(contentsOf: entry)
        bytes[bytes.count - 1] ^= 0xFF      // flip payload bits: checksum mismatch
        try bytes.write(to: entry)
        XCTAssertEqual(cache.features(for: [url], view: 0, encoder: encoder).features[0], good)
        XCTAssertEqual(encoder.encodeCalls, 2)
        try Data(bytes.prefix(10)).write(to: entry)   // truncated
        XCTAssertEqual(cache.features(for: [url], view: 0, encoder: encoder).features[0], good)
        XCTAssertEqual(cache.corrupt, 2)
        XCTAssertEqual(encoder.encodeCalls, 3)
    }

    func testCorruptAndMissingImagesAreSkippedWithWarningsNamingThem() throws {
        let tmp = TempFolder()
        let ok = tmp.write("ok.png", TinyPNG.solid(1, 2, 3))
        let broken = tmp.write("broken.png", Data("definitely not a png".utf8))
        var truncatedBytes = TinyPNG.solid(4, 5, 6)
        truncatedBytes = truncatedBytes.prefix(truncatedBytes.count - 9)
        let truncated = tmp.write("truncated.png", truncatedBytes)
        let missing = tmp.url.appendingPathComponent("gone.png")
        let result = FeatureCache(folder: tmp.url.appendingPathComponent("f"))
            .features(for: [ok, broken, missing, truncated], view: 0, encoder: FakeImageEncoder())
        XCTAssertNotNil(result.features[0])
        XCTAssertNil(result.features[1]); XCTAssertNil(result.features[2]); XCTAssertNil(result.features[3])
        XCTAssertEqual(result.warnings.count, 3)
        XCTAssertTrue(result.warnings.contains { $0.contains("broken.png") && $0.contains("unreadable") })
        XCTAssertTrue(result.warnings.contains { $0.contains("gone.png") && $0.contains("not found") })
        XCTAssertTrue(result.warnings.contains { $0.contains("truncated.png") })
    }

    func testTwoWritersOfOneKeyLeaveAValidEntry() throws {
        let tmp = TempFolder()
        let urls = (0..<40).map { tmp.write("i\($0).png", TinyPNG.solid(UInt8($0), 0, 0)) }
        let folder = tmp.url.appendingPathComponent("f")
        let encoder = FakeImageEncoder()
        let expected = FeatureCache(folder: tmp.url.appendingPathComponent("reference")).features(for: urls, view: 0, encoder: encoder).features
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            _ = FeatureCache(folder: folder).features(for: urls, view: 0, encoder: encoder)
        }
        let reread = FeatureCache(folder: folder)
        XCTAssertEqual(reread.features(for: urls, view: 0, encoder: encoder).features, expected)
        XCTAssertEqual(reread.corrupt, 0)
        XCTAssertEqual(reread.hits, 40)
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }
}
