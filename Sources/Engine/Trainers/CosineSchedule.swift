// Dassl's learning-rate schedule for prompt tuning: CosineAnnealingLR(T_max = max_epoch) wrapped in a
// ConstantWarmupScheduler (port of Dassl dassl/optim/lr_scheduler.py semantics, WARMUP_RECOUNT = True), stepped once
// per epoch. Epoch e (0-based) trains at cons_lr while e < warmup, else at base·(1 + cos(π·(e − warmup)/max_epoch))/2:
// the cosine restarts its count after the warm-up, so with one warm-up epoch the last epoch never reaches zero.
import Foundation

/// The learning rate for each epoch (the values come from `TrainingSettings`, where their defaults are declared).
public struct CosineSchedule: Codable, Equatable, Sendable {
    public var baseLR: Double
    public var maxEpoch: Int
    public var warmupEpochs: Int
    public var warmupLR: Double

    public init(baseLR: Double, maxEpoch: Int, warmupEpochs: Int, warmupLR: Double) {
        self.baseLR = baseLR; self.maxEpoch = maxEpoch; self.warmupEpochs = warmupEpochs; self.warmupLR = warmupLR
    }

    /// Learning rate used throughout epoch `epoch` (0-based).
    public func lr(epoch: Int) -> Double {
        if epoch < warmupEpochs { return warmupLR }
        return baseLR * (1 + cos(Double.pi * Double(epoch - warmupEpochs) / Double(max(1, maxEpoch)))) / 2
    }
}
