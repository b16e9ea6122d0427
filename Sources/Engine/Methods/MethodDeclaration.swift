// Everything the workbench knows about one method, in one value: identity, names, settings with defaults and
// documentation, validation, training defaults and the trainer. Every layer (spec decoding, `prograd run` flags, the
// setup screen, run identity, tables) derives what it shows from this declaration.
import Foundation

/// The declaration of a method. Adding a method is a file that declares one of these, plus its line in
/// `MethodRegistry.builtIn`.
public struct MethodDeclaration: Sendable {
    public let kind: MethodKind
    /// The name tables and panels print, e.g. "CoOp".
    public let displayName: String
    /// A short name for narrow lists, e.g. "PG".
    public let shortName: String
    /// One line for help texts.
    public let summary: String
    /// The method's own settings (experiments.json keys of a method entry, `prograd run` flags, setup fields).
    public let settings: [SettingDeclaration]
    /// The method's defaults for training settings where they differ from Dassl's (e.g. CoCoOp's batch 1).
    public let trainingDefaults: SettingValues
    /// False for methods that evaluate without training (zero-shot CLIP): they run 0 epochs.
    public let trains: Bool
    /// True when the method reports gradient conflicts (conflict rate, mean cos(g_d, g_g)) per epoch.
    public let reportsConflicts: Bool
    /// Checks across settings (each value was already checked against its declaration); returns a problem or nil.
    public let validate: @Sendable (SettingValues) -> String?
    /// Builds the trainer of one run from its context and resolved settings.
    public let makeTrainer: @Sendable (MethodContext, SettingValues) throws -> MethodTrainer

    public init(kind: MethodKind, displayName: String, shortName: String? = nil, summary: String,
                settings: [SettingDeclaration], trainingDefaults: SettingValues = [:], trains: Bool = true,
                reportsConflicts: Bool = false, validate: @escaping @Sendable (SettingValues) -> String? = { _ in nil },
                makeTrainer: @escaping @Sendable (MethodContext, SettingValues) throws -> MethodTrainer) {
        self.kind = kind; self.displayName = displayName; self.shortName = shortName ?? displayName
        self.summary = summary; self.settings = settings; self.trainingDefaults = trainingDefaults
        self.trains = trains; self.reportsConflicts = reportsConflicts; self.validate = validate
        self.makeTrainer = makeTrainer
    }

    /// `values` with the method's defaults filled in and keys it does not declare dropped.
    public func resolve(_ values: SettingValues) -> SettingValues { settings.resolve(values) }

    /// The default of a training setting for this method: its own, else the declared Dassl default.
    public func trainingDefault(_ key: String) -> SettingValue? {
        trainingDefaults[key] ?? TrainingSettings.declarations.declaration(key)?.defaultValue
    }
}
