// The world as pretraining data: caption corpus for the tokenizer, endless image–caption batches, the compact CLIP
// configuration, and zero-shot evaluation on the world's tasks (base and new halves).
import Engine
import Foundation

public enum WorldPretraining {
    /// Captions of `count` random scenes (seeded) plus every task's prompt for every class: the corpus the
    /// tokenizer's BPE vocabulary is learned from.
    public static func corpus(count: Int, seed: UInt64, side: Int = EmbeddedWorld.defaultSide,
                              tasks: [WorldTask] = WorldTask.defaults) -> [String] {
        var rng = SplitMix64(seed: seed)
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            let scene = WorldScene.sample(side: side, rng: &rng)
            out.append(WorldCaptioner.caption(scene, rng: &rng))
        }
        for t in tasks { for c in t.classes { out.append(t.template.replacingOccurrences(of: "{}", with: c.name)) } }
        return out
    }

    /// A compact CLIP for the world: ViT image tower (image `side`, patch `patch`), causal text tower with
    /// `maxPositions` positions, quick_gelu, projection `projection`; start/end ids are the vocabulary's last two.
    public static func config(vocabularySize: Int, side: Int = EmbeddedWorld.defaultSide, patch: Int = 8,
                              width: Int = 128, layers: Int = 4, heads: Int = 4, maxPositions: Int = 40,
                              projection: Int = 128) -> CLIPConfig {
        var text = CLIPTextConfig()
        text.vocabSize = vocabularySize
        text.hiddenSize = width
        text.intermediateSize = 4 * width
        text.numHiddenLayers = layers
        text.numAttentionHeads = heads
        text.maxPositionEmbeddings = maxPositions
        text.hiddenAct = .quickGELU
        text.bosTokenId = vocabularySize - 2
        text.eosTokenId = vocabularySize - 1
        var vision = CLIPVisionConfig()
        vision.hiddenSize = width
        vision.intermediateSize = 4 * width
        vision.numHiddenLayers = layers
        vision.numAttentionHeads = heads
        vision.imageSize = side
        vision.patchSize = patch
        vision.hiddenAct = .quickGELU
        return CLIPConfig(text: text, vision: vision, projectionDim: projection)
    }

    /// Batch `step` of a pretraining run: `size` fresh scenes and one caption each, drawn from a generator keyed by
    /// (seed, step) so a resumed run sees exactly the batches it would have seen. The first half are independent
    /// random scenes; the second half are contrast groups (see contrastGroup), so that telling a caption's image from
    /// the others in its batch needs every attribute, not only the colour, which alone separates most random pairs.
    public static func batch(step: Int, size: Int, seed: UInt64, side: Int = EmbeddedWorld.defaultSide,
                             tokenize: (String) throws -> [Int]) rethrows -> (batch: PretrainBatch, captions: [String]) {
        var keyRng = SplitMix64(seed: seed &* 0x2545_F491_4F6C_DD1D &+ UInt64(step))
        var rng = SplitMix64(seed: keyRng.next())
        var examples: [(scene: WorldScene, caption: String)] = []
        for _ in 0..<(size / 2) {
            let scene = WorldScene.sample(side: side, rng: &rng)
            examples.append((scene, WorldCaptioner.caption(scene, rng: &rng)))
        }
        while examples.count < size {
            examples += contrastGroup(side: side, members: min(contrastGroupSize, size - examples.count), rng: &rng)
        }
        var pixels = [Float](repeating: 0, count: size * 3 * side * side)
        for (i, e) in examples.enumerated() {
            WorldRenderer.render(e.scene).writeNormalizedCHW(into: &pixels, offset: i * 3 * side * side)
        }
        return (PretrainBatch(pixels: pixels, tokenIds: try examples.map { try tokenize($0.caption) }),
                examples.map(\.caption))
    }

    /// Scenes per contrast group.
    public static let contrastGroupSize = 4

    /// `members` single-object scenes that share shape, colour and pattern except one varying attribute (pattern
    /// half of the time, shape 35 %, colour 15 %), which takes a different value in each scene and which every
    /// caption names. Pattern groups are drawn large so the texture is visible.
    public static func contrastGroup(side: Int, members: Int, rng: inout SplitMix64)
        -> [(scene: WorldScene, caption: String)] {
        let u = rng.uniform(0.0...1.0)
        let varying: WorldMention = u < 0.5 ? .pattern : (u < 0.85 ? .shape : .color)
        let shape = rng.pick(WorldShape.allCases), color = rng.pick(WorldColor.allCases)
        let pattern = rng.pick(WorldPattern.allCases)
        func distinct<T>(_ all: [T]) -> [T] {
            var pool = all
            for i in stride(from: pool.count - 1, to: 0, by: -1) { pool.swapAt(i, rng.index(i + 1)) }
            return Array(pool.prefix(members))
        }
        var constraints: [SceneConstraints]
        switch varying {
        case .pattern:
            constraints = distinct(WorldPattern.allCases).map {
                SceneConstraints(shape: shape, color: color, pattern: $0, size: .large, count: 1)
            }
        case .shape:
            constraints = distinct(WorldShape.allCases).map { SceneConstraints(shape: $0, color: color, pattern: pattern, count: 1) }
        default:
            constraints = distinct(WorldColor.allCases).map { SceneConstraints(shape: shape, color: $0, pattern: pattern, count: 1) }
        }
        return constraints.map { c in
            let scene = WorldScene.sample(side: side, constraints: c, rng: &rng)
            return (scene, WorldCaptioner.caption(scene, mention: varying, rng: &rng))
        }
    }
}

