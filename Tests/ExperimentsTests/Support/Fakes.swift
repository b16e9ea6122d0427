// Test doubles: a fake image encoder over TinyPNG files, a scripted run executor, a manual clock, temp folders.
import Foundation
import XCTest
@testable import Experiments
import Engine

/// A temporary folder removed at deinit.
final class TempFolder {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("prograd-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes data at a relative path, creating folders.
    @discardableResult
    func write(_ path: String, _ data: Data) -> URL {
        let file = url.appendingPathComponent(path)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! writeFile(data, to: file)
        return file
    }

    func write(_ path: String, text: String) { write(path, Data(text.utf8)) }
}

/// Encodes valid TinyPNG files into 4 numbers derived from the content and the view; counts calls.
final class FakeImageEncoder: ImageFeatureEncoder, @unchecked Sendable {
    let modelFingerprint: String
    let preprocessing = "fake-v1"
    let dimension = 4
    private let lock = NSLock()
    private(set) var encodeCalls = 0

    init(model: String = "fake-model") { modelFingerprint = model }

    func encode(imageAt url: URL, view: Int) throws -> [Float] {
        lock.lock(); encodeCalls += 1; lock.unlock()
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TinyPNG.NotAPNG(description: "cannot read \(url.lastPathComponent)")
        }
        let payload = try TinyPNG.validate(data)
        var h = FNV1a64(); h.combine(Data(payload)); h.combine(String(view))
        return (0..<4).map { Float((h.value >> (16 * UInt64($0))) & 0xFFFF) / 65535 }
    }
}

/// A clock tests advance by hand.
final class ManualClock: RunClock, @unchecked Sendable {
    private let lock = NSLock()
    private var time = 1000.0
    func now() -> Double { lock.lock(); defer { lock.unlock() }; return time }
    func advance(_ seconds: Double) { lock.lock(); time += seconds; lock.unlock() }
}

/// A trainer stand-in whose numbers follow from the run's hash and a state carried through checkpoints, so a resumed
/// run gives exactly the numbers of an uninterrupted one only if the runner hands back the right checkpoint.
final class ScriptedExecutor: RunExecutor, @unchecked Sendable {
    let encoder: FakeImageEncoder
    let clock: ManualClock
    /// Seconds the manual clock advances per epoch (and per zero-shot evaluation).
    var secondsPerEpoch = 10.0
    /// After this many epochs in total, call `onStop` (which the test points at runner.cancel()).
    var stopAfterEpochs: Int?
    var onStop: (() -> Void)?
    /// Runs whose method label is here throw instead of training.
    var failingMethods: Set<String> = []
    /// (run description, resumed-from epoch) per execute call.
    private(set) var calls: [(run: String, resumedFrom: Int)] = []
    private(set) var epochsRun = 0
    private(set) var teacherComputations = 0
    /// Called inside each epoch (tests use it to read the database concurrently).
    var duringEpoch: ((ResolvedRun, Int) -> Void)?

    struct ScriptedFailure: Error, CustomStringConvertible { var description: String }

    init(clock: ManualClock, encoder: FakeImageEncoder = FakeImageEncoder()) { self.clock = clock; self.encoder = encoder }

    func imageEncoder(model: URL) throws -> ImageFeatureEncoder { encoder }

    func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                 epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void,
                 isCancelled: () -> Bool) throws -> FinalMetrics {
        calls.append((run.id.description, resume?.epoch ?? 0))
        if failingMethods.contains(run.identity.method.displayName) {
            throw ScriptedFailure(description: "scripted failure of \(run.id)")
        }
        _ = task.shared.value(for: "teacher:\(task.template)") { () -> Int in teacherComputations += 1; return 1 }
        var state: UInt64 = resume.map { $0.state.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) } }
            ?? (UInt64(run.specHash, radix: 16) ?? 1)
        let epochs = run.identity.training.epochs
        func accuracy(_ s: UInt64, _ salt: UInt64) -> Double { Double((s &* 2_654_435_761 &+ salt) % 1000) / 1000 }
        if epochs == 0 {
            clock.advance(secondsPerEpoch)
            return FinalMetrics(baseAccuracy: accuracy(state, 1), newAccuracy: task.testNew == nil ? nil : accuracy(state, 2),
                                seconds: secondsPerEpoch)
        }
        for epoch in ((resume?.epoch ?? 0) + 1)...epochs {
            if isCancelled() { throw RunCancelled() }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            clock.advance(secondsPerEpoch)
            duringEpoch?(run, epoch)
            let isProGrad = run.identity.method.kind == .prograd
            let metrics = EpochMetrics(epoch: epoch, epochs: epochs, lossCE: accuracy(state, 3) * 2,
                                       lossKL: isProGrad ? accuracy(state, 4) : nil, lr: 0.002,
                                       baseAccuracy: accuracy(state, 1),
                                       newAccuracy: task.testNew == nil ? nil : accuracy(state, 2),
                                       conflictRate: isProGrad ? accuracy(state, 5) : nil,
                                       meanCosine: isProGrad ? accuracy(state, 6) - 0.5 : nil, seconds: secondsPerEpoch)
            var bytes = state
            try epochFinished(metrics, RunCheckpoint(epoch: epoch, state: Data(bytes: &bytes, count: 8)))
            epochsRun += 1
            if let stop = stopAfterEpochs, epochsRun == stop { onStop?() }
        }
        let targets = task.targets.isEmpty ? nil : Dictionary(uniqueKeysWithValues: task.targets.enumerated().map {
            ($1.name, accuracy(state, 10 + UInt64($0)))
        })
        return FinalMetrics(baseAccuracy: accuracy(state, 1), newAccuracy: task.testNew == nil ? nil : accuracy(state, 2),
                            seconds: secondsPerEpoch * Double(epochs), targetAccuracies: targets)
    }
}

/// The Tests/Fixtures folder.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")
