// Classification tasks drawn from the procedural world: classes are phrases that pretraining captions use.
import Engine

/// One class of a world task: its name (a caption phrase) and the attributes its images must have.
public struct WorldClass: Equatable, Sendable {
    public var name: String
    public var constraints: SceneConstraints
}

/// A classification task of the world. Labels are the indices of `classes`; the standard base/new rule
/// (sorted labels, first ceil(n/2) are base) makes the first half of `classes` the base classes.
public struct WorldTask: Equatable, Sendable {
    public var name: String
    /// The zero-shot prompt template ("{}" is the class name).
    public var template: String
    public var classes: [WorldClass]
    public var trainPerClass: Int
    public var valPerClass: Int
    public var testPerClass: Int
}

/// One labelled image of a task.
public struct WorldExample: Sendable {
    public var scene: WorldScene
    public var label: Int
}

/// The split of a task an example belongs to.
public enum WorldSplit: String, CaseIterable, Sendable {
    case train, val, test
    var code: UInt64 { switch self { case .train: return 1; case .val: return 2; case .test: return 3 } }
}

extension WorldTask {
    /// The default tasks: shapes, colour + shape compositions, patterns, a fine-grained task of near-identical round
    /// polygons, and shapes seen only as outlines. Every image shows one small object (about half the pretraining
    /// scenes show small objects), which leaves the zero-shot model something to learn.
    public static let defaults: [WorldTask] = [shapes, colorShapes, patterns, polygons, outlines]

    /// 12 shapes, one small object of any colour, pattern and placement.
    public static let shapes = WorldTask(
        name: "WorldShapes", template: "a photo of a {}.",
        classes: ([.circle, .square, .triangle, .star, .hexagon, .crescent,
                   .ring, .cross, .heart, .diamond, .pentagon, .octagon] as [WorldShape]).map {
            WorldClass(name: $0.rawValue, constraints: SceneConstraints(shape: $0, size: .small, count: 1))
        },
        trainPerClass: 24, valPerClass: 6, testPerClass: 25)

    /// 30 colour + shape compositions ("red circle"), in a fixed shuffled order so base and new both mix colours and shapes.
    public static let colorShapes: WorldTask = {
        let colors: [WorldColor] = [.red, .orange, .green, .blue, .purple, .pink]
        let shapes: [WorldShape] = [.circle, .square, .triangle, .star, .heart]
        var classes = colors.flatMap { c in shapes.map { s in
            WorldClass(name: "\(c.rawValue) \(s.rawValue)", constraints: SceneConstraints(shape: s, color: c, size: .small, count: 1))
        } }
        var rng = SplitMix64(seed: 30)
        for i in stride(from: classes.count - 1, to: 0, by: -1) { classes.swapAt(i, rng.index(i + 1)) }
        return WorldTask(name: "WorldColorShapes", template: "a photo of a {}.", classes: classes,
                         trainPerClass: 20, valPerClass: 4, testPerClass: 15)
    }()

    /// 10 patterns ("striped shape"), any shape and colour.
    public static let patterns = WorldTask(
        name: "WorldPatterns", template: "a photo of a {}.",
        classes: ([.striped, .dotted, .solid, .checkered, .gradient,
                   .hatched, .grid, .wavy, .outlined, .speckled] as [WorldPattern]).map {
            WorldClass(name: "\($0.rawValue) shape", constraints: SceneConstraints(pattern: $0, size: .small, count: 1))
        },
        trainPerClass: 24, valPerClass: 6, testPerClass: 25)

    /// Outlines: the 12 shapes drawn only as outlines (a sketch-like look), class names as in WorldShapes.
    public static let outlines = WorldTask(
        name: "WorldOutlines", template: "a photo of a {}.",
        classes: ([.circle, .square, .triangle, .star, .hexagon, .crescent,
                   .ring, .cross, .heart, .diamond, .pentagon, .octagon] as [WorldShape]).map {
            WorldClass(name: $0.rawValue, constraints: SceneConstraints(shape: $0, pattern: .outlined, size: .small, count: 1))
        },
        trainPerClass: 24, valPerClass: 6, testPerClass: 25)

    /// Fine-grained: round polygons (pentagon, hexagon, octagon) and circles in red, orange and pink; at the small
    /// size they differ by a few pixels of outline (12 near-identical classes).
    public static let polygons: WorldTask = {
        let colors: [WorldColor] = [.red, .orange, .pink]
        let shapes: [WorldShape] = [.pentagon, .hexagon, .octagon, .circle]
        var classes = colors.flatMap { c in shapes.map { s in
            WorldClass(name: "\(c.rawValue) \(s.rawValue)", constraints: SceneConstraints(shape: s, color: c, size: .small, count: 1))
        } }
        var rng = SplitMix64(seed: 12)
        for i in stride(from: classes.count - 1, to: 0, by: -1) { classes.swapAt(i, rng.index(i + 1)) }
        return WorldTask(name: "WorldPolygons", template: "a photo of a {}.", classes: classes,
                         trainPerClass: 24, valPerClass: 6, testPerClass: 25)
    }()

    /// Labels of the base half (the standard rule: first ceil(n/2) of the sorted labels) and of the new half.
    public var baseLabels: Range<Int> { 0..<((classes.count + 1) / 2) }
    public var newLabels: Range<Int> { ((classes.count + 1) / 2)..<classes.count }

    /// The examples of one split, `perClass` (default: the task's count for that split) per class, class by class;
    /// deterministic for (worldSeed, task name, split, class, index) and independent of how many are drawn.
    public func examples(split: WorldSplit, worldSeed: UInt64, side: Int = 32, perClass: Int? = nil) -> [WorldExample] {
        let n = perClass ?? { switch split { case .train: return trainPerClass; case .val: return valPerClass
                                             case .test: return testPerClass } }()
        var out: [WorldExample] = []
        out.reserveCapacity(n * classes.count)
        let taskKey = name.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
        for (label, cls) in classes.enumerated() {
            for i in 0..<n {
                var keyRng = SplitMix64(seed: worldSeed ^ taskKey)
                keyRng = SplitMix64(seed: keyRng.next() &+ split.code &* 0x1_0000_0001 &+ UInt64(label) &* 0x10_0001 &+ UInt64(i))
                var rng = SplitMix64(seed: keyRng.next())
                out.append(WorldExample(scene: WorldScene.sample(side: side, constraints: cls.constraints, rng: &rng),
                                        label: label))
            }
        }
        return out
    }
}
