// The loop's effects reach the runner, the exporter and the catalog, and their results come back as messages.
import XCTest
@testable import TUI
import Experiments

final class LoopTests: XCTestCase {}

struct FakeCatalog: ExperimentCatalog {
    var source: String { "fake.json" }
    let saved = Box<[SetupChoices]>([])
    func loadAll() throws -> [SetupChoices] { [fixtureChoices()] }
    func save(_ choices: SetupChoices) throws -> String { saved.value.append(choices); return "fake.json" }
}

final class Box<T> { var value: T; init(_ v: T) { value = v } }

// MARK: - Effects
extension LoopTests {
    func testStartRunsTheGridAndEventsComeBackThroughTheQueue() {
        let runner = RecordingRunner()
        let loop = Loop(catalog: FakeCatalog(), runner: runner, exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        XCTAssertTrue(loop.handle(.key(.char("s"))))
        XCTAssertEqual(runner.started, [fixtureChoices()])
        runner.post?(.queued(runID("coop")))
        runner.post?(.started(runID("coop"), resumedFromEpoch: 0))
        runner.post?(.epochFinished(runID("coop"), epoch(1, base: 0.7, new: 0.6)))
        for m in loop.queue.drain() { _ = loop.handle(m) }
        XCTAssertEqual(loop.state.runs[runID("coop")]?.epochs.count, 1)
        XCTAssertFalse(loop.handle(.key(.char("z"))), "an unbound key changes nothing")
    }

    func testRunnerThatCannotStartReportsIt() {
        let runner = RecordingRunner(); runner.failWith = "no model at ./model"
        let loop = Loop(catalog: FakeCatalog(), runner: runner, exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        _ = loop.handle(.key(.char("s")))
        for m in loop.queue.drain() { _ = loop.handle(m) }
        XCTAssertFalse(loop.state.gridActive)
        XCTAssertEqual(loop.state.status, "could not start: no model at ./model")
    }

    func testExportGoesThroughThePassedExporterWithTheTable() {
        let seen = Box<[(ExportRequest, Int)]>([])
        let exporter = ClosureExporter { req, tables in seen.value.append((req, tables.reduce(0) { $0 + $1.rows.count })); return "wrote \(req.path)" }
        let loop = Loop(catalog: FakeCatalog(), runner: RecordingRunner(), exporter: exporter,
                        experiments: [fixtureChoices()], environment: [:])
        loop.state = finishedState()
        _ = loop.handle(.key(.char("e")))
        _ = loop.handle(.key(.enter))
        for m in loop.queue.drain() { _ = loop.handle(m) }
        XCTAssertEqual(seen.value.count, 1)
        XCTAssertEqual(seen.value[0].0, ExportRequest(format: .csv, path: "results-bench.csv", experiment: "bench"))
        XCTAssertEqual(seen.value[0].1, 3)
        XCTAssertEqual(loop.state.status, "wrote results-bench.csv")
    }

    func testQuitWithActiveRunsCancelsThemAll() {
        let runner = RecordingRunner()
        let loop = Loop(catalog: FakeCatalog(), runner: runner, exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        _ = loop.handle(.key(.char("s")))
        _ = loop.handle(.key(.char("q")))
        XCTAssertEqual(runner.cancelledAll, 0)
        _ = loop.handle(.key(.char("y")))
        XCTAssertEqual(runner.cancelledAll, 1)
        XCTAssertTrue(loop.state.shouldQuit)
    }

    func testSaveWritesThroughTheCatalog() {
        let catalog = FakeCatalog()
        let loop = Loop(catalog: catalog, runner: RecordingRunner(), exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        _ = loop.handle(.key(.char("w")))
        for m in loop.queue.drain() { _ = loop.handle(m) }
        XCTAssertEqual(catalog.saved.value, [fixtureChoices()])
        XCTAssertEqual(loop.state.status, "saved bench to fake.json")
    }
}

// MARK: - Output capture
extension LoopTests {
    func testPrintsAndStderrGoToTheLogWhileCaptured() throws {
        let queue = MessageQueue()
        let capture = try XCTUnwrap(OutputCapture(queue: queue))
        print("epoch 3: loss 1.25")
        FileHandle.standardError.write(Data("warning: skipped a.png\n".utf8))
        capture.stop()
        var lines: [String] = []
        for _ in 0..<100 where lines.count < 2 {
            Thread.sleep(forTimeInterval: 0.005)
            lines += queue.drain().compactMap { if case .outputLine(let l) = $0 { return l }; return nil }
        }
        XCTAssertEqual(lines.sorted(), ["epoch 3: loss 1.25", "warning: skipped a.png"], "stdout is buffered: order may differ")
    }
}
