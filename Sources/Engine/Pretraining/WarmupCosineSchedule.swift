// Learning rate per step: linear warm-up then cosine decay to zero (open_clip scheduler.py cosine_lr semantics).
import Foundation

public struct WarmupCosineSchedule: Codable, Equatable, Sendable {
    public var baseLR: Float
    public var warmupSteps: Int
    public var totalSteps: Int

    public init(baseLR: Float, warmupSteps: Int, totalSteps: Int) {
        self.baseLR = baseLR; self.warmupSteps = warmupSteps; self.totalSteps = totalSteps
    }

    /// lr of step t (0-based): base·(t+1)/warmup while t < warmup, then base·½(1 + cos(π·(t−warmup)/(total−warmup))).
    public func lr(at t: Int) -> Float {
        if t < warmupSteps { return baseLR * Float(t + 1) / Float(warmupSteps) }
        let span = max(1, totalSteps - warmupSteps)
        let e = Float(min(t - warmupSteps, span)) / Float(span)
        return 0.5 * (1 + cos(Float.pi * e)) * baseLR
    }
}
