// The metrics of one finished epoch, as the runner posts and the store keeps them.
import Foundation

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
