// Runs a grid on a background thread: skips finished runs, resumes interrupted ones from their last checkpoint,
// shares features and the zero-shot teacher within a (dataset, shots, seed) group, stores every epoch, and posts
// RunEvents to its listeners.
import Foundation

/// A grid runner. Create it, add listeners, `start()`, then `wait()` (or `cancel()` the grid, `cancel(run:)` one run).
public final class Runner: @unchecked Sendable {
    public let runs: [ResolvedRun]
    public let store: ResultsStore
    private let executor: RunExecutor
    private let preparer: TaskPreparer
    private let clock: RunClock
    private let lock = NSLock()
    private var listeners: [@Sendable (RunEvent) -> Void] = []
    private var cancelled = false
    private var cancelledRuns = Set<String>()
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    private var failedCount = 0

    /// A runner for `runs` (from ExperimentSpec.expand) writing to `store`; features and splits are cached in
    /// <results>/features and <results>/splits unless a preparer is given.
    public init(runs: [ResolvedRun], executor: RunExecutor, store: ResultsStore, preparer: TaskPreparer? = nil,
                clock: RunClock = SystemClock()) {
        self.runs = runs; self.executor = executor; self.store = store; self.clock = clock
        let folder = store.url.deletingLastPathComponent()
        self.preparer = preparer ?? TaskPreparer(features: FeatureCache(folder: folder.appendingPathComponent("features")),
                                                 splits: SplitCache(folder: folder.appendingPathComponent("splits")))
    }

    /// Adds a listener; events arrive in order on the runner's thread.
    public func addListener(_ listener: @escaping @Sendable (RunEvent) -> Void) {
        lock.lock(); listeners.append(listener); lock.unlock()
    }

    /// Asks the current run to stop after its current step; no further run starts.
    public func cancel() { lock.lock(); cancelled = true; lock.unlock() }

