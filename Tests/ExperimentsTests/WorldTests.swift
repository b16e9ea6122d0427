// The procedural world: determinism, truthful captions, task splits, PNG files and the CoOp split-file layout.
import XCTest
import Foundation
@testable import Engine
@testable import Experiments

final class WorldTests: XCTestCase {}

// MARK: - Determinism

extension WorldTests {
    func testSameSeedGivesSameScenesCaptionsAndPixels() {
        func draw(_ seed: UInt64) -> [(WorldScene, String, WorldImage)] {
            var rng = SplitMix64(seed: seed)
            return (0..<20).map { _ in
                let s = WorldScene.sample(side: 32, rng: &rng)
                return (s, WorldCaptioner.caption(s, rng: &rng), WorldRenderer.render(s))
            }
        }
        let a = draw(5), b = draw(5), c = draw(6)
        XCTAssertEqual(a.map(\.0), b.map(\.0))
        XCTAssertEqual(a.map(\.1), b.map(\.1))
        XCTAssertEqual(a.map(\.2), b.map(\.2))
        XCTAssertNotEqual(a.map(\.2), c.map(\.2))
        XCTAssertEqual(WorldTask.shapes.examples(split: .test, worldSeed: 1, perClass: 2).map(\.scene),
                       WorldTask.shapes.examples(split: .test, worldSeed: 1, perClass: 2).map(\.scene))
    }

    func testExamplesDoNotDependOnHowManyAreDrawn() {
        let few = WorldTask.patterns.examples(split: .train, worldSeed: 3, perClass: 2)
        let many = WorldTask.patterns.examples(split: .train, worldSeed: 3, perClass: 5)
        XCTAssertEqual(few[0].scene, many[0].scene)
        XCTAssertEqual(few[2].scene, many[5].scene)    // class 1, index 0
        XCTAssertNotEqual(WorldTask.patterns.examples(split: .test, worldSeed: 3, perClass: 1)[0].scene, few[0].scene)
    }
}

// MARK: - Drawing and captions

extension WorldTests {
    func testObjectIsDrawnWithItsColourOnItsBackground() {
        var rng = SplitMix64(seed: 9)
        let s = WorldScene.sample(side: 32, constraints: SceneConstraints(shape: .square, color: .red, pattern: .solid,
                                                                          size: .large, count: 1, background: .white), rng: &rng)
        let img = WorldRenderer.render(s)
        func px(_ x: Int, _ y: Int) -> [Int] { (0..<3).map { Int(img.pixels[3 * (y * 32 + x) + $0]) } }
        let o = s.objects[0]
        let centre = px(Int(o.centerX), Int(o.centerY))
        XCTAssertGreaterThan(centre[0], 170); XCTAssertLessThan(centre[1], 80); XCTAssertLessThan(centre[2], 80)
        XCTAssertTrue(px(0, 0).allSatisfy { $0 > 215 }, "corner shows the white background")
    }

    func testCaptionsOnlyStateTrueAttributes() {
        var rng = SplitMix64(seed: 11)
        let shapeWords = Dictionary(uniqueKeysWithValues: WorldShape.allCases.flatMap { [($0.rawValue, $0), ($0.plural, $0)] })
        var mentionedShape = 0, sawDescriptive = false
        for _ in 0..<400 {
            let s = WorldScene.sample(side: 32, rng: &rng)
            let c = WorldCaptioner.caption(s, rng: &rng)
            let words = c.replacingOccurrences(of: ".", with: " ").split(separator: " ").map(String.init)
            if c.contains(". it is") || c.contains(". they are") { sawDescriptive = true }
            for (i, w) in words.enumerated() {
                if let shape = shapeWords[w] { XCTAssertEqual(shape, s.shape, c); mentionedShape += 1 }
                if let color = WorldColor(rawValue: w) {
                    let isBackground = c.contains("\(w) background") || (c.contains("background is \(w)") && i == words.count - 1)
                    XCTAssertEqual(color, isBackground ? s.background : s.color, c)
                }
                if let p = WorldPattern(rawValue: w) { XCTAssertEqual(p, s.pattern, c) }
                if let z = WorldSize(rawValue: w) { XCTAssertEqual(z, s.size, c) }
                if let n = worldCountWords.firstIndex(of: w) { XCTAssertEqual(n, s.count, c) }
            }
            if let p = s.placement, c.contains(p.phrase) || c.contains(p.alternativePhrase) { continue }
            for p in WorldPlacement.allCases { XCTAssertFalse(c.contains(p.phrase) || c.contains(p.alternativePhrase), c) }
        }
        XCTAssertGreaterThan(mentionedShape, 250)
        XCTAssertTrue(sawDescriptive)
    }

    func testCaptionsVary() {
        var rng = SplitMix64(seed: 2)
        let s = WorldScene.sample(side: 32, rng: &rng)
        let captions = Set((0..<50).map { _ in WorldCaptioner.caption(s, rng: &rng) })
        XCTAssertGreaterThan(captions.count, 25)
    }
}

// MARK: - Tasks

extension WorldTests {
    func testDefaultTasksHaveTenToFiftyDistinctClassesAndStandardHalves() {
        XCTAssertGreaterThanOrEqual(WorldTask.defaults.count, 4)
        for t in WorldTask.defaults {
            XCTAssertTrue((10...50).contains(t.classes.count), t.name)
            XCTAssertEqual(Set(t.classes.map(\.name)).count, t.classes.count, t.name)
            XCTAssertEqual(t.baseLabels.count, (t.classes.count + 1) / 2)
            XCTAssertEqual(t.baseLabels.count + t.newLabels.count, t.classes.count)
            XCTAssertGreaterThanOrEqual(t.trainPerClass, 16, "16-shot runs need 16 training images per class")
            let ex = t.examples(split: .val, worldSeed: 1)
            XCTAssertEqual(ex.count, t.valPerClass * t.classes.count)
            for e in ex {
                let c = t.classes[e.label].constraints
                if let shape = c.shape { XCTAssertEqual(e.scene.shape, shape) }
                if let color = c.color { XCTAssertEqual(e.scene.color, color) }
                if let pattern = c.pattern { XCTAssertEqual(e.scene.pattern, pattern) }
                if let size = c.size { XCTAssertEqual(e.scene.size, size) }
            }
        }
    }
}

