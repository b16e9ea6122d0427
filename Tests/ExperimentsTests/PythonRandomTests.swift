import XCTest
@testable import Experiments

final class PythonRandomTests: XCTestCase {}

/// Tests/Fixtures/fewshot/fewshot.json, made by make_fewshot_fixtures.py with CPython.
struct FewShotFixture: Decodable {
    struct Stream: Decodable {
        var seed: Int; var uint32: [UInt32]; var bits45: UInt64; var bits64: UInt64; var bits7: [UInt64]
        var random: [Double]; var randbelow: [Int]
    }
    struct Sample: Decodable { var seed: Int; var n: Int; var k: Int; var first: [Int]; var second: [Int] }
    struct Choices: Decodable { var seed: Int; var n: Int; var k: Int; var result: [Int] }
    struct Shuffle: Decodable { var seed: Int; var n: Int; var result: [Int] }
    struct Case: Decodable { var seed: Int; var shots: Int; var train: [String]; var val: [String] }
    struct Flow: Decodable { var train: [[StringOrInt]]; var val: [[StringOrInt]]; var cases: [Case] }
    enum StringOrInt: Decodable {
        case s(String), i(Int)
        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let i = try? c.decode(Int.self) { self = .i(i) } else { self = .s(try c.decode(String.self)) }
        }
    }
    var streams: [Stream]; var samples: [Sample]; var choices: Choices; var shuffle: Shuffle; var fewshot: Flow

    static func load() throws -> FewShotFixture {
        let url = fixturesFolder.appendingPathComponent("fewshot/fewshot.json")
        return try JSONDecoder().decode(FewShotFixture.self, from: try Data(contentsOf: url))
    }

    static func items(_ rows: [[StringOrInt]]) -> [DatasetItem] {
        rows.map { row in
            guard case .s(let path) = row[0], case .i(let label) = row[1] else { fatalError("bad fixture row") }
            return DatasetItem(path: path, label: label, className: "class\(label)")
        }
    }
}

// MARK: - Mersenne Twister against CPython
extension PythonRandomTests {
    func testSeedingAndStreamsMatchCPython() throws {
        let fixture = try FewShotFixture.load()
        XCTAssertEqual(fixture.streams.count, 8)
        for s in fixture.streams {
            var r = PythonRandom(seed: s.seed)
            XCTAssertEqual((0..<5).map { _ in r.nextUInt32() }, s.uint32, "seed \(s.seed)")
            XCTAssertEqual(r.getrandbits(45), s.bits45, "seed \(s.seed)")
            XCTAssertEqual(r.getrandbits(64), s.bits64, "seed \(s.seed)")
            XCTAssertEqual((0..<3).map { _ in r.getrandbits(7) }, s.bits7, "seed \(s.seed)")
            XCTAssertEqual((0..<3).map { _ in r.random() }, s.random, "seed \(s.seed)")
            XCTAssertEqual([1, 2, 3, 10, 1000, 2_147_483_659].map { r.randbelow($0) }, s.randbelow, "seed \(s.seed)")
        }
    }

    func testKnownFirstOutputOfSeedZero() {
        // CPython: random.Random(0).getrandbits(32) == 3626764237
        var r = PythonRandom(seed: 0)
        XCTAssertEqual(r.nextUInt32(), 3_626_764_237)
    }

    func testSampleBothBranchesMatchCPython() throws {
        let fixture = try FewShotFixture.load()
        for s in fixture.samples {
            var r = PythonRandom(seed: s.seed)
            XCTAssertEqual(r.sampleIndices(s.n, s.k), s.first, "sample(range(\(s.n)), \(s.k)) seed \(s.seed)")
            XCTAssertEqual(r.sampleIndices(s.n, s.k), s.second, "second sample, seed \(s.seed)")
        }
        // Both branches are exercised: n = 84, k = 6 is the pool (setsize 85), n = 86 the set.
        XCTAssertTrue(fixture.samples.contains { $0.n == 84 && $0.k == 6 })
        XCTAssertTrue(fixture.samples.contains { $0.n == 86 && $0.k == 6 })
    }

    func testChoicesAndShuffleMatchCPython() throws {
        let fixture = try FewShotFixture.load()
        var r = PythonRandom(seed: fixture.choices.seed)
        XCTAssertEqual(r.choices(Array(0..<fixture.choices.n), k: fixture.choices.k), fixture.choices.result)
        var s = PythonRandom(seed: fixture.shuffle.seed)
        var x = Array(0..<fixture.shuffle.n)
        s.shuffle(&x)
        XCTAssertEqual(x, fixture.shuffle.result)
    }

    func testNegativeSeedIsItsAbsoluteValue() {
        var a = PythonRandom(seed: -42), b = PythonRandom(seed: 42)
        XCTAssertEqual(a.nextUInt32(), b.nextUInt32())
    }
}
