// Builds the PreparedTask of a (dataset, shots, seed) group: the dataset (loaded once), its few-shot split (cached on
// disk), the base/new or target splits, and the image features of every split (cached on disk).
import Engine
import Foundation

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
        let template = PromptTemplates.template(for: data.name)
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
                                   template: PromptTemplates.template(for: target.name),
                                   samples: encode(target.test, in: target, view: 0)))
        }
        if trainViews.allSatisfy({ $0.count == 0 }) && identity.method.declaration?.trains != false {
            throw DatasetError("\(data.imageRoot.path): no readable training image for \(data.name) "
                + "(\(skipped.count) skipped); see the warnings")
        }
        return PreparedTask(dataset: data.name, classNames: trainClasses, template: template, trainViews: trainViews,
                            val: val, testBase: testBase, testNew: testNew, targets: targets,
                            skippedImages: skipped.count, warnings: warnings, datasetFingerprint: data.fingerprint,
                            modelFingerprint: encoder.modelFingerprint)
    }
}
