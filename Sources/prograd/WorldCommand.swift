// `prograd world`: writes the embedded world's classification tasks in the CoOp split-file layout.
import ArgumentParser
import Engine
import Experiments
import Foundation

struct WorldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "world",
        abstract: "Write the procedural world's classification tasks (split_zhou_<Name>.json + PNG images).")

    @Option(help: "Data folder to write into.")
    var out: String = EmbeddedWorld.defaultDirectory.path

    @Option(help: "Seed of the tasks' images.")
    var seed: UInt64 = EmbeddedWorld.defaultSeed

    @Flag(help: "Rewrite even if the folder is up to date.")
    var force = false

    @Option(help: "Instead of writing: measure a CLIP folder's zero-shot accuracy on every task's test split.")
    var evaluate: String?

    func run() throws {
        if let evaluate {
            let (model, tokenizer) = try CLIPModel.loadWithTokenizer(from: URL(fileURLWithPath: evaluate))
            let context = model.config.text.maxPositionEmbeddings
            let results = try WorldZeroShot.evaluate(model: model, tokenize: { try tokenizer.tokenize($0, contextLength: context) },
                                                     tasks: WorldTask.defaults, perClass: nil, worldSeed: seed)
            print("zero-shot accuracy of \(evaluate) on the world's test splits (template \"a photo of a {}.\"; "
                + "base and new each ranked within their own half):")
            print(WorldZeroShot.table(results), terminator: "")
            return
        }
        let dir = URL(fileURLWithPath: out)
        let start = Date()
        let wrote: Bool
        if force {
            try EmbeddedWorld.writeTasks(to: dir, seed: seed)
            wrote = true
        } else {
            wrote = try EmbeddedWorld.ensureTasks(at: dir, seed: seed)
        }
        for task in WorldTask.defaults {
            let base = task.baseLabels.map { task.classes[$0].name }, new = task.newLabels.map { task.classes[$0].name }
            print("\(task.name): \(task.classes.count) classes, \(task.trainPerClass)/\(task.valPerClass)/\(task.testPerClass) train/val/test per class")
            print("  base: \(base.joined(separator: ", "))")
            print("  new:  \(new.joined(separator: ", "))")
            print("  \(EmbeddedWorld.splitFile(task, in: dir).path)")
        }
        print(wrote ? String(format: "wrote %@ in %.1f s", dir.path, Date().timeIntervalSince(start))
                    : "\(dir.path) is up to date (use --force to rewrite)")
    }
}
