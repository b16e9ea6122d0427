import XCTest
@testable import Experiments

final class RunnerTests: XCTestCase {}

/// Two small split-file datasets (4 classes; 5 train, 2 val, 3 test images per class) with one corrupt test image
/// in Alpha and one missing test image in Beta, and a base-to-new grid over them.
final class GridWorld {
    let tmp = TempFolder()
    var results: URL { tmp.url.appendingPathComponent("results") }

    init(methods: String = #"[{"method": "zeroshot"}, {"method": "coop"}, {"method": "prograd"}]"#,
         datasets: [String] = ["Alpha", "Beta"], seeds: String = "[1, 2]", epochs: Int = 3, protocolName: String = "base-to-new") {
        for (d, name) in ["Alpha", "Beta", "Gamma"].enumerated() {
            var split: [String: [[Any]]] = ["train": [], "val": [], "test": []]
            for c in 0..<4 {
                for (kind, count) in [("train", 5), ("val", 2), ("test", 3)] {
                    for i in 0..<count {
                        let path = "class\(c)/\(kind)\(i).png"
                        split[kind]!.append([path, c, "thing_\(c)"])
                        tmp.write("data/\(name)/images/\(path)", TinyPNG.solid(UInt8(40 * d + c), UInt8(i), kind == "test" ? 9 : 1))
                    }
                }
            }
            tmp.write("data/\(name)/split_zhou_\(name).json", try! JSONSerialization.data(withJSONObject: split))
        }
        tmp.write("data/Alpha/images/class3/test2.png", Data("corrupt".utf8))
        try? FileManager.default.removeItem(at: tmp.url.appendingPathComponent("data/Beta/images/class0/test1.png"))
        let datasetList = datasets.map { #"{"name": "\#($0)", "root": "data/\#($0)"}"# }.joined(separator: ", ")
        tmp.write("experiments.json", text: """
        {"experiments": [{"name": "grid", "model": "model", "datasets": [\(datasetList)], "protocol": "\(protocolName)",
          "shots": [2], "seeds": \(seeds), "epochs": \(epochs), "methods": \(methods)}]}
        """)
    }

    func runs() throws -> [ResolvedRun] {
        try SpecDecoder.load(tmp.url.appendingPathComponent("experiments.json")).experiments[0].expand(relativeTo: tmp.url)
    }

    /// Runs the grid into `folder` synchronously; returns the events.
    @discardableResult
    func run(_ executor: ScriptedExecutor, into folder: URL? = nil, clock: ManualClock,
             configure: (Runner) -> Void = { _ in }) throws -> [RunEvent] {
        let store = try ResultsStore(folder: folder ?? results)
        let runner = Runner(runs: try runs(), executor: executor, store: store, clock: clock)
        let events = EventLog()
        runner.addListener { events.append($0) }
        configure(runner)
        runner.runSynchronously()
        return events.all
    }
}

final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [RunEvent] = []
    private(set) var threads: Set<String> = []
    func append(_ e: RunEvent) {
        lock.lock(); events.append(e); threads.insert(Thread.isMainThread ? "main" : "background"); lock.unlock()
    }
    var all: [RunEvent] { lock.lock(); defer { lock.unlock() }; return events }
}

/// Everything an export shows, for comparing two result folders.
func tableText(_ folder: URL) throws -> String {
    let records = try ResultsStore(folder: folder, readOnly: true).records()
    return TableFormatter.csv(ResultTable.build(from: records)) + CurveExport(records: records).csv()
}

