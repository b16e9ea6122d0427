// A classification dataset as the runner sees it: labelled image paths for train, val and test, and class names.
import Foundation

/// One labelled image: a path relative to the dataset's image folder, a 0-based label and the (cleaned) class name.
public struct DatasetItem: Codable, Sendable, Hashable {
    public var path: String
    public var label: Int
    public var className: String

    public init(path: String, label: Int, className: String) {
        self.path = path; self.label = label; self.className = className
    }
}

/// A loaded dataset: items in the reference's order (which the few-shot sampler depends on) and label → class name.
public struct Dataset: Sendable, Equatable {
    public var name: String
    /// The folder every item path is relative to.
    public var imageRoot: URL
    public var train: [DatasetItem]
    public var val: [DatasetItem]
    public var test: [DatasetItem]
    /// Class names indexed by label (from the train items, as Dassl's get_lab2cname).
    public var classNames: [String]
    /// A fingerprint of the item lists (paths, labels, names): changes when the split file or folders change.
    public var fingerprint: String

    public init(name: String, imageRoot: URL, train: [DatasetItem], val: [DatasetItem], test: [DatasetItem]) {
        self.name = name; self.imageRoot = imageRoot; self.train = train; self.val = val; self.test = test
        self.classNames = Dataset.classNames(of: train.isEmpty ? test : train)
        var hasher = FNV1a64()
        for (tag, list) in [("train", train), ("val", val), ("test", test)] {
            hasher.combine(tag)
            for item in list { hasher.combine(item.path); hasher.combine(String(item.label)); hasher.combine(item.className) }
        }
        self.fingerprint = hasher.hexDigest
    }

    /// URL of an item's image file.
    public func url(of item: DatasetItem) -> URL { imageRoot.appendingPathComponent(item.path) }

    /// Label → class name over the labels present, sorted by label (Dassl get_lab2cname); gaps get "class <label>".
    public static func classNames(of items: [DatasetItem]) -> [String] {
        var byLabel: [Int: String] = [:]
        for item in items { byLabel[item.label] = item.className }
        guard let maxLabel = byLabel.keys.max() else { return [] }
        return (0...maxLabel).map { byLabel[$0] ?? "class \($0)" }
    }
}

/// Class-name cleaning as CoOp: underscores become spaces (the prompt learner does this to every name).
public func cleanClassName(_ name: String) -> String {
    name.replacingOccurrences(of: "_", with: " ")
}
