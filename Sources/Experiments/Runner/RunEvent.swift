// What the runner tells its listeners (the TUI, the headless printer, the results store) as a grid runs.
import Foundation

public enum LogLevel: String, Codable, Sendable { case info, warning, error }

/// Everything a grid run reports, in order, on the runner's background thread.
public enum RunEvent: Sendable, Equatable {
    case queued(RunID)
    case started(RunID, resumedFromEpoch: Int)   // 0 = fresh start
    case epochFinished(RunID, EpochMetrics)
    case finished(RunID, FinalMetrics)
    case skipped(RunID, FinalMetrics)            // already finished in the results store
    case failed(RunID, message: String)
    case cancelled(RunID)
    case progress(GridProgress)
    case log(LogLevel, String)
    case gridFinished(failed: Int)
}
