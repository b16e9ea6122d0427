// experiments.json: named experiments (model × datasets × protocol × shots × seeds × methods), with defaults filled.
// The schema is documented in docs/experiments-schema.md.
import Foundation

/// The evaluation protocols of the CoOp/ProGrad papers.
public enum ExperimentProtocol: String, Codable, Sendable, CaseIterable {
    /// Train and test on all classes of each dataset.
    case fewShot = "few-shot"
    /// Train on the base half of each dataset's classes; test on base and on new classes.
    case baseToNew = "base-to-new"
    /// Train on the first dataset (ImageNet), test on each of the others.
    case crossDataset = "cross-dataset"
    /// Train on the first dataset (ImageNet), test on its shifted versions (ImageNet-V2/-Sketch/-A/-R).
    case domainGeneralization = "domain-generalization"

    /// Whether the first dataset is a source and the others are evaluation targets.
    public var hasTargets: Bool { self == .crossDataset || self == .domainGeneralization }
}

/// The methods a run can train.
public enum MethodKind: String, Codable, Sendable, CaseIterable { case zeroshot, coop, prograd }

/// Where the class token sits among the context vectors (CoOp CLASS_TOKEN_POSITION).
public enum ClassTokenPosition: String, Codable, Sendable, CaseIterable { case end, middle, front }

/// One method column of the grid with its settings; every field but `method` is optional in the file.
public struct MethodSpec: Codable, Sendable, Hashable {
    public var method: MethodKind
    /// The name the run table shows (defaults to the method's name; set it to compare two settings of one method).
    public var label: String?
    /// Zero-shot template, and ProGrad's teacher template; nil = the dataset's template from the table.
    public var template: String?
    public var nCtx: Int?
    /// "a photo of a" (any words: initialization from their embeddings) or "random" (N(0, 0.02)).
    public var ctxInit: String?
    public var csc: Bool?
    public var classTokenPosition: ClassTokenPosition?
    public var lambda: Double?
    public var temperature: Double?

    public init(method: MethodKind, label: String? = nil, template: String? = nil, nCtx: Int? = nil,
                ctxInit: String? = nil, csc: Bool? = nil, classTokenPosition: ClassTokenPosition? = nil,
                lambda: Double? = nil, temperature: Double? = nil) {
        self.method = method; self.label = label; self.template = template; self.nCtx = nCtx; self.ctxInit = ctxInit
        self.csc = csc; self.classTokenPosition = classTokenPosition; self.lambda = lambda; self.temperature = temperature
    }

    /// The display name: label, else the method's name.
    public var displayName: String { label ?? method.rawValue }

    /// The settings with the method's defaults filled in (and settings that do not apply to it removed).
    public var resolved: MethodSpec {
        var m = MethodSpec(method: method, label: displayName, template: template)
        if method != .zeroshot {
            m.nCtx = nCtx ?? 16
            m.ctxInit = ctxInit ?? "a photo of a"
            m.csc = csc ?? false
            m.classTokenPosition = classTokenPosition ?? .end
        }
        if method == .prograd {
            m.lambda = lambda ?? 1
            m.temperature = temperature ?? 1
        }
        return m
    }
}

/// Optimizer, schedule and augmentation of a run (Dassl's defaults).
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

    public init(epochs: Int, batchSize: Int = 32, lr: Double = 0.002, momentum: Double = 0.9, weightDecay: Double = 5e-4,
                warmupEpochs: Int = 1, warmupLR: Double = 1e-5, augmentViews: Int = 0) {
        self.epochs = epochs; self.batchSize = batchSize; self.lr = lr; self.momentum = momentum
        self.weightDecay = weightDecay; self.warmupEpochs = warmupEpochs; self.warmupLR = warmupLR
        self.augmentViews = augmentViews
    }

    /// The reference's epochs for a shot count: 1 → 50, 2 and 4 → 100, 8 and 16 → 200; ImageNet 50.
    public static func defaultEpochs(shots: Int, dataset: String) -> Int {
        if dataset == "ImageNet" { return 50 }
        return shots <= 1 ? 50 : shots <= 4 ? 100 : 200
    }
}

/// One named experiment of experiments.json, as written (optional fields nil when absent).
public struct ExperimentSpec: Codable, Sendable, Equatable {
    public var name: String
    /// A CLIP folder (config.json + model.safetensors + vocab.json + merges.txt) or checkpoint file.
    public var model: String
    public var datasets: [DatasetSource]
    public var `protocol`: ExperimentProtocol
    public var shots: [Int]
    public var seeds: [Int]
    public var methods: [MethodSpec]
    /// nil = by shots (TrainingSettings.defaultEpochs).
    public var epochs: Int?
    public var batchSize: Int
    public var lr: Double
    public var momentum: Double
    public var weightDecay: Double
    public var warmupEpochs: Int
    public var warmupLR: Double
    public var augmentViews: Int
    /// The results folder (database, feature cache, splits, prompts, exports).
    public var output: String

    public init(name: String, model: String, datasets: [DatasetSource], protocol: ExperimentProtocol = .baseToNew,
                shots: [Int] = [16], seeds: [Int] = [1, 2, 3], methods: [MethodSpec], epochs: Int? = nil,
                batchSize: Int = 32, lr: Double = 0.002, momentum: Double = 0.9, weightDecay: Double = 5e-4,
                warmupEpochs: Int = 1, warmupLR: Double = 1e-5, augmentViews: Int = 0, output: String = "results") {
        self.name = name; self.model = model; self.datasets = datasets; self.protocol = `protocol`
        self.shots = shots; self.seeds = seeds; self.methods = methods; self.epochs = epochs
        self.batchSize = batchSize; self.lr = lr; self.momentum = momentum; self.weightDecay = weightDecay
        self.warmupEpochs = warmupEpochs; self.warmupLR = warmupLR; self.augmentViews = augmentViews
        self.output = output
    }

    /// The training settings of a run with `shots` on `dataset` (zero-shot trains nothing: 0 epochs).
    public func training(shots: Int, dataset: String, method: MethodKind) -> TrainingSettings {
        TrainingSettings(epochs: method == .zeroshot ? 0 : (epochs ?? TrainingSettings.defaultEpochs(shots: shots, dataset: dataset)),
                         batchSize: batchSize, lr: lr, momentum: momentum, weightDecay: weightDecay,
                         warmupEpochs: warmupEpochs, warmupLR: warmupLR, augmentViews: augmentViews)
    }
}

/// The whole file: {"experiments": [ … ]}.
public struct ExperimentsFile: Codable, Sendable, Equatable {
    public var experiments: [ExperimentSpec]
    public init(experiments: [ExperimentSpec]) { self.experiments = experiments }

    /// The experiment called `name`, or the only one when name is nil.
    public func experiment(named name: String?) throws -> [ExperimentSpec] {
        guard let name else { return experiments }
        let found = experiments.filter { $0.name == name }
        guard !found.isEmpty else {
            throw SpecError(file: "experiments.json", path: "experiments", line: 1, column: 1,
                            message: "no experiment named \"\(name)\"; the file has \(experiments.map { "\"\($0.name)\"" }.joined(separator: ", "))")
        }
        return found
    }

    /// Pretty, key-sorted JSON (what `decode` reads back into the same value).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
