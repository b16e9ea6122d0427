// Test helpers: a fixture grid, event builders, a recording fake runner, and snapshot comparison.
import XCTest
@testable import TUI
import Engine
import Experiments

/// A small base-to-new experiment: two datasets, 4 shots, three methods, two seeds.
func fixtureChoices(name: String = "bench") -> SetupChoices {
    SetupChoices(name: name, datasets: [Toggle("shapes"), Toggle("textures", on: false)],
                 shots: [Toggle(1, on: false), Toggle(4)],
                 methods: [MethodChoice(.zeroshot), MethodChoice(.coop, settings: ["nCtx": .int(4)]),
                           MethodChoice(.prograd, settings: ["nCtx": .int(4)])],
                 seeds: [Toggle(1), Toggle(2)], training: ["epochs": .int(10)],
                 secondsPerEpoch: ["coop": 2, "prograd": 3, "zeroshot": 1])
}

/// A run of the method called `method` (a registered kind, or a label of `kind`).
func runID(_ method: String, kind: MethodKind? = nil, seed: Int = 1, dataset: String = "shapes", shots: Int = 4,
           protocol: ExperimentProtocol = .baseToNew) -> RunID {
    RunID(dataset: dataset, shots: shots, kind: kind ?? MethodKind(method), label: method, seed: seed, protocol: `protocol`,
          specHash: "h\(dataset)\(shots)\(method)\(seed)")
}

func epoch(_ e: Int, of n: Int = 10, base: Double, new: Double, conflict: Double? = nil, cosine: Double? = nil) -> EpochMetrics {
    EpochMetrics(epoch: e, epochs: n, lossCE: 1.5 - 0.1 * Double(e), lr: 0.002, baseAccuracy: base, newAccuracy: new,
                 conflictRate: conflict, meanCosine: cosine, seconds: 2)
}

/// Applies messages in order and returns every effect.
@discardableResult
func send(_ state: inout AppState, _ msgs: [Msg]) -> [Effect] { msgs.flatMap { update(&state, $0) } }

func keys(_ s: String) -> [Msg] { s.map { .key(.char($0)) } }

/// A started grid with a few epochs in: zero-shot done, CoOp and ProGrad running (seed 1), seed 2 queued.
func liveState(width: Int, height: Int) -> AppState {
    var s = AppState(width: width, height: height, experiments: [fixtureChoices()], source: "experiments.json")
    send(&s, [.key(.char("s"))])
    let zs = runID("zeroshot"), coop = runID("coop"), pg = runID("prograd")
    var msgs: [Msg] = [zs, coop, pg, runID("zeroshot", seed: 2), runID("coop", seed: 2), runID("prograd", seed: 2)]
        .map { .engine(.queued($0)) }
    msgs += [.engine(.started(zs, resumedFromEpoch: 0)),
             .engine(.finished(zs, FinalMetrics(baseAccuracy: 0.62, newAccuracy: 0.68, seconds: 1))),
             .engine(.started(coop, resumedFromEpoch: 0)), .engine(.started(pg, resumedFromEpoch: 3))]
    for e in 1...6 {
        let t = Double(e) / 10
        msgs.append(.engine(.epochFinished(coop, epoch(e, base: 0.62 + 0.25 * t, new: 0.68 - 0.12 * t))))
        msgs.append(.engine(.epochFinished(pg, epoch(e, base: 0.62 + 0.22 * t, new: 0.67 - 0.01 * t,
                                                     conflict: 0.1 + 0.4 * t, cosine: 0.3 - 0.5 * t))))
    }
    msgs.append(.engine(.log(.warning, "skipped 2 unreadable images in shapes/train: a.png, b.png")))
    msgs.append(.engine(.progress(GridProgress(done: 1, total: 6, etaSeconds: 95))))
    send(&s, msgs)
    return s
}

/// Compares a rendered screen with Tests/TUITests/Snapshots/<name>.txt; RECORD_SNAPSHOTS=1 writes it instead.
func assertSnapshot(_ buffer: ScreenBuffer, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = dir.appendingPathComponent("\(name).txt")
    let text = buffer.plainText + "\n"
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        XCTFail("missing snapshot \(url.path); record it with RECORD_SNAPSHOTS=1", file: file, line: line)
        return
    }
    if expected != text {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = text.split(separator: "\n", omittingEmptySubsequences: false)
        let row = zip(e, a).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(e.count, a.count)
        XCTFail("snapshot \(name) differs first at row \(row):\nexpected: \(row < e.count ? String(e[row]) : "<none>")\n"
                + "actual:   \(row < a.count ? String(a[row]) : "<none>")\nactual screen:\n\(text)", file: file, line: line)
    }
}

/// A runner that records what it was asked and lets the test post events.
final class RecordingRunner: GridRunning {
    var started: [SetupChoices] = []
    var cancelled: [RunID] = []
    var cancelledAll = 0
    var post: (@Sendable (RunEvent) -> Void)?
    var failWith: String?
    func start(_ choices: SetupChoices, post: @escaping @Sendable (RunEvent) -> Void) throws {
        if let m = failWith { throw TUIError(m) }
        started.append(choices); self.post = post
    }
    func cancel(run: RunID) { cancelled.append(run) }
    func cancelAll() { cancelledAll += 1 }
}

/// Presses ↓ (or ↑) on the setup screen until the cursor is on `row` (unfolding a method's settings on the way).
func moveSetupCursor(_ s: inout AppState, to row: SetupRow, file: StaticString = #filePath, line: UInt = #line) {
    for _ in 0..<200 {
        let rows = s.setup.rows
        if rows[s.setup.cursor] == row { return }
        let target: Int
        if let i = rows.firstIndex(of: row) { target = i } else if case .methodSetting(let m, _) = row,
            let i = rows.firstIndex(of: .method(m)) { target = i } else { break }
        send(&s, [.key(target > s.setup.cursor ? .down : .up)])
    }
    XCTFail("setup row \(row) not reached", file: file, line: line)
}
