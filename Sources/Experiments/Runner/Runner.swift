// Runs a grid on a background thread, as a list of steps: skip finished runs → prepare each (dataset, shots, seed)
// group once (features, split, the shared zero-shot teacher) → execute each run (resuming from its checkpoint) →
// store every epoch and the final metrics → post RunEvents to the listeners.
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

    private func runGrid() {
        for run in runs { post(.queued(run.id)) }
        preparer.onProgress = { [weak self] message in self?.post(.log(.info, message)) }
        defer { preparer.onProgress = nil }
        var progress = GridProgressCounter(total: runs.count, start: clock.now())
        let pending = skipFinished(&progress)
        post(.progress(progress.progress(now: clock.now())))
        for (_, run) in pending { progress.plan(run) }
        var groups = GroupPreparation()
        var failed = 0
        for (position, run) in pending {
            if isCancelled { break }
            if execute(run, position: position, groups: &groups, progress: &progress) == .failed { failed += 1 }
            if isCancelled { break }
            post(.progress(progress.progress(now: clock.now())))
        }
        lock.lock(); failedCount = failed; lock.unlock()
        post(.gridFinished(failed: failed))
    }

    /// Step 1: runs the store already finished are posted as skipped; returns the others with their grid positions.
    private func skipFinished(_ progress: inout GridProgressCounter) -> [(position: Int, run: ResolvedRun)] {
        var pending: [(position: Int, run: ResolvedRun)] = []
        for (position, run) in runs.enumerated() {
            if (try? store.status(of: run.specHash)) == .finished, let final = try? store.finalMetrics(for: run.specHash) {
                try? store.attach(run, position: position)
                post(.skipped(run.id, final))
                progress.runFinished()
            } else {
                pending.append((position, run))
            }
        }
        return pending
    }

    /// The image encoder of each model and the prepared task of the current (dataset, shots, seed) group.
    private struct GroupPreparation {
        var encoders: [String: ImageFeatureEncoder] = [:]
        var task: (key: String, value: Result<PreparedTask, Error>)?
    }

    /// Step 2: the prepared task of a run's group, made once per group (its failure fails every run of the group).
    private func prepareGroup(of run: ResolvedRun, _ groups: inout GroupPreparation) throws -> PreparedTask {
        let encoder: ImageFeatureEncoder
        if let hit = groups.encoders[run.identity.model] { encoder = hit } else {
            encoder = try executor.imageEncoder(model: URL(fileURLWithPath: run.identity.model))
            groups.encoders[run.identity.model] = encoder
        }
        if groups.task?.key != run.groupKey {
            post(.log(.info, "preparing \(run.identity.dataset.name) \(run.identity.shots)-shot seed \(run.identity.seed): features"))
            let task = Result { try preparer.prepare(run, encoder: encoder) }
            if case .success(let t) = task { for w in t.warnings { post(.log(.warning, w)) } }
            groups.task = (run.groupKey, task)
        }
        return try groups.task!.value.get()
    }

    private enum Outcome { case finished, cancelled, gridCancelled, failed }

    /// Steps 3–5 for one run: execute it (resuming from its checkpoint), store every epoch and the final metrics,
    /// post what happened.
    private func execute(_ run: ResolvedRun, position: Int, groups: inout GroupPreparation,
                         progress: inout GridProgressCounter) -> Outcome {
        let id = run.id, units = GridProgressCounter.units(run)
        if isCancelled(run: run.specHash) {      // cancelled while queued: never starts
            if (try? store.status(of: run.specHash)) != nil { try? store.markRun(run.specHash, .cancelled) }
            post(.cancelled(id))
            progress.runFinished()
            progress.drop(units)
            return .cancelled
        }
        var unitsOfRun = 0
        do {
            let prepared = try prepareGroup(of: run, &groups)
            let resume = try store.checkpoint(for: run.specHash)
            let resumedFrom = resume?.epoch ?? 0
            try store.beginRun(run, position: position, modelFingerprint: prepared.modelFingerprint,
                               datasetFingerprint: prepared.datasetFingerprint, warnings: prepared.warnings,
                               resumedFrom: resumedFrom, at: clock.now())
            unitsOfRun = min(resumedFrom, units)
            progress.drop(unitsOfRun)
            post(.started(id, resumedFromEpoch: resumedFrom))
            let runStart = clock.now()
            var final = try executor.execute(run, task: prepared, resume: resume, epochFinished: { metrics, checkpoint in
                try self.store.recordEpoch(run.specHash, metrics, checkpoint: checkpoint)
                progress.unitDone()
                unitsOfRun += 1
                self.post(.epochFinished(id, metrics))
                self.post(.progress(progress.progress(now: self.clock.now())))
            }, isCancelled: { self.isCancelled(run: run.specHash) })
            if run.identity.training.epochs == 0 { progress.unitDone() }
            final.skippedImages = prepared.skippedImages
            if final.seconds == 0 { final.seconds = clock.now() - runStart }
            try store.finishRun(run.specHash, final: final, at: clock.now())
            progress.runFinished()
            post(.finished(id, final))
            return .finished
        } catch is RunCancelled {
            try? store.markRun(run.specHash, .cancelled)
            post(.cancelled(id))
            if isCancelled { return .gridCancelled }
            progress.runFinished()
            progress.drop(units - unitsOfRun)
            return .cancelled
        } catch {
            let message = String(describing: error)
            if (try? store.status(of: run.specHash)) != nil { try? store.markRun(run.specHash, .failed, message: message) }
            progress.runFinished()
            progress.drop(units - unitsOfRun)
            post(.failed(id, message: message))
            return .failed
        }
    }
}
