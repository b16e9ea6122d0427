// `prograd tui --demo`: a scripted grid for trying the workbench without a model or data. It replays synthetic runs
// (zero-shot, CoOp, ProGrad curves shaped like the paper's base-to-new behaviour) through the same runner interface.
import Engine
import Experiments
import Foundation

/// A `GridRunning` that plays synthetic runs at a fixed pace on a background thread. The numbers are made up
/// (deterministic per run) and say so in the log; everything else (events, cancelling, progress) is real.
public final class DemoGrid: GridRunning, @unchecked Sendable {
    /// Wall time of one synthetic epoch.
    public let epochDelay: Double
    private let lock = NSLock()
    private var cancelledRuns = Set<RunID>()
    private var cancelAllFlag = false
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)
    private var running = false

    public init(epochDelay: Double = 0.15) { self.epochDelay = epochDelay }

    public func start(_ choices: SetupChoices, post: @escaping @Sendable (RunEvent) -> Void) throws {
        lock.lock(); defer { lock.unlock() }
        guard !running else { throw TUIError("a grid is already running") }
        running = true; cancelAllFlag = false; cancelledRuns = []
        let delay = epochDelay
        let t = Thread { [self] in
            self.play(choices, delay: delay, post: post)
            self.lock.lock(); self.running = false; self.lock.unlock()
            self.finished.signal()
        }
        t.name = "demo-grid"
        thread = t
        t.start()
    }

    public func cancel(run: RunID) {
        lock.lock(); cancelledRuns.insert(run); lock.unlock()
    }

    public func cancelAll() {
        lock.lock()
        let wasRunning = running
        cancelAllFlag = true
        lock.unlock()
        if wasRunning { finished.wait() }
    }

    private func isCancelled(_ id: RunID) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelAllFlag || cancelledRuns.contains(id)
    }

    private var allCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelAllFlag }

    /// Sleeps in short slices so that cancelling is noticed quickly.
    private func pause(_ seconds: Double, _ id: RunID) {
        var left = seconds
        while left > 0, !isCancelled(id) { Thread.sleep(forTimeInterval: min(0.02, left)); left -= 0.02 }
    }

    private func play(_ choices: SetupChoices, delay: Double, post: @Sendable (RunEvent) -> Void) {
        let planned = choices.plannedRuns
        let ids = planned.map { p in
            RunID(dataset: p.dataset, shots: p.shots, kind: choices.method(p.method)?.kind ?? MethodKind(p.method),
                  label: p.method, seed: p.seed, protocol: choices.protocol,
                  specHash: String(format: "%08x", demoHash(p.dataset, p.shots, p.method, p.seed) & 0xffff_ffff))
        }
        post(.log(.info, "demo grid: synthetic numbers for trying the workbench, not results"))
        for id in ids { post(.queued(id)) }
        var done = 0
        let started = Date()
        post(.progress(GridProgress(done: 0, total: ids.count)))
        for (id, p) in zip(ids, planned) {
            if allCancelled { post(.cancelled(id)); continue }
            if isCancelled(id) { post(.cancelled(id)); done += 1; continue }
            post(.started(id, resumedFromEpoch: 0))
            let curve = DemoCurve(id: id)
            let trains = id.kind.declaration?.trains ?? true
            let epochs = max(1, choices.trainingSettings(of: p).epochs)
            var cancelled = false
            if !trains {
                pause(delay, id)
            } else {
                for e in 1...epochs {
                    pause(delay, id)
                    if isCancelled(id) { cancelled = true; break }
                    post(.epochFinished(id, curve.metrics(epoch: e, of: epochs, seconds: delay)))
                }
            }
            if cancelled || isCancelled(id) {
                post(.cancelled(id))
            } else {
                post(.finished(id, curve.final(epochs: epochs, seconds: delay * Double(epochs))))
            }
            done += 1
            let elapsed = Date().timeIntervalSince(started)
            post(.progress(GridProgress(done: done, total: ids.count,
                                        etaSeconds: elapsed / Double(done) * Double(ids.count - done))))
        }
        post(.gridFinished(failed: 0))
    }
}

/// FNV-1a over the run's identity: a stable per-run seed for the synthetic curves.
func demoHash(_ dataset: String, _ shots: Int, _ method: String, _ seed: Int) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in "\(dataset)|\(shots)|\(method)|\(seed)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    return h
}

/// The synthetic learning curves of one run: CoOp gains on base and loses on new; ProGrad keeps new near zero-shot
/// while its conflict rate rises and the mean cosine between the two gradients drifts below zero.
struct DemoCurve {
    let zeroBase: Double, zeroNew: Double, jitter: UInt64
    let kind: MethodKind

    init(id: RunID) {
        let groupHash = demoHash(id.dataset, id.shots, "", id.seed)
        zeroBase = 0.55 + Double(groupHash % 100) / 1000
        zeroNew = 0.60 + Double((groupHash / 100) % 100) / 1000
        jitter = demoHash(id.dataset, id.shots, id.label, id.seed)
        kind = id.kind
    }

    /// Deterministic noise in [-1, 1] for epoch `e`.
    func noise(_ e: Int) -> Double {
        var x = jitter &+ UInt64(e) &* 0x9e37_79b9_7f4a_7c15
        x = (x ^ (x >> 30)) &* 0xbf58_476d_1ce4_e5b9
        x = (x ^ (x >> 27)) &* 0x94d0_49bb_1331_11eb
        x ^= x >> 31
        return Double(x % 2001) / 1000 - 1
    }

    func metrics(epoch e: Int, of total: Int, seconds: Double) -> EpochMetrics {
        let t = Double(e) / Double(max(1, total))
        let rise = 1 - exp(-4 * t)
        let isProGrad = kind.declaration?.reportsConflicts == true
        let base = min(0.99, zeroBase + (isProGrad ? 0.25 : 0.28) * rise + 0.01 * noise(e))
        let new = max(0.05, zeroNew - (isProGrad ? 0.02 : 0.14) * rise + 0.01 * noise(e + 1000))
        // Cosine schedule over the epochs after one warm-up epoch at 1e-5 (Dassl's constant warm-up).
        let lr = e == 1 ? 1e-5 : 0.002 * 0.5 * (1 + cos(Double.pi * Double(e - 1) / Double(max(1, total))))
        return EpochMetrics(epoch: e, epochs: total, lossCE: 2.0 * exp(-3 * t) + 0.3 + 0.02 * noise(e + 2000),
                            lossKL: isProGrad ? 0.4 + 0.3 * t : nil, lr: lr, baseAccuracy: base, newAccuracy: new,
                            conflictRate: isProGrad ? min(1, max(0, 0.08 + 0.45 * t + 0.04 * noise(e + 3000))) : nil,
                            meanCosine: isProGrad ? max(-1, min(1, 0.35 - 0.5 * t + 0.03 * noise(e + 4000))) : nil,
                            seconds: seconds)
    }

    func final(epochs: Int, seconds: Double) -> FinalMetrics {
        if kind.declaration?.trains == false {
            return FinalMetrics(baseAccuracy: zeroBase, newAccuracy: zeroNew, seconds: seconds)
        }
        let m = metrics(epoch: epochs, of: epochs, seconds: seconds)
        return FinalMetrics(baseAccuracy: m.baseAccuracy, newAccuracy: m.newAccuracy, seconds: seconds)
    }
}
