// The TUI on the real experiments code: experiments.json ↔ setup choices, the runner behind the grid (with a
// scripted executor), cancelling one run, and exporting through `prograd export`'s table code.
import XCTest
@testable import TUI
import Engine
import Experiments

final class SpecWiringTests: XCTestCase {}

/// A temporary experiments.json over one tiny split-file dataset (4 classes; 2 train, 1 val, 1 test per class);
/// the dataset's files are written only when `images` (the runner needs them, the catalog does not).
final class SpecWorld {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prograd-tui-\(UUID().uuidString)")
    var file: URL { folder.appendingPathComponent("experiments.json") }

    init(epochs: Int = 3, images: Bool = false) {
        if images { writeDataset() }
        write("experiments.json", Data("""
        {"experiments": [{"name": "grid", "model": "model", "datasets": [{"name": "Alpha", "root": "data/Alpha"}],
          "protocol": "base-to-new", "shots": [1], "seeds": [1, 2], "epochs": \(epochs), "output": "results",
          "methods": [{"method": "zeroshot"}, {"method": "coop"}, {"method": "prograd", "lambda": 0.8}]},
         {"name": "other", "model": "model", "datasets": [{"name": "Alpha", "root": "data/Alpha"}], "shots": [1],
          "seeds": [1], "methods": [{"method": "coop", "label": "coop-random", "ctxInit": "random"}]}]}
        """.utf8))
    }

    func writeDataset() {
        var split: [String: [[Any]]] = ["train": [], "val": [], "test": []]
        for c in 0..<4 {
            for (kind, count) in [("train", 2), ("val", 1), ("test", 1)] {
                for i in 0..<count {
                    let path = "class\(c)/\(kind)\(i).img"
                    split[kind]!.append([path, c, "thing_\(c)"])
                    write("data/Alpha/images/\(path)", Data("image \(c) \(kind) \(i)".utf8))
                }
            }
        }
        write("data/Alpha/split_zhou_Alpha.json", try! JSONSerialization.data(withJSONObject: split))
    }

    func write(_ path: String, _ data: Data) {
        let url = folder.appendingPathComponent(path)
        try! FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! data.write(to: url)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }
}

/// Features from the file's bytes.
final class BytesEncoder: ImageFeatureEncoder, @unchecked Sendable {
    let modelFingerprint = "bytes-model", preprocessing = "bytes-v1", dimension = 4
    func encode(imageAt url: URL, view: Int) throws -> [Float] {
        let data = try Data(contentsOf: url)
        return (0..<4).map { i in Float(data.reduce(UInt32(i + view), { $0 &* 31 &+ UInt32($1) }) % 1000) / 1000 }
    }
}

/// Trains nothing: reports `epochs` epochs (polling cancellation before each), then fixed accuracies.
final class PacedExecutor: RunExecutor, @unchecked Sendable {
    let encoder = BytesEncoder()
    func imageEncoder(model: URL) throws -> ImageFeatureEncoder { encoder }
    func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                 epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void, isCancelled: () -> Bool) throws -> FinalMetrics {
        let epochs = run.identity.training.epochs
        let prograd = run.identity.method.kind == .prograd
        if epochs > 0 {
            for e in ((resume?.epoch ?? 0) + 1)...epochs {
                if isCancelled() { throw RunCancelled() }
                Thread.sleep(forTimeInterval: 0.005)
                try epochFinished(EpochMetrics(epoch: e, epochs: epochs, lossCE: 1, lr: 0.002, baseAccuracy: 0.5 + 0.1 * Double(e),
                                               newAccuracy: 0.5, conflictRate: prograd ? 0.25 : nil,
                                               meanCosine: prograd ? 0.1 : nil, seconds: 0.005),
                                  RunCheckpoint(epoch: e, state: Data([UInt8(e)])))
            }
        }
        return FinalMetrics(baseAccuracy: epochs == 0 ? 0.6 : 0.5 + 0.1 * Double(epochs), newAccuracy: prograd ? 0.7 : 0.5,
                            seconds: 0.01)
    }
}

// MARK: - experiments.json ↔ choices
extension SpecWiringTests {
    func testChoicesFromTheFile() throws {
        let world = SpecWorld()
        let all = try SpecCatalog(url: world.file).loadAll()
        XCTAssertEqual(all.map(\.name), ["grid", "other"])
        let c = all[0]
        XCTAssertEqual(c.datasets, [Toggle("Alpha")])
        XCTAssertEqual(c.shots.filter(\.on).map(\.value), [1])
        XCTAssertEqual(c.shots.map(\.value), [1, 2, 4, 8, 16])
        XCTAssertEqual(c.seeds.map(\.value), [1, 2, 3])
        XCTAssertEqual(c.methods.filter(\.on).map(\.label), ["zeroshot", "coop", "prograd"])
        XCTAssertEqual(c.method("prograd")?.settings["lambda"], .double(0.8))
        XCTAssertEqual(c.method("prograd")?.settings["nCtx"], .int(16), "the declaration's default is filled in")
        XCTAssertEqual(c.method("coop")?.settings["lambda"], nil, "CoOp has no λ")
        XCTAssertEqual(c.training["epochs"], .int(3))
        XCTAssertEqual(c.plannedRuns.count, 6)
        XCTAssertTrue(c.estimateIsGuess)
        XCTAssertTrue(c.estimateIsUnknown)
        XCTAssertEqual(c.estimateText, "time known after the first epochs", "no timings: no made-up number")
        var partly = c
        partly.secondsPerEpoch = ["coop": 2]
        XCTAssertFalse(partly.estimateIsUnknown)
        XCTAssertTrue(partly.estimateText.hasSuffix("(partly a guess)"), partly.estimateText)
        XCTAssertEqual(all[1].methods.map(\.label), ["coop-random", "zeroshot", "coop", "prograd"])
        XCTAssertEqual(all[1].methods.map(\.on), [true, false, false, false])
        XCTAssertEqual(all[1].method("coop-random")?.settings["ctxInit"], .text("random"))
        XCTAssertEqual(all[1].method("coop-random")?.kind, .coop)
    }

