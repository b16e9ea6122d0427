// The flags of a headless single run (`prograd run --model DIR --dataset DIR --method prograd …`): one run as a
// one-run grid, with prompt.safetensors and result.json written into --output. The method and training settings
// are not declared here: every `--<flag> VALUE` of a setting comes from the declarations in Engine
// (TrainingSettings.declarations and each method's settings), and so does its help.
import ArgumentParser
import Engine
import Experiments
import Foundation

struct SingleRunOptions: ParsableArguments {
    @Option(help: "CLIP model folder or checkpoint (a single run instead of an experiments file).")
    var model: String?
    @Option(help: "Dataset folder (CoOp split-file layout: split_zhou_<Name>.json + image folder, or any layout the loader detects).")
    var dataset: String?
    @Option(help: "Dataset name (selects template and split file); default: from split_zhou_<Name>.json or the folder name.")
    var datasetName: String?
    @Option(help: "The method (see the settings below).")
    var method: MethodKind = .prograd
    @Option(help: "Shots per class.") var shots: Int = 16
    @Option(help: "Few-shot sampling and training seed.") var seed: Int = 1
    @Option(help: "Which classes train and test (base trains on base classes and tests base and new).")
    var subsample: Subsample = .all
    @Option(help: "Output folder of a single run.") var output: String = "results/single"
    var isSingleRun: Bool { model != nil || dataset != nil }

    /// The settings help: every training setting, then each method's own, with flag, default and meaning.
    static var settingsHelp: String {
        func lines(_ ds: [SettingDeclaration]) -> String {
            ds.map { d in
                let value = d.type == .bool ? "" : " <\(d.key)>"
                return "  --\(d.flag)\(value)\n      \(d.help) Allowed: \(d.allowed). Default: \(d.defaultText)."
            }.joined(separator: "\n")
        }
        var out = "Training settings of a single run:\n" + lines(TrainingSettings.declarations)
        for m in MethodRegistry.all {
            out += "\n\n--method \(m.kind.name): \(m.displayName). \(m.summary)"
            if !m.trainingDefaults.isEmpty {
                out += "\n  Training defaults: " + m.trainingDefaults.sorted { $0.key < $1.key }
                    .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + "."
            }
            out += m.settings.isEmpty ? "" : "\n" + lines(m.settings)
        }
        return out
    }

    /// The setting values of `--<flag> VALUE` (and bare `--<flag>` for yes/no settings) among `declarations`.
    static func parseSettings(_ arguments: [String], declarations: [SettingDeclaration], method: MethodKind) throws
        -> SettingValues {
        var values: SettingValues = [:]
        var i = 0
        while i < arguments.count {
            let arg = arguments[i]
            guard arg.hasPrefix("--") else {
                throw ValidationError("unexpected argument \"\(arg)\"; settings are given as --<flag> VALUE (see prograd run --help)")
            }
            var flag = String(arg.dropFirst(2)), inline: String?
            if let eq = flag.firstIndex(of: "=") { inline = String(flag[flag.index(after: eq)...]); flag = String(flag[..<eq]) }
            guard let d = declarations.first(where: { $0.flag == flag }) else {
                let known = declarations.map { "--\($0.flag)" }.joined(separator: ", ")
                throw ValidationError("unknown option --\(flag) for --method \(method.name); it takes \(known)")
            }
            if d.type == .bool && inline == nil && (i + 1 == arguments.count || arguments[i + 1].hasPrefix("--")) {
                values[d.key] = .bool(true); i += 1; continue
            }
            guard let raw = inline ?? (i + 1 < arguments.count ? arguments[i + 1] : nil) else {
                throw ValidationError("--\(flag) needs a value: \(d.allowed)")
            }
            do { values[d.key] = try d.parse(raw) } catch { throw ValidationError("--\(flag): \(error)") }
            i += inline == nil ? 2 : 1
        }
        return values
    }

    /// The dataset name: given, or from the folder's split_zhou_<Name>.json, or the folder name.
    func resolvedDatasetName(_ root: URL) -> String {
        if let datasetName { return datasetName }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        if let split = files.first(where: { $0.hasPrefix("split_zhou_") && $0.hasSuffix(".json") }) {
            return String(split.dropFirst("split_zhou_".count).dropLast(".json".count))
        }
        return root.lastPathComponent
    }

    /// The one run these flags describe.
    func resolvedRun(settingFlags: [String]) throws -> ResolvedRun {
        guard let model, let dataset else { throw ValidationError("a single run needs both --model and --dataset") }
        guard let declaration = method.declaration else { throw ValidationError("no method \(method.name) is registered") }
        func absolute(_ p: String) -> String {
            URL(fileURLWithPath: (p as NSString).expandingTildeInPath).standardizedFileURL.path
        }
        let root = URL(fileURLWithPath: absolute(dataset))
        let name = resolvedDatasetName(root)
        let values = try Self.parseSettings(settingFlags, declarations: TrainingSettings.declarations + declaration.settings,
                                            method: method)
        if let problem = declaration.validate(declaration.resolve(values)) { throw ValidationError(problem) }
        let spec = MethodSpec(method, settings: values)
        let training = ExperimentSpec.resolveTraining(method: spec, experiment: [:], shots: shots, dataset: name)
        return ResolvedRun.single(model: absolute(model), dataset: DatasetSource(name: name, root: root.path), shots: shots,
                                  seed: seed, method: spec, training: training, subsample: subsample,
                                  output: absolute(output))
    }

    /// result.json: the run's settings, per-epoch metrics and final numbers, read back from the results store.
    static func writeResult(_ run: ResolvedRun, to folder: URL) throws {
        let store = try ResultsStore(folder: folder)
        struct Result: Encodable {
            var run: String; var specHash: String; var identity: RunIdentity; var template: String
            var promptFile: String?; var epochs: [EpochMetrics]; var final: FinalMetrics?; var harmonicMean: Double?
        }
        let final = try store.finalMetrics(for: run.specHash)
        let prompt = folder.appendingPathComponent("prompt.safetensors")
        let result = Result(run: run.id.description, specHash: run.specHash, identity: run.identity,
                            template: run.identity.method["template"]?.textValue
                                ?? PromptTemplates.template(for: run.identity.dataset.name),
                            promptFile: FileManager.default.fileExists(atPath: prompt.path) ? prompt.path : nil,
                            epochs: try store.epochs(for: run.specHash), final: final, harmonicMean: final?.harmonicMean)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(result).write(to: folder.appendingPathComponent("result.json"), options: .atomic)
    }
}