// MARK: - A whole grid
extension RunnerTests {
    func testGridRunsEveryRunAndStoresEpochsFinalsAndWarnings() throws {
        let world = GridWorld()
        let clock = ManualClock()
        let executor = ScriptedExecutor(clock: clock)
        let events = try world.run(executor, clock: clock)
        let finished = events.filter { if case .finished = $0 { return true }; return false }
        XCTAssertEqual(finished.count, 12)
        XCTAssertEqual(events.last, .gridFinished(failed: 0))
        let records = try ResultsStore(folder: world.results, readOnly: true).records(experiment: "grid")
        XCTAssertEqual(records.count, 12)
        XCTAssertTrue(records.allSatisfy { $0.status == .finished && $0.version == ProGradVersion.current })
        XCTAssertEqual(records.filter { $0.id.label == "coop" }.map { $0.epochs.count }, [3, 3, 3, 3])
        XCTAssertEqual(records.filter { $0.id.label == "zeroshot" }.map { $0.epochs.count }, [0, 0, 0, 0])
        // The corrupt Alpha image and the missing Beta image: skipped, named, counted.
        let alpha = records.first { $0.id.dataset == "Alpha" }!, beta = records.first { $0.id.dataset == "Beta" }!
        XCTAssertEqual(alpha.final?.skippedImages, 1)
        XCTAssertEqual(beta.final?.skippedImages, 1)
        XCTAssertTrue(alpha.warnings.contains { $0.contains("Alpha/images/class3/test2.png") }, "\(alpha.warnings)")
        XCTAssertTrue(beta.warnings.contains { $0.contains("Beta/images/class0/test1.png") && $0.contains("not found") })
        XCTAssertTrue(events.contains { if case .log(.warning, let m) = $0 { return m.contains("test2.png") }; return false })
        XCTAssertFalse(alpha.modelFingerprint.isEmpty); XCTAssertFalse(alpha.datasetFingerprint.isEmpty)
        XCTAssertTrue(alpha.specJSON.contains("\"Alpha\""))
    }

    func testMethodsOfAGroupShareFeaturesAndTheTeacher() throws {
        let world = GridWorld()
        let clock = ManualClock()
        let executor = ScriptedExecutor(clock: clock)
        let features = FeatureCache(folder: world.tmp.url.appendingPathComponent("shared-features"))
        let preparer = TaskPreparer(features: features, splits: SplitCache(folder: world.tmp.url.appendingPathComponent("splits")))
        let runner = Runner(runs: try world.runs(), executor: executor, store: try ResultsStore(folder: world.results),
                            preparer: preparer, clock: clock)
        runner.runSynchronously()
        // One teacher per (dataset, seed) group: 2 × 2.
        XCTAssertEqual(executor.teacherComputations, 4)
        // Every readable image needed by any run was encoded exactly once.
        var needed = Set<String>()
        for name in ["Alpha", "Beta"] {
            let d = try DatasetLoader.load(DatasetSource(name: name, root: world.tmp.url.appendingPathComponent("data/\(name)").path))
            for seed in [1, 2] {
                let split = FewShotSplit.make(d, shots: 2, seed: seed)
                let base = subsampleClasses([split.train, split.val], .base)
                for item in base[0] + base[1] + d.test { needed.insert(d.url(of: item).path) }
            }
        }
        needed.remove(world.tmp.url.appendingPathComponent("data/Alpha/images/class3/test2.png").path)
        needed.remove(world.tmp.url.appendingPathComponent("data/Beta/images/class0/test1.png").path)
        XCTAssertEqual(features.misses, needed.count)
        // Corrupt images are tried once per group (never cached): 2 groups for Alpha.
        XCTAssertEqual(executor.encoder.encodeCalls, needed.count + 2)
    }

    func testFinishedRunsAreSkipped() throws {
        let world = GridWorld()
        let clock = ManualClock()
        try world.run(ScriptedExecutor(clock: clock), clock: clock)
        let second = ScriptedExecutor(clock: clock)
        let events = try world.run(second, clock: clock)
        XCTAssertEqual(second.calls.count, 0)
        XCTAssertEqual(events.filter { if case .skipped = $0 { return true }; return false }.count, 12)
        XCTAssertEqual(events.last, .gridFinished(failed: 0))
    }
}