// MARK: - Files

extension WorldTests {
    func testPNGEncoderChecksums() {
        XCTAssertEqual(PNGEncoder.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(PNGEncoder.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        // A payload over 65 535 bytes spans two stored blocks, the last one flagged final.
        let data = [UInt8](repeating: 7, count: 70_000)
        let z = PNGEncoder.zlibStored(data)
        XCTAssertEqual(z.count, 2 + 5 + 65_535 + 5 + (70_000 - 65_535) + 4)
        XCTAssertEqual(z[2], 0)
        XCTAssertEqual(z[2 + 5 + 65_535], 1)
    }

    func testWrittenTaskFollowsCoOpSplitLayout() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("world-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var task = WorldTask.patterns
        task.trainPerClass = 2; task.valPerClass = 1; task.testPerClass = 1
        XCTAssertTrue(try EmbeddedWorld.ensureTasks(at: dir, tasks: [task], seed: 4))
        XCTAssertFalse(try EmbeddedWorld.ensureTasks(at: dir, tasks: [task], seed: 4), "an up-to-date folder is kept")
        let url = dir.appendingPathComponent("WorldPatterns/split_zhou_WorldPatterns.json")
        let split = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: [[Any]]]
        XCTAssertEqual(Set(split.keys), ["train", "val", "test"])
        XCTAssertEqual(split["train"]!.count, 20)
        XCTAssertEqual(split["test"]!.count, 10)
        for entry in split["train"]! + split["val"]! + split["test"]! {
            let rel = entry[0] as! String, label = entry[1] as! Int, name = entry[2] as! String
            XCTAssertEqual(task.classes[label].name, name)
            let png = try Data(contentsOf: dir.appendingPathComponent("WorldPatterns/images").appendingPathComponent(rel))
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("world.json"))) as! [String: Any]
        XCTAssertEqual((manifest["tasks"] as! [[String: Any]])[0]["template"] as? String, "a photo of a {}.")
    }

    func testWrittenTaskLoadsThroughTheDatasetLoader() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("world-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        var task = WorldTask.polygons
        task.trainPerClass = 3; task.valPerClass = 1; task.testPerClass = 2
        try EmbeddedWorld.writeTasks(to: dir, tasks: [task], seed: 8)
        let dataset = try DatasetLoader.load(DatasetSource(name: task.name, root: "WorldPolygons"), relativeTo: dir)
        XCTAssertEqual(dataset.classNames, task.classes.map(\.name))
        XCTAssertEqual(dataset.train.count, 36)
        XCTAssertEqual(dataset.val.count, 12)
        XCTAssertEqual(dataset.test.count, 24)
        for item in dataset.train + dataset.test {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dataset.url(of: item).path), item.path)
        }
        let oneShot = FewShotSplit.make(dataset, shots: 1, seed: 1)
        XCTAssertEqual(oneShot.train.count, 12)
    }

    func testTaskPNGDecodesToTheModelInput() throws {
        // The written file, decoded and preprocessed as any dataset image, gives the pixels pretraining renders.
        var rng = SplitMix64(seed: 21)
        let img = WorldRenderer.render(WorldScene.sample(side: 32, rng: &rng))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("world-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try PNGEncoder.encode(width: 32, height: 32, rgb: img.pixels).write(to: url)
        let decoded = try ImageDecoder.decode(url: url)
        XCTAssertEqual(decoded.width, 32)
        XCTAssertEqual(decoded.pixels, img.pixels)
        let input = CLIPPreprocessor(size: 32)(decoded), direct = img.normalizedCHW()
        XCTAssertEqual(input.count, direct.count)
        XCTAssertLessThan(zip(input, direct).map { abs($0 - $1) }.max()!, 1e-5)
    }

    func testPNGStoresTheRenderedPixels() throws {
        // Parse the single stored block back out of the IDAT chunk and compare with the rendered pixels.
        var rng = SplitMix64(seed: 1)
        let img = WorldRenderer.render(WorldScene.sample(side: 32, rng: &rng))
        let png = [UInt8](PNGEncoder.encode(width: 32, height: 32, rgb: img.pixels))
        var at = 8
        var idat: [UInt8] = []
        while at < png.count {
            let len = Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3])
            let type = String(decoding: png[(at + 4)..<(at + 8)], as: UTF8.self)
            let body = Array(png[(at + 8)..<(at + 8 + len)])
            let crc = UInt32(png[at + 8 + len]) << 24 | UInt32(png[at + 9 + len]) << 16 | UInt32(png[at + 10 + len]) << 8 | UInt32(png[at + 11 + len])
            XCTAssertEqual(crc, PNGEncoder.crc32(Array(png[(at + 4)..<(at + 8 + len)])), type)
            if type == "IDAT" { idat = body }
            at += 12 + len
        }
        let raw = Array(idat[7..<(idat.count - 4)])
        XCTAssertEqual(raw.count, 32 * (1 + 96))
        var pixels: [UInt8] = []
        for y in 0..<32 { XCTAssertEqual(raw[y * 97], 0); pixels += raw[(y * 97 + 1)..<((y + 1) * 97)] }
        XCTAssertEqual(pixels, img.pixels)
    }
}
