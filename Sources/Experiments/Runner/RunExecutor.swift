// The contract between the runner and a trainer: "execute one run". The zero-shot, CoOp and ProGrad trainers
// implement it; tests use a scripted fake.
//
// How the runner drives an executor, for one run:
//  1. `imageEncoder(model:)` once per model: the frozen image tower. The runner caches its features on disk and hands
//     the run a `PreparedTask` (train features per view, val, base/new test sets, targets) shared by all methods of
//     the same (dataset, shots, seed) group. `task.shared` is a per-group memo for the zero-shot teacher
//     (compute it once with `task.shared.value(for: "teacher:<template>") { … }`).
//  2. `execute(run, task:resume:epochFinished:isCancelled:)` on the runner's background thread.
//     - `resume` is nil for a fresh start, else the checkpoint the executor itself produced after epoch
//       `resume.epoch`: continue with epoch `resume.epoch + 1` and produce the same numbers an uninterrupted run would
//       (the checkpoint must hold the learned prompt, the optimizer's momentum and anything else the next epochs
//       depend on, e.g. the data order generator's state).
//     - After each finished epoch call `epochFinished(metrics, checkpoint)`. The runner stores both in one database
//       transaction before it returns, so a kill loses at most the epoch in flight. If it throws, stop and rethrow.
//     - Poll `isCancelled()` between steps; when it turns true throw `RunCancelled()` (the run resumes later).
//     - Zero-shot runs have 0 epochs: evaluate and return the final metrics without calling `epochFinished`.
//     - Save the learned prompt to `run.promptURL` (the results folder's prompts/ folder).
//     - Return the final metrics (accuracy on `task.testBase`, `task.testNew`, and per target name).
//     - Throw any other error to fail the run with its description (e.g. NaN loss); the grid continues.
import Foundation

/// The trainer state after an epoch, opaque to the runner (the executor serializes and parses it).
public struct RunCheckpoint: Sendable, Equatable {
    /// The last finished epoch (1-based).
    public var epoch: Int
    public var state: Data

    public init(epoch: Int, state: Data) { self.epoch = epoch; self.state = state }
}

/// Thrown by an executor that stopped because `isCancelled()` became true.
public struct RunCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}

/// Executes runs: trains one method on a prepared task, reporting each epoch.
public protocol RunExecutor: AnyObject {
    /// The frozen image encoder of a model folder or file (called once per model and grid).
    func imageEncoder(model: URL) throws -> ImageFeatureEncoder

    /// Trains and evaluates one run; see the file header for the protocol.
    func execute(_ run: ResolvedRun, task: PreparedTask, resume: RunCheckpoint?,
                 epochFinished: (EpochMetrics, RunCheckpoint) throws -> Void,
                 isCancelled: () -> Bool) throws -> FinalMetrics
}

/// Where the runner reads the time (a manual clock in tests).
public protocol RunClock: AnyObject, Sendable {
    /// Seconds since an arbitrary origin.
    func now() -> Double
}

/// The wall clock.
public final class SystemClock: RunClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSinceReferenceDate }
}
