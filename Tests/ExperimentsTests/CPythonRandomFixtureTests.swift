import XCTest
@testable import Experiments

final class CPythonRandomFixtureTests: XCTestCase {}

/// Tests/Fixtures/random/cpython_random.json (scripts/fixtures/make_random.py, CPython 3.11.7).
struct CPythonRandomFixture: Decodable {
    /// A getrandbits value; nil when it does not fit in 64 bits (k = 100).
    struct Bits: Decodable {
        var value: UInt64?
        init(from decoder: Decoder) throws { value = try? decoder.singleValueContainer().decode(UInt64.self) }
    }
    struct Sample: Decodable { var n: Int; var k: Int; var result: [Int] }
    struct Sequence: Decodable {
        var results: [Step]
        enum Step: Decodable {
            case list([Int]), int(Int), double(Double)
            init(from decoder: Decoder) throws {
                let c = try decoder.singleValueContainer()
                if let l = try? c.decode([Int].self) { self = .list(l) } else if let i = try? c.decode(Int.self) { self = .int(i) }
                else { self = .double(try c.decode(Double.self)) }
            }
        }
    }
    struct Seed: Decodable {
        var seed: Int; var getrandbits32: [UInt32]; var random: [Double]; var randrange: [String: [Int]]
        var getrandbits: [String: [Bits]]; var sample: [Sample]; var choices: [Int]; var shuffle: [Int]
        var sequence: Sequence
    }
    struct Item: Decodable {
        var path: String; var label: Int; var className: String
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            path = try c.decode(String.self); label = try c.decode(Int.self); className = try c.decode(String.self)
        }
    }
    struct Labelled: Decodable {
        var path: String; var label: Int
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            path = try c.decode(String.self); label = try c.decode(Int.self)
        }
    }
    struct Subset: Decodable { var train: [Labelled]; var val: [Labelled] }
    struct Case: Decodable { var seed: Int; var shots: Int; var train: [String]; var val: [String]; var base: Subset; var new: Subset }
    struct FewShot: Decodable {
        var train_items: [Item]; var val_items: [Item]; var first_appearance_order: [Int]; var cases: [Case]
    }
    var seeds: [Seed]
    var fewshot: FewShot

    static func load() throws -> CPythonRandomFixture {
        let url = fixturesFolder.appendingPathComponent("random/cpython_random.json")
        return try JSONDecoder().decode(CPythonRandomFixture.self, from: try Data(contentsOf: url))
    }
}

// MARK: - Generator
extension CPythonRandomFixtureTests {
    func testStreamsRandrangeAndGetrandbits() throws {
        let fixture = try CPythonRandomFixture.load()
        XCTAssertEqual(fixture.seeds.count, 8)
        for s in fixture.seeds {
            var r = PythonRandom(seed: s.seed)
            XCTAssertEqual((0..<8).map { _ in r.nextUInt32() }, s.getrandbits32, "seed \(s.seed)")
            r = PythonRandom(seed: s.seed)
            XCTAssertEqual((0..<8).map { _ in r.random() }, s.random, "seed \(s.seed)")
            for (n, expected) in s.randrange {
                var g = PythonRandom(seed: s.seed)
                XCTAssertEqual((0..<6).map { _ in g.randbelow(Int(n)!) }, expected, "randrange(\(n)) seed \(s.seed)")
            }
            var checked = 0
            for (k, values) in s.getrandbits where Int(k)! <= 64 {
                var g = PythonRandom(seed: s.seed)
                XCTAssertEqual(values.map { _ in g.getrandbits(Int(k)!) }, values.map { $0.value! }, "getrandbits(\(k)) seed \(s.seed)")
                checked += 1
            }
            XCTAssertEqual(checked, 6)
        }
    }