    public var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }

    /// Asks one run (by spec hash) to stop after its current step, or not to start if it is still queued; the rest
    /// of the grid goes on. Its stored record (a queued run that never ran has none) says cancelled, and it resumes
    /// from its last finished epoch when the grid runs again.
    public func cancel(run specHash: String) { lock.lock(); cancelledRuns.insert(specHash); lock.unlock() }

    private func isCancelled(run specHash: String) -> Bool {
        lock.lock(); defer { lock.unlock() }
        return cancelled || cancelledRuns.contains(specHash)
    }

    /// Starts the grid on a background thread.
    public func start() {
        let thread = Thread { [self] in
            runGrid()
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.name = "prograd.runner"
        self.thread = thread
        thread.start()
    }

    /// Blocks until the grid has finished; returns the number of failed runs.
    @discardableResult
    public func wait() -> Int {
        done.wait()
        done.signal()
        lock.lock(); defer { lock.unlock() }
        return failedCount
    }

    /// Runs the grid on the calling thread; returns the number of failed runs.
    @discardableResult
    public func runSynchronously() -> Int {
        runGrid()
        lock.lock(); defer { lock.unlock() }
        return failedCount
    }

    private func post(_ event: RunEvent) {
        lock.lock(); let current = listeners; lock.unlock()
        for listener in current { listener(event) }
    }

    /// Work units for the ETA: one per epoch, one for a zero-shot evaluation.
    private static func units(_ run: ResolvedRun) -> Int { max(1, run.identity.training.epochs) }

    private func runGrid() {
        for run in runs { post(.queued(run.id)) }
        preparer.onProgress = { [weak self] message in self?.post(.log(.info, message)) }
        defer { preparer.onProgress = nil }
        var pending: [(position: Int, run: ResolvedRun)] = []
        var doneRuns = 0
        for (position, run) in runs.enumerated() {
            if (try? store.status(of: run.specHash)) == .finished, let final = try? store.finalMetrics(for: run.specHash) {
                try? store.attach(run, position: position)
                post(.skipped(run.id, final))
                doneRuns += 1
            } else {
                pending.append((position, run))
            }
        }
        post(.progress(done: doneRuns, total: runs.count, etaSeconds: nil))
        var totalUnits = pending.reduce(0) { $0 + Self.units($1.run) }
        var doneUnits = 0
        let startTime = clock.now()
        func eta() -> Double? {
            guard doneUnits > 0 else { return nil }
            return (clock.now() - startTime) / Double(doneUnits) * Double(totalUnits - doneUnits)
        }
        var encoders: [String: ImageFeatureEncoder] = [:]
        var task: (key: String, value: Result<PreparedTask, Error>)?
        var failed = 0

        for (position, run) in pending {
            if isCancelled { break }
            let id = run.id
            var unitsOfRun = 0
            if isCancelled(run: run.specHash) {      // cancelled while queued: never starts
                if (try? store.status(of: run.specHash)) != nil { try? store.markRun(run.specHash, .cancelled) }
                post(.cancelled(id))
                doneRuns += 1
                totalUnits -= Self.units(run)
                post(.progress(done: doneRuns, total: runs.count, etaSeconds: eta()))
                continue
            }
            do {
                let encoder: ImageFeatureEncoder
                if let hit = encoders[run.identity.model] { encoder = hit } else {
                    encoder = try executor.imageEncoder(model: URL(fileURLWithPath: run.identity.model))
                    encoders[run.identity.model] = encoder
                }
                if task?.key != run.groupKey {
                    post(.log(.info, "preparing \(run.identity.dataset.name) \(run.identity.shots)-shot seed \(run.identity.seed): features"))
                    task = (run.groupKey, Result { try preparer.prepare(run, encoder: encoder) })
                    if case .success(let t) = task!.value {
                        for w in t.warnings { post(.log(.warning, w)) }
                    }
                }
                let prepared = try task!.value.get()
                let resume = try store.checkpoint(for: run.specHash)
                let resumedFrom = resume?.epoch ?? 0
                try store.beginRun(run, position: position, modelFingerprint: prepared.modelFingerprint,
                                   datasetFingerprint: prepared.datasetFingerprint, warnings: prepared.warnings,
                                   resumedFrom: resumedFrom, at: clock.now())
                totalUnits -= min(resumedFrom, Self.units(run))
                unitsOfRun = min(resumedFrom, Self.units(run))
                post(.started(id, resumedFromEpoch: resumedFrom))
                let runStart = clock.now()
                var final = try executor.execute(run, task: prepared, resume: resume, epochFinished: { metrics, checkpoint in
                    try self.store.recordEpoch(run.specHash, metrics, checkpoint: checkpoint)
                    doneUnits += 1
                    unitsOfRun += 1
                    self.post(.epochFinished(id, metrics))
                    self.post(.progress(done: doneRuns, total: self.runs.count, etaSeconds: eta()))
                }, isCancelled: { self.isCancelled(run: run.specHash) })
                if run.identity.training.epochs == 0 { doneUnits += 1 }
                final.skippedImages = prepared.skippedImages
                if final.seconds == 0 { final.seconds = clock.now() - runStart }
                try store.finishRun(run.specHash, final: final, at: clock.now())
                doneRuns += 1
                post(.finished(id, final))
            } catch is RunCancelled {
                try? store.markRun(run.specHash, .cancelled)
                post(.cancelled(id))
                if isCancelled { break }                // the whole grid
                doneRuns += 1
                totalUnits -= max(0, Self.units(run) - unitsOfRun)
            } catch {
                failed += 1
                let message = String(describing: error)
                if (try? store.status(of: run.specHash)) != nil { try? store.markRun(run.specHash, .failed, message: message) }
                doneRuns += 1
                totalUnits -= max(0, Self.units(run) - unitsOfRun)
                post(.failed(id, message: message))
            }
            post(.progress(done: doneRuns, total: runs.count, etaSeconds: eta()))
        }
        lock.lock(); failedCount = failed; lock.unlock()
        post(.gridFinished(failed: failed))
    }
}
