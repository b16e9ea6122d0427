// The experiments runner behind the TUI: the edited spec expanded into runs, trained by the linked executor,
// results in the experiment's store; cancelling one run lets the rest of the grid go on.
import Foundation
import Experiments

/// Runs the grid of setup choices with `Runner` on its background thread.
public final class SpecGridRunner: GridRunning, @unchecked Sendable {
    private let catalog: SpecCatalog
    private let makeExecutor: () throws -> RunExecutor
    private let lock = NSLock()
    private var runner: Runner?
    private var executor: CancellingExecutor?

    /// `makeExecutor` gives the trainer backend (zero-shot, CoOp, ProGrad on the engine).
    public init(catalog: SpecCatalog, makeExecutor: @escaping () throws -> RunExecutor) {
        self.catalog = catalog; self.makeExecutor = makeExecutor
    }

    public func start(_ choices: SetupChoices, post: @escaping @Sendable (RunEvent) -> Void) throws {
        let spec = try catalog.spec(for: choices)
        let runs = spec.expand(relativeTo: catalog.baseFolder)
        guard let output = runs.first?.output else { throw TUIError("\(choices.name): the grid has no runs") }
        let executor = CancellingExecutor(try makeExecutor())
        let store = try ResultsStore(folder: URL(fileURLWithPath: output))
        let runner = Runner(runs: runs, executor: executor, store: store)
        runner.addListener { event in
            if let translated = executor.translate(event) { post(translated) }
        }
        lock.lock(); self.runner = runner; self.executor = executor; lock.unlock()
        runner.start()
    }

    public func cancel(run: RunID) {
        lock.lock(); let e = executor; lock.unlock()
        e?.cancel(run.specHash)
    }

    public func cancelAll() {
        lock.lock(); let r = runner; lock.unlock()
        r?.cancel()
        r?.wait()
    }
}

/// Wraps an executor so that one run can be cancelled without stopping the grid: the runner stops a whole grid on
/// `RunCancelled`, so a run the user cancelled ends with `CancelledByUser` instead (stored as failed with that
/// message, resumed from its last epoch when the grid runs again) and its events are reported as cancelled.
final class CancellingExecutor: RunExecutor, @unchecked Sendable {
    let inner: RunExecutor
    private let lock = NSLock()
    private var cancelled = Set<String>()
    private var reportedAsCancelled = 0

    struct CancelledByUser: Error, CustomStringConvertible {
        var description: String { "cancelled by the user (x); it resumes from its last finished epoch when run again" }
    }

    init(_ inner: RunExecutor) { self.inner = inner }

    func cancel(_ specHash: String) { lock.lock(); cancelled.insert(specHash); lock.unlock() }

    func isCancelled(_ specHash: String) -> Bool { lock.lock(); defer { lock.unlock() }; return cancelled.contains(specHash) }

    func imageEncoder(model: URL) throws -> ImageFeatureEncoder { try inner.imageEncoder(model: model) }

    func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                 epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void,
                 isCancelled gridCancelled: () -> Bool) throws -> FinalMetrics {
        let hash = run.specHash
        if isCancelled(hash) { throw CancelledByUser() }
        do {
            return try inner.execute(run, task: task, resume: resume, epochFinished: epochFinished,
                                     isCancelled: { gridCancelled() || self.isCancelled(hash) })
        } catch is RunCancelled where !gridCancelled() && isCancelled(hash) {
            throw CancelledByUser()
        }
    }

    /// The event the TUI should see: a user-cancelled run's failure becomes `.cancelled`, and it does not count
    /// as a failed run of the grid.
    func translate(_ event: RunEvent) -> RunEvent? {
        switch event {
        case .failed(let id, _) where isCancelled(id.specHash):
            lock.lock(); reportedAsCancelled += 1; lock.unlock()
            return .cancelled(id)
        case .gridFinished(let failed):
            lock.lock(); defer { lock.unlock() }
            return .gridFinished(failed: max(0, failed - reportedAsCancelled))
        default:
            return event
        }
    }
}
