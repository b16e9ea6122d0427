// How far a grid is: finished runs of all runs, and the time left estimated from the epochs timed so far.
import Foundation

/// Progress of a grid, as the runner posts it and the workbench shows it.
public struct GridProgress: Equatable, Sendable {
    /// Runs finished (done, skipped, failed or cancelled) and runs in the grid.
    public var done: Int
    public var total: Int
    /// Seconds left; nil until some work was timed.
    public var etaSeconds: Double?

    public init(done: Int = 0, total: Int = 0, etaSeconds: Double? = nil) {
        self.done = done; self.total = total; self.etaSeconds = etaSeconds
    }
}

/// The runner's bookkeeping behind `GridProgress`: runs done, and work units (one per epoch, one for a run that
/// trains nothing) planned and done, timed from the grid's start.
struct GridProgressCounter {
    let total: Int
    let start: Double
    private(set) var doneRuns = 0
    private(set) var plannedUnits = 0
    private(set) var doneUnits = 0

    init(total: Int, start: Double) { self.total = total; self.start = start }

    /// Work units of a run: its epochs, or one for a run without epochs.
    static func units(_ run: ResolvedRun) -> Int { max(1, run.identity.training.epochs) }

    mutating func plan(_ run: ResolvedRun) { plannedUnits += Self.units(run) }
    mutating func runFinished() { doneRuns += 1 }
    mutating func unitDone() { doneUnits += 1 }
    /// Units that will not run (a resumed run's finished epochs, a failed or cancelled run's remainder).
    mutating func drop(_ units: Int) { plannedUnits -= max(0, units) }

    /// The progress at time `now`: the ETA is the mean time per unit so far times the units left.
    func progress(now: Double) -> GridProgress {
        let eta: Double? = doneUnits > 0 ? (now - start) / Double(doneUnits) * Double(plannedUnits - doneUnits) : nil
        return GridProgress(done: doneRuns, total: total, etaSeconds: eta)
    }
}
