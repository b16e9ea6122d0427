import XCTest
@testable import Experiments

final class ResultsStoreTests: XCTestCase {}

// MARK: - Transactions and concurrent readers
extension ResultsStoreTests {
    func testConcurrentReadersSeeConsistentStateWhileTheRunnerWrites() throws {
        let world = GridWorld(methods: #"[{"method": "coop"}, {"method": "prograd"}]"#, datasets: ["Alpha"], seeds: "[1, 2]", epochs: 8)
        let clock = ManualClock()
        let executor = ScriptedExecutor(clock: clock)
        let store = try ResultsStore(folder: world.results)
        let runner = Runner(runs: try world.runs(), executor: executor, store: store, clock: clock)
        let state = ReaderState()
        // A second connection (as another process would open) reads in a loop while the runner writes.
        let reader = Thread {
            do {
                let readOnly = try ResultsStore(folder: world.results, readOnly: true)
                while true {
                    let done = state.isFinished
                    let records = try readOnly.records()
                    // Each run's epochs are 1…n without gaps: a transaction is seen whole or not at all.
                    for r in records where r.epochs.map(\.epoch) != Array(0..<r.epochs.count).map({ $0 + 1 }) {
                        state.fail("gap in \(r.id)")
                    }
                    state.observe(records.reduce(0) { $0 + $1.epochs.count })
                    if done { break }
                }
            } catch { state.fail(String(describing: error)) }
        }
        executor.duringEpoch = { _, _ in
            // Also read through another connection from the runner's thread, mid-epoch.
            do { _ = try ResultsStore(folder: world.results, readOnly: true).records() } catch {
                state.fail("read on the runner's thread: \(error)")
            }
            Thread.sleep(forTimeInterval: 0.001)
        }
        reader.start()
        runner.runSynchronously()
        state.finish()
        while !reader.isFinished { Thread.sleep(forTimeInterval: 0.005) }
        XCTAssertEqual(state.errors, [])
        XCTAssertGreaterThan(state.counts.count, 1)
        XCTAssertEqual(state.counts, state.counts.sorted())   // never goes backwards
        XCTAssertEqual(state.counts.last, 32)
        XCTAssertEqual(try store.records().reduce(0) { $0 + $1.epochs.count }, 32)
    }

    func testDatabaseIsInWALModeAndEpochAndCheckpointAreWrittenTogether() throws {
        let tmp = TempFolder()
        let store = try ResultsStore(folder: tmp.url)
        let world = GridWorld(methods: #"[{"method": "coop"}]"#, datasets: ["Alpha"], seeds: "[1]", epochs: 2)
        let run = try world.runs()[0]
        try store.beginRun(run, position: 0, modelFingerprint: "m", datasetFingerprint: "d", warnings: ["w1"], resumedFrom: 0, at: 1)
        let m = EpochMetrics(epoch: 1, epochs: 2, lossCE: 1, lr: 0.002, baseAccuracy: 0.5, newAccuracy: 0.25, seconds: 1)
        try store.recordEpoch(run.specHash, m, checkpoint: RunCheckpoint(epoch: 1, state: Data([1, 2, 3])))
        XCTAssertEqual(try store.epochs(for: run.specHash), [m])
        XCTAssertEqual(try store.checkpoint(for: run.specHash), RunCheckpoint(epoch: 1, state: Data([1, 2, 3])))
        XCTAssertEqual(try store.status(of: run.specHash), .running)
        XCTAssertTrue(FileManager.default.fileExists(atPath: store.url.path + "-wal"))
        // Resuming from epoch 0 (no checkpoint) discards stale epochs.
        try store.beginRun(run, position: 0, modelFingerprint: "m", datasetFingerprint: "d", warnings: [], resumedFrom: 0, at: 2)
        XCTAssertEqual(try store.epochs(for: run.specHash), [])
        XCTAssertNil(try store.checkpoint(for: run.specHash))
    }
}

/// What the concurrent reader saw.
final class ReaderState: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private(set) var errors: [String] = []
    private(set) var counts: [Int] = []
    var isFinished: Bool { lock.lock(); defer { lock.unlock() }; return finished }
    func finish() { lock.lock(); finished = true; lock.unlock() }
    func fail(_ message: String) { lock.lock(); errors.append(message); lock.unlock() }
    func observe(_ count: Int) { lock.lock(); counts.append(count); lock.unlock() }
}
