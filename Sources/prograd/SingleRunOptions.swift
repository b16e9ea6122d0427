// The flags of a headless single run (`prograd run --model DIR --dataset DIR --method prograd …`): one run as a
// one-run grid, with prompt.safetensors and result.json written into --output.
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
    @Option(help: "zeroshot | coop | prograd")
    var method: String = "prograd"
    @Option(help: "Shots per class.") var shots: Int = 16
    @Option(help: "Few-shot sampling and training seed.") var seed: Int = 1
    @Option(help: "Epochs (default by shots: 1 → 50, 2/4 → 100, 8/16 → 200).") var epochs: Int?
    @Option(help: "Batch size.") var batchSize: Int = 32
    @Option(help: "Learning rate.") var lr: Double = 0.002
    @Option(help: "SGD momentum.") var momentum: Double = 0.9
    @Option(help: "Weight decay.") var weightDecay: Double = 5e-4
    @Option(help: "Constant warm-up epochs.") var warmupEpochs: Int = 1
    @Option(help: "Warm-up learning rate.") var warmupLr: Double = 1e-5
    @Option(help: "Context vectors (n_ctx).") var nCtx: Int = 16
    @Option(help: "Context initialization: words (e.g. \"a photo of a\") or random.") var ctxInit: String = "a photo of a"
    @Flag(help: "Class-specific context.") var csc = false
    @Option(help: "end | middle | front") var classTokenPosition: String = "end"
    @Option(name: .customLong("lambda"), help: "ProGrad's λ (0 = CoOp).") var lambda: Double = 1
    @Option(help: "ProGrad's KL temperature.") var temperature: Double = 1
    @Option(help: "Zero-shot / teacher template with {} (default: the dataset's ProGrad template).") var template: String?
    @Option(help: "Cached augmented views per training image (0 = center crop only).") var augmentViews: Int = 0
    @Option(help: "all | base | new (base trains on base classes and tests base and new).") var subsample: String = "all"
    @Option(help: "Output folder of a single run.") var output: String = "results/single"

    var isSingleRun: Bool { model != nil || dataset != nil }

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
    func resolvedRun() throws -> ResolvedRun {
        guard let model, let dataset else { throw ValidationError("a single run needs both --model and --dataset") }
        guard let kind = MethodKind(rawValue: method) else { throw ValidationError("--method must be zeroshot, coop or prograd, got \(method)") }
        guard let position = Experiments.ClassTokenPosition(rawValue: classTokenPosition) else {
            throw ValidationError("--class-token-position must be end, middle or front, got \(classTokenPosition)")
        }
        guard let sub = Subsample(rawValue: subsample) else { throw ValidationError("--subsample must be all, base or new, got \(subsample)") }
        func absolute(_ p: String) -> String {
            URL(fileURLWithPath: (p as NSString).expandingTildeInPath).standardizedFileURL.path
        }
        let root = URL(fileURLWithPath: absolute(dataset))
        let name = resolvedDatasetName(root)
        let spec = MethodSpec(method: kind, template: template, nCtx: nCtx, ctxInit: ctxInit, csc: csc,
                              classTokenPosition: position, lambda: lambda, temperature: temperature).resolved
        let training = TrainingSettings(
            epochs: kind == .zeroshot ? 0 : (epochs ?? TrainingSettings.defaultEpochs(shots: shots, dataset: name)),
            batchSize: batchSize, lr: lr, momentum: momentum, weightDecay: weightDecay, warmupEpochs: warmupEpochs,
            warmupLR: warmupLr, augmentViews: augmentViews)
        return ResolvedRun.single(model: absolute(model), dataset: DatasetSource(name: name, root: root.path), shots: shots,
                                  seed: seed, method: spec, training: training, subsample: sub, output: absolute(output))
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
                            template: run.identity.method.template ?? Templates.template(for: run.identity.dataset.name),
                            promptFile: FileManager.default.fileExists(atPath: prompt.path) ? prompt.path : nil,
                            epochs: try store.epochs(for: run.specHash), final: final, harmonicMean: final?.harmonicMean)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(result).write(to: folder.appendingPathComponent("result.json"), options: .atomic)
    }
}
