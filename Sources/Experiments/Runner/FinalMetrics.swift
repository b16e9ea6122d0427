// The final numbers of a run.
import Foundation

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
