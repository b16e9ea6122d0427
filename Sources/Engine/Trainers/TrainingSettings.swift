// The optimizer, schedule and augmentation of a training run, with Dassl's defaults declared once (SGD lr 0.002,
// momentum 0.9, weight decay 5e-4, batch 32, one constant warm-up epoch at 1e-5, epochs by shots).
import Foundation

/// Optimizer, schedule and augmentation of a run; encoded with these keys in every run's identity.
public struct TrainingSettings: Codable, Sendable, Hashable {
    public var epochs: Int
    public var batchSize: Int
    public var lr: Double
    public var momentum: Double
    public var weightDecay: Double
    public var warmupEpochs: Int
    public var warmupLR: Double
    /// Cached augmented views per training image (RandomResizedCrop + flip); 0 = the center crop only.
    public var augmentViews: Int

    /// Every training setting with its default (epochs: none = by shots, see `defaultEpochs`).
    public static let declarations: [SettingDeclaration] = [
        SettingDeclaration(key: "epochs", help: "Training epochs.", type: .int(1...100_000), default: nil,
                           absentMeaning: "auto (by shots: 1 → 50, 2/4 → 100, 8/16 → 200; ImageNet 50)",
                           absentLabel: "auto (by shots)"),
        SettingDeclaration(key: "batchSize", label: "batch", help: "Images per SGD step.", type: .int(1...1_000_000),
                           default: .int(32)),
        SettingDeclaration(key: "lr", help: "SGD learning rate after the warm-up.", type: .double(0...10), default: .double(0.002),
                           step: 0.001),
        SettingDeclaration(key: "momentum", help: "SGD momentum.", type: .double(0...1), default: .double(0.9), step: 0.05),
        SettingDeclaration(key: "weightDecay", help: "SGD weight decay (L2, added to the gradient).", type: .double(0...1),
                           default: .double(5e-4), step: 1e-4),
        SettingDeclaration(key: "warmupEpochs", help: "Epochs at the constant warm-up learning rate (they count toward the epochs).",
                           type: .int(0...100_000), default: .int(1)),
        SettingDeclaration(key: "warmupLR", flag: "warmup-lr", help: "The constant warm-up learning rate.", type: .double(0...10),
                           default: .double(1e-5), step: 1e-5),
        SettingDeclaration(key: "augmentViews", label: "aug. views",
                           help: "Cached augmented views per training image (RandomResizedCrop + flip); 0 = the center crop only.",
                           type: .int(0...256), default: .int(0)),
    ]

    public init(epochs: Int, batchSize: Int = 32, lr: Double = 0.002, momentum: Double = 0.9, weightDecay: Double = 5e-4,
                warmupEpochs: Int = 1, warmupLR: Double = 1e-5, augmentViews: Int = 0) {
        self.epochs = epochs; self.batchSize = batchSize; self.lr = lr; self.momentum = momentum
        self.weightDecay = weightDecay; self.warmupEpochs = warmupEpochs; self.warmupLR = warmupLR
        self.augmentViews = augmentViews
    }

    /// The settings from declared values (`values` resolved against `declarations`; epochs given separately).
    public init(epochs: Int, values: SettingValues) {
        let v = Self.declarations.resolve(values)
        self.init(epochs: epochs, batchSize: v["batchSize"]!.intValue!, lr: v["lr"]!.doubleValue!,
                  momentum: v["momentum"]!.doubleValue!, weightDecay: v["weightDecay"]!.doubleValue!,
                  warmupEpochs: v["warmupEpochs"]!.intValue!, warmupLR: v["warmupLR"]!.doubleValue!,
                  augmentViews: v["augmentViews"]!.intValue!)
    }

    /// The reference's epochs for a shot count: 1 → 50, 2 and 4 → 100, 8 and 16 → 200; ImageNet 50.
    public static func defaultEpochs(shots: Int, dataset: String) -> Int {
        if dataset == "ImageNet" { return 50 }
        return shots <= 1 ? 50 : shots <= 4 ? 100 : 200
    }

    /// Dassl's cosine schedule for these settings.
    public var schedule: CosineSchedule {
        CosineSchedule(baseLR: lr, maxEpoch: epochs, warmupEpochs: warmupEpochs, warmupLR: warmupLR)
    }
}