// MARK: - Resume
extension RunnerTests {
    func testResumeAfterAStopMidGridFinishesOnlyTheRestAndMatchesAnUninterruptedRun() throws {
        let world = GridWorld()
        let clock = ManualClock()
        // Reference: the uninterrupted grid in another folder.
        let reference = world.tmp.url.appendingPathComponent("reference")
        let full = ScriptedExecutor(clock: clock)
        try world.run(full, into: reference, clock: clock)
        XCTAssertEqual(full.epochsRun, 24)

        // First attempt stops after 4 epochs: inside the group's ProGrad run (coop did epochs 1–3).
        let first = ScriptedExecutor(clock: clock)
        first.stopAfterEpochs = 4
        let events = try world.run(first, clock: clock) { runner in first.onStop = { runner.cancel() } }
        XCTAssertEqual(first.epochsRun, 4)
        XCTAssertTrue(events.contains { if case .cancelled = $0 { return true }; return false })

        let second = ScriptedExecutor(clock: clock)
        try world.run(second, clock: clock)
        XCTAssertEqual(first.epochsRun + second.epochsRun, 24)
        XCTAssertFalse(second.calls.contains { $0.run.hasSuffix("coop/seed1") && $0.run.hasPrefix("Alpha") })
        let resumed = second.calls.first { $0.run == "Alpha/2-shot/prograd/seed1" }
        XCTAssertEqual(resumed?.resumedFrom, 1)
        XCTAssertEqual(try tableText(world.results), try tableText(reference))
    }

