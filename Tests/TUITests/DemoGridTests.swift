// The demo grid plays its runs through the runner interface in order, and cancels.
import XCTest
@testable import TUI
import Engine
import Experiments

final class DemoGridTests: XCTestCase {}

final class EventLog: @unchecked Sendable {
    let lock = NSLock()
    var events: [RunEvent] = []
    func add(_ e: RunEvent) { lock.lock(); events.append(e); lock.unlock() }
    var all: [RunEvent] { lock.lock(); defer { lock.unlock() }; return events }
}

// MARK: - Playing
extension DemoGridTests {
    func testPlaysEveryRunAndEveryEpochThenFinishes() {
        var c = fixtureChoices(); c.training["epochs"] = .int(3)
        let grid = DemoGrid(epochDelay: 0.001)
        let log = EventLog()
        let done = expectation(description: "grid finished")
        try! grid.start(c) { e in log.add(e); if case .gridFinished = e { done.fulfill() } }
        wait(for: [done], timeout: 5)
        let events = log.all
        XCTAssertEqual(events.filter { if case .queued = $0 { return true }; return false }.count, 6)
        XCTAssertEqual(events.filter { if case .finished = $0 { return true }; return false }.count, 6)
        // 4 trained runs × 3 epochs.
        let epochs = events.compactMap { e -> EpochMetrics? in if case .epochFinished(_, let m) = e { return m }; return nil }
        XCTAssertEqual(epochs.count, 12)
        XCTAssertTrue(epochs.allSatisfy { $0.epochs == 3 && $0.newAccuracy != nil })
        var state = AppState(width: 80, height: 24, experiments: [c], source: "demo")
        send(&state, keys("s") + events.map { .engine($0) })
        XCTAssertFalse(state.gridActive)
        XCTAssertEqual(state.results.flatMap(\.rows).count, 3)
        XCTAssertEqual(state.progress.done, 6)
    }

    func testCancelAllStopsTheGridPromptly() {
        var c = fixtureChoices(); c.training["epochs"] = .int(1000)
        let grid = DemoGrid(epochDelay: 0.01)
        let log = EventLog()
        try! grid.start(c) { log.add($0) }
        Thread.sleep(forTimeInterval: 0.05)
        let t0 = Date()
        grid.cancelAll()
        XCTAssertLessThan(Date().timeIntervalSince(t0), 1)
        let events = log.all
        XCTAssertTrue(events.contains { if case .cancelled = $0 { return true }; return false })
        XCTAssertEqual(events.last, .gridFinished(failed: 0))
    }

    func testCancellingOneRunLetsTheOthersFinish() {
        var c = fixtureChoices(); c.training["epochs"] = .int(5)
        let grid = DemoGrid(epochDelay: 0.005)
        let log = EventLog()
        let done = expectation(description: "grid finished")
        try! grid.start(c) { e in log.add(e); if case .gridFinished = e { done.fulfill() } }
        grid.cancel(run: RunID(dataset: "shapes", shots: 4, kind: .coop, seed: 2,
                               specHash: String(format: "%08x", demoHash("shapes", 4, "coop", 2) & 0xffff_ffff)))
        wait(for: [done], timeout: 5)
        let cancelled = log.all.compactMap { e -> RunID? in if case .cancelled(let id) = e { return id }; return nil }
        XCTAssertEqual(cancelled.map(\.description), ["shapes/4-shot/coop/seed2"])
        XCTAssertEqual(log.all.filter { if case .finished = $0 { return true }; return false }.count, 5)
    }
}