/// Zero-shot accuracy of one task: over all classes, and base-to-new style within the base half and the new half.
public struct WorldZeroShotResult: Sendable {
    public var task: String
    public var classes: Int
    public var all: Double
    public var base: Double
    public var new: Double
    /// Chance accuracy of the new half (1 / number of new classes).
    public var newChance: Double { 1 / Double(classes - (classes + 1) / 2) }
}

public enum WorldZeroShot {
    /// Classifies `perClass` test images per class of each task (nil: the task's whole test split) with prompts
    /// `template(classname)`.
    /// Base accuracy ranks only base classes for base images, new accuracy only new classes for new images.
    public static func evaluate(model: CLIPModel, tokenize: (String) throws -> [Int], tasks: [WorldTask],
                                perClass: Int?, worldSeed: UInt64 = EmbeddedWorld.defaultSeed) throws -> [WorldZeroShotResult] {
        let side = model.config.vision.imageSize
        var results: [WorldZeroShotResult] = []
        for task in tasks {
            let prompts = try task.classes.map { try tokenize(task.template.replacingOccurrences(of: "{}", with: $0.name)) }
            let text = normalizedRows(model.text.encode(tokenIds: prompts), dim: model.config.projectionDim)
            let examples = task.examples(split: .test, worldSeed: worldSeed, side: side, perClass: perClass)
            var pixels = [Float](repeating: 0, count: examples.count * 3 * side * side)
            for (i, e) in examples.enumerated() {
                WorldRenderer.render(e.scene).writeNormalizedCHW(into: &pixels, offset: i * 3 * side * side)
            }
            let images = normalizedRows(model.vision.encode(pixels: pixels, count: examples.count),
                                        dim: model.config.projectionDim)
            let d = model.config.projectionDim
            func predict(_ i: Int, among labels: Range<Int>) -> Int {
                var best = labels.lowerBound, bestScore = -Float.infinity
                for c in labels {
                    var s: Float = 0
                    for k in 0..<d { s += images[i * d + k] * text[c * d + k] }
                    if s > bestScore { bestScore = s; best = c }
                }
                return best
            }
            var all = 0, base = 0, new = 0, nBase = 0, nNew = 0
            for (i, e) in examples.enumerated() {
                if predict(i, among: 0..<task.classes.count) == e.label { all += 1 }
                if task.baseLabels.contains(e.label) {
                    nBase += 1; if predict(i, among: task.baseLabels) == e.label { base += 1 }
                } else {
                    nNew += 1; if predict(i, among: task.newLabels) == e.label { new += 1 }
                }
            }
            results.append(WorldZeroShotResult(task: task.name, classes: task.classes.count,
                                               all: Double(all) / Double(examples.count),
                                               base: Double(base) / Double(max(1, nBase)),
                                               new: Double(new) / Double(max(1, nNew))))
        }
        return results
    }

    /// A Markdown table of results (task, classes, all, base, new, new chance, new / chance).
    public static func table(_ results: [WorldZeroShotResult]) -> String {
        var s = "| task | classes | all | base | new | new chance | new / chance |\n|---|---|---|---|---|---|---|\n"
        for r in results {
            s += String(format: "| %@ | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %.1f× |\n", r.task, r.classes,
                        100 * r.all, 100 * r.base, 100 * r.new, 100 * r.newChance, r.new / r.newChance)
        }
        return s
    }

    private static func normalizedRows(_ x: [Float], dim: Int) -> [Float] {
        var y = x
        for r in 0..<(x.count / dim) {
            var s: Float = 0
            for k in 0..<dim { s += x[r * dim + k] * x[r * dim + k] }
            let inv = 1 / max(s.squareRoot(), 1e-12)
            for k in 0..<dim { y[r * dim + k] *= inv }
        }
        return y
    }
}
