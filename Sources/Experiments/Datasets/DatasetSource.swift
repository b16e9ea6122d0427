// Where a dataset lives and how its folder is laid out (the `datasets` entries of experiments.json).
import Foundation

/// The folder layouts the loader reads.
public enum DatasetLayout: String, Codable, Sendable, CaseIterable {
    /// Detect from the folder's contents.
    case auto
    /// CoOp split file `split_zhou_<Name>.json` ({"train"|"val"|"test": [[path, label, classname], …]}) + image folder.
    case splitFile = "split-file"
    /// FGVCAircraft: variants.txt + images_variant_{train,val,test}.txt + images/.
    case fgvcAircraft = "fgvc-aircraft"
    /// ImageNet: classnames.txt + images/train/<wnid>/ + images/val/<wnid>/ (test = val).
    case imagenet
    /// ImageNet-V2 matched frequency: classnames.txt + imagenetv2-matched-frequency-format-val/<0…999>/ (test only).
    case imagenetV2 = "imagenet-v2"
    /// ImageNet-Sketch: classnames.txt + images/<wnid>/ (test only).
    case imagenetSketch = "imagenet-sketch"
    /// ImageNet-A: classnames.txt + imagenet-a/<wnid>/ (200 classes, test only).
    case imagenetA = "imagenet-a"
    /// ImageNet-R: classnames.txt + imagenet-r/<wnid>/ (200 classes, test only).
    case imagenetR = "imagenet-r"
    /// Any folder of class subfolders: train/ (val/) test/ subfolders of class folders, or class folders split by seed.
    case folders
    /// A task of the embedded procedural world (split-file layout under <world folder>/<Name>/), written on first use.
    case world
}

/// A dataset entry: display name, folder, layout and optional overrides.
public struct DatasetSource: Codable, Sendable, Hashable {
    /// The dataset's name (CoOp names such as "OxfordPets" select the image folder, split file and template).
    public var name: String
    /// The dataset's own folder (e.g. $DATA/oxford_pets).
    public var root: String
    public var layout: DatasetLayout
    /// Image folder relative to root (split-file layout); default from the CoOp table or detected.
    public var imageDir: String?
    /// Split file name relative to root (split-file layout); default: the one split_*.json in root.
    public var splitFile: String?
    /// Seed of the train/val/test split of a folders layout without train/test subfolders (50/20/30 as CoOp's DTD).
    public var splitSeed: Int?

    public init(name: String, root: String, layout: DatasetLayout = .auto, imageDir: String? = nil,
                splitFile: String? = nil, splitSeed: Int? = nil) {
        self.name = name; self.root = root; self.layout = layout; self.imageDir = imageDir
        self.splitFile = splitFile; self.splitSeed = splitSeed
    }

    /// The root as a URL, with ~ expanded and relative paths taken from `base`.
    public func rootURL(relativeTo base: URL? = nil) -> URL {
        let expanded = (root as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") || base == nil { return URL(fileURLWithPath: expanded) }
        return base!.appendingPathComponent(expanded)
    }
}

/// CoOp's folder names for the split-file datasets: name → (image folder, split file).
public let coopSplitFileTable: [String: (imageDir: String, splitFile: String)] = [
    "OxfordPets": ("images", "split_zhou_OxfordPets.json"),
    "Caltech101": ("101_ObjectCategories", "split_zhou_Caltech101.json"),
    "StanfordCars": ("", "split_zhou_StanfordCars.json"),
    "OxfordFlowers": ("jpg", "split_zhou_OxfordFlowers.json"),
    "Flowers102": ("jpg", "split_zhou_OxfordFlowers.json"),
    "Food101": ("images", "split_zhou_Food101.json"),
    "SUN397": ("SUN397", "split_zhou_SUN397.json"),
    "DescribableTextures": ("images", "split_zhou_DescribableTextures.json"),
    "DTD": ("images", "split_zhou_DescribableTextures.json"),
    "EuroSAT": ("2750", "split_zhou_EuroSAT.json"),
    "UCF101": ("UCF-101-midframes", "split_zhou_UCF101.json"),
]

/// An unusable dataset: the message names the path and the fix.
public struct DatasetError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
