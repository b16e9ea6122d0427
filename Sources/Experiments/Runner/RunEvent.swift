// What the runner tells its listeners (the TUI, the headless printer, the results store) as a grid runs.
import Foundation

/// The identity of one run within a grid: (dataset, shots, method, seed) plus the hash of its resolved spec.
public struct RunID: Hashable, Codable, Sendable, CustomStringConvertible {
    public var dataset: String
    public var shots: Int
    public var method: String
    public var seed: Int
    public var specHash: String

    public init(dataset: String, shots: Int, method: String, seed: Int, specHash: String) {
        self.dataset = dataset; self.shots = shots; self.method = method; self.seed = seed; self.specHash = specHash
    }

    public var description: String { "\(dataset)/\(shots)-shot/\(method)/seed\(seed)" }
}

/// The metrics of one finished epoch. Accuracies are fractions in [0, 1]; nil where the protocol has no such split.
public struct EpochMetrics: Codable, Sendable, Equatable {
    public var epoch: Int            // 1-based
    public var epochs: Int
    public var lossCE: Double
    public var lossKL: Double?       // ProGrad only
    public var lr: Double
    public var baseAccuracy: Double  // accuracy on the (base) test split
    public var newAccuracy: Double?  // base-to-new only
    public var conflictRate: Double? // ProGrad only: conflicting steps / steps
    public var meanCosine: Double?   // ProGrad only: mean cos(g_d, g_g) over the epoch's steps
    public var seconds: Double

    public init(epoch: Int, epochs: Int, lossCE: Double, lossKL: Double? = nil, lr: Double, baseAccuracy: Double,
                newAccuracy: Double? = nil, conflictRate: Double? = nil, meanCosine: Double? = nil, seconds: Double) {
        self.epoch = epoch; self.epochs = epochs; self.lossCE = lossCE; self.lossKL = lossKL; self.lr = lr
        self.baseAccuracy = baseAccuracy; self.newAccuracy = newAccuracy; self.conflictRate = conflictRate
        self.meanCosine = meanCosine; self.seconds = seconds
    }

    /// Harmonic mean of base and new accuracy, H = 2BN / (B + N).
    public var harmonicMean: Double? {
        guard let n = newAccuracy else { return nil }
        return harmonicMeanOf(baseAccuracy, n)
    }
}

/// H = 2·B·N / (B + N), 0 when both are 0.
public func harmonicMeanOf(_ b: Double, _ n: Double) -> Double {
    b + n > 0 ? 2 * b * n / (b + n) : 0
}

/// The final numbers of a run.
public struct FinalMetrics: Codable, Sendable, Equatable {
    public var baseAccuracy: Double
    public var newAccuracy: Double?
    public var seconds: Double
    public var skippedImages: Int
    /// Accuracy per evaluation dataset of cross-dataset and domain-generalization runs (nil otherwise).
    public var targetAccuracies: [String: Double]?

    public init(baseAccuracy: Double, newAccuracy: Double? = nil, seconds: Double, skippedImages: Int = 0,
                targetAccuracies: [String: Double]? = nil) {
        self.baseAccuracy = baseAccuracy; self.newAccuracy = newAccuracy; self.seconds = seconds
        self.skippedImages = skippedImages; self.targetAccuracies = targetAccuracies
    }

    public var harmonicMean: Double? { newAccuracy.map { harmonicMeanOf(baseAccuracy, $0) } }
}

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
    case progress(done: Int, total: Int, etaSeconds: Double?)
    case log(LogLevel, String)
    case gridFinished(failed: Int)
}
