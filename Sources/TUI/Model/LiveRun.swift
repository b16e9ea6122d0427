// What the TUI knows about one run: its status and the epochs that have arrived.
import Foundation
import Experiments

/// Where a run is in its life.
public enum LiveStatus: String, Sendable {
    case queued, running, done, skipped, failed, cancelled

    /// Still going or waiting to go.
    public var isActive: Bool { self == .queued || self == .running }
}

/// One run of the grid as seen by the TUI.
public struct LiveRun: Equatable, Sendable {
    public var id: RunID
    public var status: LiveStatus
    public var epochs: [EpochMetrics] = []
    public var final: FinalMetrics?
    public var resumedFromEpoch = 0
    public var message: String?

    public init(id: RunID, status: LiveStatus) { self.id = id; self.status = status }

    /// The (dataset, shots, seed) group whose methods are compared side by side.
    public var group: RunGroup { RunGroup(dataset: id.dataset, shots: id.shots, seed: id.seed) }

    /// Latest base accuracy: the final metrics when finished, else the last epoch's.
    public var latestBase: Double? { final?.baseAccuracy ?? epochs.last?.baseAccuracy }
    /// Latest new accuracy.
    public var latestNew: Double? { final != nil ? final?.newAccuracy : epochs.last?.newAccuracy }

    /// Seconds left for this run: remaining epochs × mean epoch time so far.
    public var etaSeconds: Double? {
        guard status == .running, let last = epochs.last, !epochs.isEmpty else { return nil }
        let mean = epochs.map(\.seconds).reduce(0, +) / Double(epochs.count)
        return Double(max(0, last.epochs - last.epoch)) * mean
    }

    /// Fraction of epochs done.
    public var fractionDone: Double {
        if status == .done || status == .skipped { return 1 }
        guard let last = epochs.last, last.epochs > 0 else { return 0 }
        return Double(last.epoch) / Double(last.epochs)
    }
}

/// The runs compared side by side: one dataset, shot count and seed.
public struct RunGroup: Hashable, Sendable, CustomStringConvertible {
    public var dataset: String, shots: Int, seed: Int
    public var description: String { "\(dataset) · \(shots)-shot · seed \(seed)" }
}

/// One line of the log pane.
public struct LogLine: Equatable, Sendable {
    public var level: LogLevel
    public var text: String
    public init(_ level: LogLevel, _ text: String) { self.level = level; self.text = text }
}