    func testRunLeftRunningByAKilledProcessResumesFromItsLastEpoch() throws {
        let world = GridWorld(methods: #"[{"method": "coop"}]"#, datasets: ["Alpha"], seeds: "[1]", epochs: 5)
        let clock = ManualClock()
        let reference = world.tmp.url.appendingPathComponent("reference")
        try world.run(ScriptedExecutor(clock: clock), into: reference, clock: clock)
        let first = ScriptedExecutor(clock: clock)
        first.stopAfterEpochs = 3
        try world.run(first, clock: clock) { runner in first.onStop = { runner.cancel() } }
        // What kill -9 leaves behind: status 'running', 3 epochs and their checkpoint.
        let id = try world.runs()[0].specHash
        let store = try ResultsStore(folder: world.results)
        try store.markRun(id, .running)
        XCTAssertEqual(try store.checkpoint(for: id)?.epoch, 3)
        let second = ScriptedExecutor(clock: clock)
        try world.run(second, clock: clock)
        XCTAssertEqual(second.calls.map(\.resumedFrom), [3])
        XCTAssertEqual(second.epochsRun, 2)
        XCTAssertEqual(try tableText(world.results), try tableText(reference))
        XCTAssertNil(try store.checkpoint(for: id))   // dropped once finished
    }

    func testAFailedRunDoesNotStopTheOthers() throws {
        let world = GridWorld()
        let clock = ManualClock()
        let executor = ScriptedExecutor(clock: clock)
        executor.failingMethods = ["coop"]
        let events = try world.run(executor, clock: clock)
        XCTAssertEqual(events.last, .gridFinished(failed: 4))
        XCTAssertEqual(events.filter { if case .finished = $0 { return true }; return false }.count, 8)
        let failed = try ResultsStore(folder: world.results, readOnly: true).records().filter { $0.status == .failed }
        XCTAssertEqual(failed.count, 4)
        XCTAssertTrue(failed[0].message?.contains("scripted failure") ?? false)
    }
}

// MARK: - Events, ETA, threads
extension RunnerTests {
    func testEventOrderAndETAFromTheManualClock() throws {
        let world = GridWorld(methods: #"[{"method": "coop"}, {"method": "prograd"}]"#, datasets: ["Alpha"], seeds: "[1]", epochs: 3)
        let clock = ManualClock()
        let events = try world.run(ScriptedExecutor(clock: clock), clock: clock)
        let runs = try world.runs()
        XCTAssertEqual(Array(events.prefix(3)), [.queued(runs[0].id), .queued(runs[1].id), .progress(GridProgress(done: 0, total: 2))])
        let etas = events.compactMap { e -> Double? in if case .progress(let p) = e { return p.etaSeconds }; return nil }
        // 6 epochs of 10 s: after epoch 1, 50 s remain; after the last, 0.
        XCTAssertEqual(etas.first, 50)
        XCTAssertEqual(etas.last, 0)
        let started = events.firstIndex(of: .started(runs[0].id, resumedFromEpoch: 0))!
        guard case .epochFinished(let id, let m) = events[started + 1] else { return XCTFail("expected an epoch after start") }
        XCTAssertEqual(id, runs[0].id); XCTAssertEqual(m.epoch, 1); XCTAssertEqual(m.epochs, 3)
        XCTAssertEqual(events.last, .gridFinished(failed: 0))
    }

    func testListenersRunOnABackgroundThreadAndCancelStopsTheGrid() throws {
        let world = GridWorld(methods: #"[{"method": "coop"}, {"method": "prograd"}]"#, datasets: ["Alpha"], seeds: "[1]", epochs: 50)
        let clock = ManualClock()
        let executor = ScriptedExecutor(clock: clock)
        let runner = Runner(runs: try world.runs(), executor: executor, store: try ResultsStore(folder: world.results), clock: clock)
        let log1 = EventLog(), log2 = EventLog()
        runner.addListener { log1.append($0) }
        runner.addListener { log2.append($0) }
        executor.stopAfterEpochs = 2
        executor.onStop = { runner.cancel() }
        runner.start()
        XCTAssertEqual(runner.wait(), 0)
        XCTAssertEqual(log1.all, log2.all)
        XCTAssertEqual(log1.threads, ["background"])
        XCTAssertEqual(executor.calls.count, 1)
        XCTAssertTrue(log1.all.contains(.cancelled(try world.runs()[0].id)))
        XCTAssertEqual(try ResultsStore(folder: world.results, readOnly: true).records()[0].status, .cancelled)
    }
}

// MARK: - Cancelling one run
extension RunnerTests {
    func testCancellingOneRunStoresItAsCancelledAndTheGridGoesOn() throws {
        let world = GridWorld(methods: #"[{"method": "coop"}, {"method": "prograd"}]"#, datasets: ["Alpha"], seeds: "[1, 2]", epochs: 4)
        let clock = ManualClock()
        let runs = try world.runs()
        let coop1 = runs.first { $0.id.label == "coop" && $0.id.seed == 1 }!
        let prograd2 = runs.first { $0.id.label == "prograd" && $0.id.seed == 2 }!
        let executor = ScriptedExecutor(clock: clock)
        var runnerRef: Runner?
        executor.stopAfterEpochs = 2           // after coop seed 1's second epoch …
        executor.onStop = { runnerRef?.cancel(run: coop1.specHash) }   // … cancel that run alone
        let events = try world.run(executor, clock: clock) { runner in
            runnerRef = runner
            runner.cancel(run: prograd2.specHash)   // queued: never starts
        }
        XCTAssertTrue(events.contains(.cancelled(coop1.id)))
        XCTAssertTrue(events.contains(.cancelled(prograd2.id)))
        XCTAssertFalse(executor.calls.contains { $0.run == prograd2.id.description })
        XCTAssertEqual(events.filter { if case .finished = $0 { return true }; return false }.count, 2)
        XCTAssertEqual(events.last, .gridFinished(failed: 0))
        XCTAssertEqual(events.compactMap { e -> Int? in if case .progress(let p) = e { return p.done }; return nil }.last, 4)
        let records = try ResultsStore(folder: world.results, readOnly: true).records()
        XCTAssertEqual(records.first { $0.id == coop1.id }?.status, .cancelled)
        XCTAssertEqual(records.filter { $0.status == .finished }.count, 2)

        // Run again: the cancelled run resumes from its last finished epoch, the queued one starts from scratch.
        let again = ScriptedExecutor(clock: clock)
        try world.run(again, clock: clock)
        XCTAssertEqual(again.calls.first { $0.run == coop1.id.description }?.resumedFrom, 2)
        XCTAssertEqual(again.calls.first { $0.run == prograd2.id.description }?.resumedFrom, 0)
        XCTAssertEqual(again.calls.count, 2)
    }
}
