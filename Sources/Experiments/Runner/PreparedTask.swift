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

/// Builds PreparedTasks: loads datasets (memoized), few-shot splits (cached on disk), and features (cached on disk).
public final class TaskPreparer: @unchecked Sendable {
    public let features: FeatureCache
    public let splits: SplitCache
    /// Receives progress messages while images are encoded (the runner posts them as log events).
    public var onProgress: ((String) -> Void)?
    private var datasets: [DatasetSource: Dataset] = [:]
    private let lock = NSLock()

    public init(features: FeatureCache, splits: SplitCache) { self.features = features; self.splits = splits }

    /// The dataset of a source, loaded once per process.
    public func dataset(_ source: DatasetSource) throws -> Dataset {
        lock.lock(); defer { lock.unlock() }
        if let hit = datasets[source] { return hit }
        let loaded = try DatasetLoader.load(source)
        datasets[source] = loaded
        return loaded
    }

    /// The task of `run`'s group.
    public func prepare(_ run: ResolvedRun, encoder: ImageFeatureEncoder) throws -> PreparedTask {
        let identity = run.identity
        let data = try dataset(identity.dataset)
        let split = try splits.split(for: data, shots: identity.shots, seed: identity.seed)
        var warnings: [String] = []
        var skipped = Set<String>()
        func encode(_ items: [DatasetItem], in dataset: Dataset, view: Int) -> LabeledFeatures {
            var lastReported = 0
            let lookup = features.features(for: items.map { dataset.url(of: $0) }, view: view, encoder: encoder) { done, total in
                // About every 10% of a long encoding pass, and at its end.
                guard total >= 256, done == total || done - lastReported >= total / 10 else { return }
                lastReported = done
                self.onProgress?("encoding \(dataset.name) images (view \(view)): \(done)/\(total)")
            }
            for w in lookup.warnings where !warnings.contains(w) { warnings.append(w) }
            var rows: [Float] = [], labels: [Int] = [], paths: [String] = []
            rows.reserveCapacity(items.count * encoder.dimension)
            for (item, vector) in zip(items, lookup.features) {
                guard let vector else { skipped.insert(dataset.url(of: item).path); continue }
                rows += vector; labels.append(item.label); paths.append(item.path)
            }
            return LabeledFeatures(features: rows, labels: labels, paths: paths, dimension: encoder.dimension)
        }
        let template = Templates.template(for: data.name)
        let trained = subsampleClasses([split.train, split.val, data.test], identity.subsample)
        let trainClasses = Dataset.classNames(of: trained[0].isEmpty ? trained[2] : trained[0])
        let views = identity.training.augmentViews == 0 ? [0] : Array(1...identity.training.augmentViews)
        let trainViews = views.map { encode(trained[0], in: data, view: $0) }
        let val = encode(trained[1], in: data, view: 0)
        let testBase = EvalSet(name: data.name, classNames: trainClasses, template: template,
                               samples: encode(trained[2], in: data, view: 0))
        var testNew: EvalSet?
        if identity.protocol == .baseToNew {
            let newLists = subsampleClasses([split.train, data.test], .new)
            testNew = EvalSet(name: data.name, classNames: Dataset.classNames(of: newLists[0].isEmpty ? newLists[1] : newLists[0]),
                              template: template, samples: encode(newLists[1], in: data, view: 0))
        }
        var targets: [EvalSet] = []
        for source in identity.targets {
            let target = try dataset(source)
            targets.append(EvalSet(name: target.name, classNames: target.classNames,
                                   template: Templates.template(for: target.name),
                                   samples: encode(target.test, in: target, view: 0)))
        }
        if trainViews.allSatisfy({ $0.count == 0 }) && identity.method.method != .zeroshot {
            throw DatasetError("\(data.imageRoot.path): no readable training image for \(data.name) "
                + "(\(skipped.count) skipped); see the warnings")
        }
        return PreparedTask(dataset: data.name, classNames: trainClasses, template: template, trainViews: trainViews,
                            val: val, testBase: testBase, testNew: testNew, targets: targets,
                            skippedImages: skipped.count, warnings: warnings, datasetFingerprint: data.fingerprint,
                            modelFingerprint: encoder.modelFingerprint)
    }
}
