// `prograd split`: prints the few-shot training images CoOp's sampler would pick for a dataset, shot count and seed.
import ArgumentParser
import Experiments
import Foundation

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Print the few-shot training images for a dataset, shot count and seed (one relative path per line, in sampling order).")

    @Option(help: "The dataset folder (CoOp layout or class subfolders).")
    var dataset: String

    @Option(help: "Images per class.")
    var shots: Int

    @Option(help: "Seed of Python's random, as CoOp's --seed.")
    var seed: Int

    @Option(help: "Classes to keep after sampling: all, base or new.")
    var subsample: String = "all"

    @Option(help: "Dataset name (CoOp names such as OxfordPets pick the image folder); default: the folder's name.")
    var name: String?

    @Option(help: "Layout: auto, split-file, fgvc-aircraft, imagenet, imagenet-v2, imagenet-sketch, imagenet-a, imagenet-r, folders.")
    var layout: String = "auto"

    @Flag(help: "Print the val images (min(K, 4) per class) instead of the train images.")
    var val = false

    func run() throws {
        guard let which = Subsample(rawValue: subsample) else {
            throw ValidationError("--subsample must be all, base or new, not \(subsample)")
        }
        guard let kind = DatasetLayout(rawValue: layout) else {
            throw ValidationError("--layout must be one of \(DatasetLayout.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let root = URL(fileURLWithPath: (dataset as NSString).expandingTildeInPath).standardizedFileURL
        let source = DatasetSource(name: name ?? root.lastPathComponent, root: root.path, layout: kind)
        do {
            let data = try DatasetLoader.load(source)
            let split = FewShotSplit.make(data, shots: shots, seed: seed)
            let kept = subsampleClasses([split.train, split.val], which)
            for item in val ? kept[1] : kept[0] { print(item.path) }
        } catch let error as DatasetError {
            throw CommandFailure(error.description)
        }
    }
}
