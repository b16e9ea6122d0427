// experiments.json: named experiments (model × datasets × protocol × shots × seeds × methods). Method and training
// settings are whatever their declarations in Engine list (MethodRegistry, TrainingSettings.declarations); this file
// only holds them as written. The schema is documented in docs/experiments-schema.md.
import Engine
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

/// One method column of the grid: its kind, an optional label, and the settings written for it (the method's own
/// settings, and training settings that override the experiment's for this method).
public struct MethodSpec: Sendable, Hashable, Codable {
    public var kind: MethodKind
    /// The name the run table shows (defaults to the method's name; set it to compare two settings of one method).
    public var label: String?
    /// Settings by experiments.json key, as written (`resolved` fills the method's defaults).
    public var settings: SettingValues

    public init(_ kind: MethodKind, label: String? = nil, settings: SettingValues = [:]) {
        self.kind = kind; self.label = label; self.settings = settings
    }

    public subscript(key: String) -> SettingValue? {
        get { settings[key] }
        set { settings[key] = newValue }
    }

    /// The method's declaration (nil only for a kind nothing registered).
    public var declaration: MethodDeclaration? { kind.declaration }

    /// The display name: label, else the method's name.
    public var displayName: String { label ?? kind.name }

    /// The method's own settings with its defaults filled in (training overrides are not part of it: they are
    /// resolved into the run's TrainingSettings).
    public var resolved: MethodSpec {
        MethodSpec(kind, label: displayName, settings: declaration?.resolve(settings) ?? settings)
    }

    /// The training settings written for this method.
    public var trainingOverrides: SettingValues {
        settings.filter { key, _ in TrainingSettings.declarations.declaration(key) != nil }
    }

    // A flat object {"method": …, "label": …, <setting>: …}; with sorted keys this is the JSON of a run's identity.
    private struct Key: CodingKey {
        var stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        kind = MethodKind(try c.decode(String.self, forKey: Key("method")))
        label = try c.decodeIfPresent(String.self, forKey: Key("label"))
        let declared = (kind.declaration?.settings ?? []) + TrainingSettings.declarations
        settings = [:]
        for key in c.allKeys where key.stringValue != "method" && key.stringValue != "label" {
            let v = try c.decode(SettingValue.self, forKey: key)
            settings[key.stringValue] = declared.declaration(key.stringValue)?.coerced(v) ?? v
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind.name, forKey: Key("method"))
        try c.encodeIfPresent(label, forKey: Key("label"))
        for (k, v) in settings { try c.encode(v, forKey: Key(k)) }
    }
}

/// One named experiment of experiments.json, as written.
public struct ExperimentSpec: Sendable, Equatable {
    public var name: String
    /// A CLIP folder (config.json + model.safetensors + vocab.json + merges.txt) or checkpoint file.
    public var model: String
    public var datasets: [DatasetSource]
    public var `protocol`: ExperimentProtocol
    public var shots: [Int]
    public var seeds: [Int]
    public var methods: [MethodSpec]
    /// Training settings written at the experiment level (keys of TrainingSettings.declarations).
    public var training: SettingValues
    /// The results folder (database, feature cache, splits, prompts, exports).
    public var output: String

    /// The defaults of the optional fields, declared once.
    public static let defaultProtocol = ExperimentProtocol.baseToNew
    public static let defaultShots = [16]
    public static let defaultSeeds = [1, 2, 3]
    public static let defaultOutput = "results"

    public init(name: String, model: String, datasets: [DatasetSource], protocol: ExperimentProtocol = defaultProtocol,
                shots: [Int] = defaultShots, seeds: [Int] = defaultSeeds, methods: [MethodSpec],
                training: SettingValues = [:], output: String = defaultOutput) {
        self.name = name; self.model = model; self.datasets = datasets; self.protocol = `protocol`
        self.shots = shots; self.seeds = seeds; self.methods = methods; self.training = training; self.output = output
    }

    /// The training settings of `method`'s runs with `shots` on `dataset`: the method entry's value, else the
    /// experiment's, else the method's default, else Dassl's; epochs by shots unless set; methods that do not train
    /// run 0 epochs.
    public func training(shots: Int, dataset: String, method: MethodSpec) -> TrainingSettings {
        Self.resolveTraining(method: method, experiment: training, shots: shots, dataset: dataset)
    }

    /// The resolution behind `training(shots:dataset:method:)`, for callers that hold the values without a spec.
    public static func resolveTraining(method: MethodSpec, experiment training: SettingValues, shots: Int,
                                       dataset: String) -> TrainingSettings {
        let declaration = method.declaration
        var values: SettingValues = [:]
        for d in TrainingSettings.declarations {
            if let v = method[d.key] ?? training[d.key] ?? declaration?.trainingDefault(d.key) { values[d.key] = d.coerced(v) }
        }
        let trains = declaration?.trains ?? true
        let epochs = trains ? (values["epochs"]?.intValue ?? TrainingSettings.defaultEpochs(shots: shots, dataset: dataset)) : 0
        return TrainingSettings(epochs: epochs, values: values)
    }
}

extension ExperimentSpec: Codable {
    private enum Field: String, CodingKey, CaseIterable { case name, model, datasets, `protocol`, shots, seeds, methods, output }
    private struct TrainingKey: CodingKey {
        var stringValue: String
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Field.self)
        name = try c.decode(String.self, forKey: .name)
        model = try c.decode(String.self, forKey: .model)
        datasets = try c.decode([DatasetSource].self, forKey: .datasets)
        `protocol` = try c.decodeIfPresent(ExperimentProtocol.self, forKey: .protocol) ?? Self.defaultProtocol
        shots = try c.decodeIfPresent([Int].self, forKey: .shots) ?? Self.defaultShots
        seeds = try c.decodeIfPresent([Int].self, forKey: .seeds) ?? Self.defaultSeeds
        methods = try c.decode([MethodSpec].self, forKey: .methods)
        output = try c.decodeIfPresent(String.self, forKey: .output) ?? Self.defaultOutput
        let t = try decoder.container(keyedBy: TrainingKey.self)
        training = [:]
        for d in TrainingSettings.declarations {
            if let key = TrainingKey(stringValue: d.key), let v = try t.decodeIfPresent(SettingValue.self, forKey: key) {
                training[d.key] = d.coerced(v)
            }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Field.self)
        try c.encode(name, forKey: .name)
        try c.encode(model, forKey: .model)
        try c.encode(datasets, forKey: .datasets)
        try c.encode(`protocol`, forKey: .protocol)
        try c.encode(shots, forKey: .shots)
        try c.encode(seeds, forKey: .seeds)
        try c.encode(methods, forKey: .methods)
        try c.encode(output, forKey: .output)
        var t = encoder.container(keyedBy: TrainingKey.self)
        for (k, v) in training { try t.encode(v, forKey: TrainingKey(stringValue: k)!) }
    }
}

/// The whole file: {"experiments": [ … ]}.
public struct ExperimentsFile: Codable, Sendable, Equatable {
    public var experiments: [ExperimentSpec]
    public init(experiments: [ExperimentSpec]) { self.experiments = experiments }

    /// The experiment called `name`, or every experiment when name is nil; `file` names the source in the error.
    public func experiment(named name: String?, file: String = "experiments.json") throws -> [ExperimentSpec] {
        guard let name else { return experiments }
        let found = experiments.filter { $0.name == name }
        guard !found.isEmpty else {
            throw SpecError(file: file, path: "experiments", line: 1, column: 1,
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