    func testOnlyChangedSettingsOverrideTheMethods() throws {
        let world = SpecWorld()
        let catalog = SpecCatalog(url: world.file)
        var c = try catalog.loadAll()[0]
        c.methods[2].settings["nCtx"] = .int(4)      // ProGrad's n_ctx only
        c.seeds[1].on = false
        c.methods[0].on = false
        let spec = try catalog.spec(for: c)
        XCTAssertEqual(spec.seeds, [1])
        XCTAssertEqual(spec.methods.map(\.kind), [.coop, .prograd])
        XCTAssertEqual(spec.methods.map { $0["nCtx"] }, [nil, .int(4)], "editing one method's field changes that method")
        XCTAssertEqual(spec.methods[1]["lambda"], .double(0.8), "λ was not edited: the file's value stays")
        XCTAssertNil(spec.methods[0]["lambda"])
    }

    func testSaveWritesTheChoicesBackAndLeavesOtherExperiments() throws {
        let world = SpecWorld()
        let catalog = SpecCatalog(url: world.file)
        var c = try catalog.loadAll()[0]
        c.shots[2].on = true            // 4-shot
        c.methods[2].settings["temperature"] = .double(2)
        XCTAssertEqual(try catalog.save(c), world.file.path)
        let reloaded = try SpecCatalog(url: world.file).loadAll()
        XCTAssertEqual(reloaded[0].shots.filter(\.on).map(\.value), [1, 4])
        XCTAssertEqual(reloaded[0].method("prograd")?.settings["temperature"], .double(2))
        XCTAssertEqual(reloaded[1].methods.first?.label, "coop-random")
        let file = try SpecDecoder.load(world.file)
        XCTAssertEqual(file.experiments[0].methods[2]["temperature"], .double(2))
    }
}

// MARK: - The runner behind the grid
extension SpecWiringTests {
    func testGridRunsCancellingOneRunLetsTheRestFinishAndExportUsesTheStore() throws {
        let world = SpecWorld(epochs: 4, images: true)
        let catalog = SpecCatalog(url: world.file)
        let choices = try catalog.loadAll()[0]
        let runner = SpecGridRunner(catalog: catalog, makeExecutor: { PacedExecutor() })
        let log = EventLog()
        let done = expectation(description: "grid finished")
        try runner.start(choices) { event in
            log.add(event)
            // Cancel CoOp seed 1 after its second epoch, from the runner's own thread.
            if case .epochFinished(let id, let m) = event, id.label == "coop", id.seed == 1, m.epoch == 2 {
                runner.cancel(run: id)
            }
            if case .gridFinished = event { done.fulfill() }
        }
        wait(for: [done], timeout: 20)
        var state = AppState(width: 120, height: 40, experiments: [choices], source: "experiments.json")
        send(&state, keys("s") + log.all.map { .engine($0) })
        let coop1 = state.runs.values.first { $0.id.label == "coop" && $0.id.seed == 1 }!
        XCTAssertEqual(coop1.status, .cancelled)
        XCTAssertEqual(coop1.epochs.map(\.epoch), [1, 2])
        XCTAssertEqual(state.runs.values.filter { $0.status == .done }.count, 5)
        XCTAssertEqual(log.all.last, .gridFinished(failed: 0))
        XCTAssertEqual(state.status, "grid finished: 6 runs")
        let output = try catalog.spec(for: choices).expand(relativeTo: catalog.baseFolder)[0].output
        let stored = try ResultsStore(folder: URL(fileURLWithPath: output), readOnly: true).records()
        XCTAssertEqual(stored.first { $0.id == coop1.id }?.status, .cancelled, "stored as cancelled, not failed")
        let out = world.folder.appendingPathComponent("table.md").path
        let message = try StoreExporter(catalog: catalog).export(ExportRequest(format: .md, path: out, experiment: "grid"),
                                                                  tables: state.results)
        XCTAssertTrue(message.hasPrefix("wrote \(out) (md,"))
        let table = try String(contentsOfFile: out, encoding: .utf8)
        XCTAssertTrue(table.contains("prograd"), table)
        XCTAssertTrue(table.contains("Alpha"), table)
    }

    func testCancelAllStopsTheGridAndReturns() throws {
        let world = SpecWorld(epochs: 200, images: true)
        let catalog = SpecCatalog(url: world.file)
        let runner = SpecGridRunner(catalog: catalog, makeExecutor: { PacedExecutor() })
        let log = EventLog()
        let started = expectation(description: "an epoch arrived")
        started.assertForOverFulfill = false
        try runner.start(try catalog.loadAll()[0]) { e in
            log.add(e)
            if case .epochFinished = e { started.fulfill() }
        }
        wait(for: [started], timeout: 20)
        runner.cancelAll()
        XCTAssertTrue(log.all.contains { if case .cancelled = $0 { return true }; return false })
        XCTAssertTrue(log.all.contains { if case .gridFinished = $0 { return true }; return false })
    }

    func testAGridThatCannotStartSaysWhy() throws {
        let world = SpecWorld()
        let catalog = SpecCatalog(url: world.file)
        let runner = SpecGridRunner(catalog: catalog, makeExecutor: { throw TUIError("no trainer backend") })
        XCTAssertThrowsError(try runner.start(try catalog.loadAll()[0]) { _ in }) { error in
            XCTAssertEqual("\(error)", "no trainer backend")
        }
    }
}
