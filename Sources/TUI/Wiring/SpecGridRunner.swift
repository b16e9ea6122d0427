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

    /// `makeExecutor` gives the trainer backend (zero-shot, CoOp, ProGrad on the engine).
    public init(catalog: SpecCatalog, makeExecutor: @escaping () throws -> RunExecutor) {
        self.catalog = catalog; self.makeExecutor = makeExecutor
    }

    public func start(_ choices: SetupChoices, post: @escaping @Sendable (RunEvent) -> Void) throws {
        let spec = try catalog.spec(for: choices)
        let runs = spec.expand(relativeTo: catalog.baseFolder)
        guard let output = runs.first?.output else { throw TUIError("\(choices.name): the grid has no runs") }
        let store = try ResultsStore(folder: URL(fileURLWithPath: output))
        let runner = Runner(runs: runs, executor: try makeExecutor(), store: store)
        runner.addListener(post)
        lock.lock(); self.runner = runner; lock.unlock()
        runner.start()
    }

    public func cancel(run: RunID) {
        lock.lock(); let r = runner; lock.unlock()
        r?.cancel(run: run.specHash)
    }

    public func cancelAll() {
        lock.lock(); let r = runner; lock.unlock()
        r?.cancel()
        r?.wait()
    }
}