    func testSampleOnBothSidesOfCPythonsSetsizeSwitch() throws {
        let fixture = try CPythonRandomFixture.load()
        for s in fixture.seeds {
            for case_ in s.sample {
                var g = PythonRandom(seed: s.seed)
                XCTAssertEqual(g.sampleIndices(case_.n, case_.k), case_.result, "sample(range(\(case_.n)), \(case_.k)) seed \(s.seed)")
            }
            // One seeding, several calls: the state carries over.
            var g = PythonRandom(seed: s.seed)
            let got: [CPythonRandomFixture.Sequence.Step] = [.list(g.sampleIndices(30, 4)), .int(g.randbelow(1000)),
                                                             .list(g.sampleIndices(200, 7)), .double(g.random())]
            for (a, b) in zip(got, s.sequence.results) {
                switch (a, b) {
                case (.list(let x), .list(let y)): XCTAssertEqual(x, y)
                case (.int(let x), .int(let y)): XCTAssertEqual(x, y)
                case (.double(let x), .double(let y)): XCTAssertEqual(x, y)
                default: XCTFail("sequence step kinds differ for seed \(s.seed)")
                }
            }
        }
    }
}

// MARK: - choices, shuffle, seeding
extension CPythonRandomFixtureTests {
    func testChoicesAndShuffleMatchCPython() throws {
        for s in try CPythonRandomFixture.load().seeds {
            var r = PythonRandom(seed: s.seed)
            XCTAssertEqual(r.choices(Array(0..<7), k: 12), s.choices, "choices seed \(s.seed)")
            var g = PythonRandom(seed: s.seed)
            var x = Array(0..<15)
            g.shuffle(&x)
            XCTAssertEqual(x, s.shuffle, "shuffle seed \(s.seed)")
        }
    }

    func testKnownFirstOutputOfSeedZero() {
        // CPython: random.Random(0).getrandbits(32) == 3626764237
        var r = PythonRandom(seed: 0)
        XCTAssertEqual(r.nextUInt32(), 3_626_764_237)
    }

    func testNegativeSeedIsItsAbsoluteValue() {
        var a = PythonRandom(seed: -42), b = PythonRandom(seed: 42)
        XCTAssertEqual(a.nextUInt32(), b.nextUInt32())
    }
}

// MARK: - CoOp's few-shot flow and base/new split
extension CPythonRandomFixtureTests {
    func testFewShotAndBaseNewCasesMatchCPython() throws {
        let fixture = try CPythonRandomFixture.load()
        let toItem = { (i: CPythonRandomFixture.Item) in DatasetItem(path: i.path, label: i.label, className: i.className) }
        let train = fixture.fewshot.train_items.map(toItem), val = fixture.fewshot.val_items.map(toItem)
        let dataset = Dataset(name: "Synthetic", imageRoot: URL(fileURLWithPath: "/"), train: train, val: val, test: [])
        XCTAssertEqual(fixture.fewshot.cases.count, 15)
        for c in fixture.fewshot.cases {
            let split = FewShotSplit.make(dataset, shots: c.shots, seed: c.seed)
            XCTAssertEqual(split.train.map(\.path), c.train, "train \(c.shots)-shot seed \(c.seed)")
            XCTAssertEqual(split.val.map(\.path), c.val, "val \(c.shots)-shot seed \(c.seed)")
            for (mode, expected) in [(Subsample.base, c.base), (.new, c.new)] {
                let kept = subsampleClasses([split.train, split.val], mode)
                XCTAssertEqual(kept[0].map(\.path), expected.train.map(\.path), "\(mode) train seed \(c.seed)")
                XCTAssertEqual(kept[0].map(\.label), expected.train.map(\.label), "\(mode) train labels seed \(c.seed)")
                XCTAssertEqual(kept[1].map(\.path), expected.val.map(\.path), "\(mode) val seed \(c.seed)")
                XCTAssertEqual(kept[1].map(\.label), expected.val.map(\.label), "\(mode) val labels seed \(c.seed)")
            }
        }
    }
}
