import XCTest
@testable import Experiments

final class FewShotSplitTests: XCTestCase {}

// MARK: - CoOp's few-shot flow (against CPython: CPythonRandomFixtureTests)
extension FewShotSplitTests {
    func testSameSeedSameItemsDifferentSeedDifferentItems() {
        let items = (0..<60).map { DatasetItem(path: "i\($0).png", label: $0 % 3, className: "c\($0 % 3)") }
        let d = Dataset(name: "D", imageRoot: URL(fileURLWithPath: "/"), train: items, val: [], test: [])
        XCTAssertEqual(FewShotSplit.make(d, shots: 4, seed: 1), FewShotSplit.make(d, shots: 4, seed: 1))
        XCTAssertNotEqual(FewShotSplit.make(d, shots: 4, seed: 1).train, FewShotSplit.make(d, shots: 4, seed: 2).train)
        XCTAssertEqual(FewShotSplit.make(d, shots: 4, seed: 1).train.count, 12)
    }

    func testImageNetValIsTestAndIsNotSampled() {
        let test = (0..<10).map { DatasetItem(path: "v\($0)", label: $0 % 2, className: "c") }
        let train = (0..<10).map { DatasetItem(path: "t\($0)", label: $0 % 2, className: "c") }
        let d = Dataset(name: "ImageNet", imageRoot: URL(fileURLWithPath: "/"), train: train, val: test, test: test)
        let split = FewShotSplit.make(d, shots: 2, seed: 1)
        XCTAssertEqual(split.val, test)
        // Only train draws from the generator: same train as sampling train alone.
        var rng = PythonRandom(seed: 1)
        XCTAssertEqual(split.train, sampleFewShot(train, shots: 2, rng: &rng))
    }
}

// MARK: - Base / new
extension FewShotSplitTests {
    func testBaseNewSplitSortedCeilHalfRelabelled() {
        let items = [7, 3, 9, 1, 5].map { DatasetItem(path: "p\($0)", label: $0, className: "n\($0)") }
        let base = subsampleClasses([items], .base)[0], new = subsampleClasses([items], .new)[0]
        // sorted labels 1,3,5,7,9 → base 1,3,5 (ceil(5/2) = 3) relabelled 0,1,2; new 7,9 → 0,1.
        XCTAssertEqual(base.map(\.className), ["n3", "n1", "n5"])
        XCTAssertEqual(base.map(\.label), [1, 0, 2])
        XCTAssertEqual(new.map(\.className), ["n7", "n9"])
        XCTAssertEqual(new.map(\.label), [0, 1])
        XCTAssertTrue(Set(base.map(\.path)).isDisjoint(with: new.map(\.path)))
        XCTAssertEqual(subsampleClasses([items], .all)[0], items)
    }

    func testSubsampleUsesTheFirstListsLabelsForAllLists() {
        let train = [0, 1, 2, 3].map { DatasetItem(path: "tr\($0)", label: $0, className: "c\($0)") }
        let test = [0, 1, 2, 3, 3].map { DatasetItem(path: "te\($0)", label: $0, className: "c\($0)") }
        let out = subsampleClasses([train, test], .new)
        XCTAssertEqual(out[1].map(\.label), [0, 1, 1])
    }

    func testSplitCacheWritesOnceAndReadsBack() throws {
        let tmp = TempFolder()
        let items = (0..<20).map { DatasetItem(path: "i\($0)", label: $0 % 4, className: "c\($0 % 4)") }
        let d = Dataset(name: "My Set", imageRoot: tmp.url, train: items, val: items, test: items)
        let cache = SplitCache(folder: tmp.url.appendingPathComponent("splits"))
        let first = try cache.split(for: d, shots: 2, seed: 3)
        let file = tmp.url.appendingPathComponent("splits/My_Set-\(d.fingerprint)/shot_2-seed_3.json")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.path))
        let second = try SplitCache(folder: tmp.url.appendingPathComponent("splits")).split(for: d, shots: 2, seed: 3)
        XCTAssertEqual(first, second)
        XCTAssertEqual(first, FewShotSplit.make(d, shots: 2, seed: 3))
    }
}
