// CoOp's few-shot sampling and base/new class split.
// Port of KaiyangZhou/Dassl.pytorch dassl/data/datasets/base_dataset.py generate_fewshot_dataset /
// split_dataset_by_label and KaiyangZhou/CoOp datasets/oxford_pets.py subsample_classes semantics.
import Foundation

/// Which classes of a base-to-new split to keep.
public enum Subsample: String, Codable, Sendable, CaseIterable { case all, base, new }

/// The few-shot train and val items chosen for (dataset, shots, seed).
public struct FewShotSplit: Codable, Sendable, Equatable {
    public var shots: Int
    public var seed: Int
    public var train: [DatasetItem]
    public var val: [DatasetItem]

    public init(shots: Int, seed: Int, train: [DatasetItem], val: [DatasetItem]) {
        self.shots = shots; self.seed = seed; self.train = train; self.val = val
    }

    /// CoOp's flow: `random.seed(seed)` (train.py's set_random_seed, before the dataset is built, with nothing drawing
    /// from `random` in between when the split file exists), then K per class from train, then min(K, 4) per class
    /// from val with the same generator. ImageNet (val = test) samples train only. shots < 1 keeps everything.
    public static func make(_ dataset: Dataset, shots: Int, seed: Int) -> FewShotSplit {
        guard shots >= 1 else { return FewShotSplit(shots: shots, seed: seed, train: dataset.train, val: dataset.val) }
        var rng = PythonRandom(seed: seed)
        let train = sampleFewShot(dataset.train, shots: shots, rng: &rng)
        let valIsTest = !dataset.val.isEmpty && dataset.val == dataset.test
        let val = valIsTest ? dataset.val : sampleFewShot(dataset.val, shots: min(shots, 4), rng: &rng)
        return FewShotSplit(shots: shots, seed: seed, train: train, val: val)
    }
}

/// generate_fewshot_dataset for one list: group by label in order of first appearance; per group
/// `random.sample(items, K)` when it has at least K items, else the whole group unchanged and no draw (Dassl's
/// default repeat=False since 2021-10, also in ProGrad's bundled Dassl).
public func sampleFewShot(_ items: [DatasetItem], shots: Int, rng: inout PythonRandom) -> [DatasetItem] {
    guard shots >= 1 else { return items }
    var order: [Int] = []
    var groups: [Int: [DatasetItem]] = [:]
    for item in items {
        if groups[item.label] == nil { order.append(item.label) }
        groups[item.label, default: []].append(item)
    }
    var output: [DatasetItem] = []
    for label in order {
        let group = groups[label]!
        output += group.count >= shots ? rng.sample(group, shots) : group
    }
    return output
}

/// CoOp's subsample_classes: labels of the first list sorted, m = ceil(n/2); base = first m, new = the rest; the kept
/// labels are renumbered from 0 in sorted order; every list is filtered and relabelled the same way.
public func subsampleClasses(_ lists: [[DatasetItem]], _ subsample: Subsample) -> [[DatasetItem]] {
    guard subsample != .all, let first = lists.first else { return lists }
    let labels = Array(Set(first.map(\.label))).sorted()
    let m = (labels.count + 1) / 2
    let selected = subsample == .base ? Array(labels[..<m]) : Array(labels[m...])
    var relabel: [Int: Int] = [:]
    for (newLabel, old) in selected.enumerated() { relabel[old] = newLabel }
    return lists.map { list in
        list.compactMap { item in
            relabel[item.label].map { DatasetItem(path: item.path, label: $0, className: item.className) }
        }
    }
}
