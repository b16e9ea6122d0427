import XCTest
import Engine
@testable import Experiments

final class EngineRunExecutorTests: XCTestCase {}

/// The grid world of RunnerTests with fixture model C (CLIP's real vocabulary, tiny towers) as its model.
private func world(epochs: Int = 2) throws -> GridWorld {
    let w = GridWorld(methods: #"[{"method": "zeroshot"}, {"method": "coop", "ctxInit": "random", "nCtx": 4}, {"method": "prograd", "nCtx": 8}]"#,
                      datasets: ["Alpha"], seeds: "[1]", epochs: epochs)
    try FileManager.default.createSymbolicLink(at: w.tmp.url.appendingPathComponent("model"),
                                               withDestinationURL: fixturesFolder.appendingPathComponent("prompt/modelC"))
    return w
}

private func runGrid(_ w: GridWorld, into folder: URL, cancelAfterEpochs: Int? = nil) throws -> [RunEvent] {
    let store = try ResultsStore(folder: folder)
    let runner = Runner(runs: try w.runs(), executor: EngineRunExecutor(), store: store)
    let events = EventLog()
    runner.addListener { e in
        events.append(e)
        if case .epochFinished = e, let n = cancelAfterEpochs,
           events.all.filter({ if case .epochFinished = $0 { return true }; return false }).count == n { runner.cancel() }
    }
    runner.runSynchronously()
    return events.all
}

// MARK: - Runs on the engine
extension EngineRunExecutorTests {
    func testZeroShotCoOpAndProGradRunEndToEndAndSavePrompts() throws {
        let w = try world()
        let events = try runGrid(w, into: w.results)
        let finished = events.compactMap { e -> (RunID, FinalMetrics)? in if case .finished(let id, let f) = e { return (id, f) }; return nil }
        XCTAssertEqual(finished.map(\.0.label), ["zeroshot", "coop", "prograd"], "\(events)")
        for (_, f) in finished {
            XCTAssertTrue((0...1).contains(f.baseAccuracy)); XCTAssertNotNil(f.newAccuracy)
        }
        let epochs = events.compactMap { e -> (RunID, EpochMetrics)? in if case .epochFinished(let id, let m) = e { return (id, m) }; return nil }
        XCTAssertEqual(epochs.count, 4)
        for (id, m) in epochs {
            XCTAssertNotNil(m.newAccuracy)
            XCTAssertEqual(m.conflictRate != nil, id.label == "prograd")
            XCTAssertEqual(m.lr, m.epoch == 1 ? 1e-5 : 0.002, accuracy: 1e-12)
        }
        for id in finished.map(\.0) where id.label != "zeroshot" {
            let p = try LearnedPrompt.load(from: w.results.appendingPathComponent("prompts/\(id.specHash).safetensors"))
            XCTAssertEqual(p.classNames, ["thing 0", "thing 1"])   // base classes, as the loader names them
            XCTAssertEqual(p.info["method"], id.label)
        }
    }

    func testInterruptedRunResumesToTheSameNumbers() throws {
        let w = try world(epochs: 3)
        let straight = w.tmp.url.appendingPathComponent("straight"), broken = w.tmp.url.appendingPathComponent("broken")
        _ = try runGrid(w, into: straight)
        _ = try runGrid(w, into: broken, cancelAfterEpochs: 2)
        let resumed = try runGrid(w, into: broken)
        XCTAssertTrue(resumed.contains { if case .started(_, let from) = $0 { return from > 0 }; return false }, "\(resumed)")
        let a = try ResultsStore(folder: straight), b = try ResultsStore(folder: broken)
        for r in try w.runs() {
            XCTAssertEqual(try a.finalMetrics(for: r.specHash)?.baseAccuracy, try b.finalMetrics(for: r.specHash)?.baseAccuracy)
            XCTAssertEqual(try a.epochs(for: r.specHash).map(\.lossCE), try b.epochs(for: r.specHash).map(\.lossCE))
            // epoch 3 ran after the restart: equal losses, cosines and accuracies need ctx, momentum and data order back
            XCTAssertEqual(try a.epochs(for: r.specHash), try b.epochs(for: r.specHash).map { m -> EpochMetrics in
                var m = m; m.seconds = try! a.epochs(for: r.specHash)[m.epoch - 1].seconds; return m })
        }
    }
}
