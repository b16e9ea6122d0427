// The data of one (dataset, shots, seed) group, with image features: what every method of the group trains on.
import Foundation

/// Feature rows with labels: features is [count, dimension] row-major.
public struct LabeledFeatures: Sendable, Equatable {
    public var features: [Float]
    public var labels: [Int]
    public var paths: [String]
    public var dimension: Int
    public var count: Int { labels.count }

    public init(features: [Float], labels: [Int], paths: [String], dimension: Int) {
        self.features = features; self.labels = labels; self.paths = paths; self.dimension = dimension
    }
}

/// An evaluation split: its class names (indexed by label) and features.
public struct EvalSet: Sendable, Equatable {
    public var name: String
    public var classNames: [String]
    /// The dataset's zero-shot template (ProGrad's table).
    public var template: String
    public var samples: LabeledFeatures
}

/// Everything a method needs for one run; shared by the methods of a group.
public final class PreparedTask: @unchecked Sendable {
    public let dataset: String
    /// Class names of the training classes (base classes for base-to-new), by label.
    public let classNames: [String]
    /// The dataset's zero-shot template (ProGrad's teacher table).
    public let template: String
    /// Training features per view: [0] is the center crop when augmentViews = 0, else views 1…K.
    public let trainViews: [LabeledFeatures]
    public let val: LabeledFeatures
    /// Test on the training classes (all classes for few-shot, base classes for base-to-new).
    public let testBase: EvalSet
    /// Test on the new classes (base-to-new only).
    public let testNew: EvalSet?
    /// Other datasets to evaluate on (cross-dataset, domain generalization).
    public let targets: [EvalSet]
    /// Images that could not be read (missing or corrupt), and the messages naming them.
    public let skippedImages: Int
    public let warnings: [String]
    public let datasetFingerprint: String
    public let modelFingerprint: String
    /// Per-group memo the executor may use, e.g. for the zero-shot teacher's logits or text features.
    public let shared = SharedGroupState()

    public init(dataset: String, classNames: [String], template: String, trainViews: [LabeledFeatures],
                val: LabeledFeatures, testBase: EvalSet, testNew: EvalSet?, targets: [EvalSet], skippedImages: Int,
                warnings: [String], datasetFingerprint: String, modelFingerprint: String) {
        self.dataset = dataset; self.classNames = classNames; self.template = template; self.trainViews = trainViews
        self.val = val; self.testBase = testBase; self.testNew = testNew; self.targets = targets
        self.skippedImages = skippedImages; self.warnings = warnings; self.datasetFingerprint = datasetFingerprint
        self.modelFingerprint = modelFingerprint
    }
}

/// A thread-safe memo: the first caller for a key computes the value, later callers reuse it.
public final class SharedGroupState: @unchecked Sendable {
    private let lock = NSRecursiveLock()
    private var values: [String: Any] = [:]

    public init() {}

    /// The value stored under `key`, made by `make` the first time.
    public func value<T>(for key: String, make: () throws -> T) rethrows -> T {
        lock.lock(); defer { lock.unlock() }
        if let hit = values[key] as? T { return hit }
        let made = try make()
        values[key] = made
        return made
    }
}
