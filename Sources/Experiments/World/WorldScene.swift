// A scene of the procedural world (one kind of object, repeated one to four times, on a background) and its sampling.
import Engine
import Foundation

/// One drawn object: its attributes and its geometry in pixels of an image of side `WorldScene.side`.
public struct WorldObject: Equatable, Sendable {
    public var centerX: Double
    public var centerY: Double
    public var radius: Double
    public var rotation: Double          // radians, counter-clockwise
}

/// Everything needed to draw and describe one image.
public struct WorldScene: Equatable, Sendable {
    public var side: Int
    public var shape: WorldShape
    public var color: WorldColor
    public var pattern: WorldPattern
    public var size: WorldSize
    public var count: Int
    /// Where a single object sits; nil when count > 1 (objects spread over the image).
    public var placement: WorldPlacement?
    public var background: WorldColor
    public var objects: [WorldObject]
    /// Per-image colour jitter of the object and background (sRGB units), and the seed of pixel noise and speckles.
    public var objectJitter: [Double]
    public var backgroundJitter: [Double]
    public var noiseSeed: UInt64
}

/// Attributes fixed by a task's class; nil fields are sampled freely.
public struct SceneConstraints: Equatable, Sendable {
    public var shape: WorldShape?
    public var color: WorldColor?
    public var pattern: WorldPattern?
    public var size: WorldSize?
    public var count: Int?
    public var placement: WorldPlacement?
    public var background: WorldColor?

    public init(shape: WorldShape? = nil, color: WorldColor? = nil, pattern: WorldPattern? = nil, size: WorldSize? = nil,
                count: Int? = nil, placement: WorldPlacement? = nil, background: WorldColor? = nil) {
        self.shape = shape; self.color = color; self.pattern = pattern; self.size = size
        self.count = count; self.placement = placement; self.background = background
    }
}

extension SplitMix64 {
    /// Uniform integer in 0..<n.
    mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    /// Uniform in the range.
    mutating func uniform(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * nextUniform() }
    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { nextUniform() < p }
    /// A uniformly chosen element.
    mutating func pick<T>(_ xs: [T]) -> T { xs[index(xs.count)] }
}

extension WorldScene {
    /// Samples a scene of side `side` pixels; constrained attributes are kept, the others drawn from `rng`.
    /// Counts are 1 with probability 0.6, else 2–4; several objects are small and spread over the quadrants.
    public static func sample(side: Int, constraints c: SceneConstraints = .init(), rng: inout SplitMix64) -> WorldScene {
        let shape = c.shape ?? rng.pick(WorldShape.allCases)
        let pattern = c.pattern ?? rng.pick(WorldPattern.allCases)
        let count = c.count ?? (rng.chance(0.6) ? 1 : 2 + rng.index(3))
        var background: WorldColor
        if let b = c.background { background = b } else {
            background = pickBackground(&rng)
            // The object's colour is chosen below; if it is constrained and equals the background, redraw the background.
            while let col = c.color, col == background { background = pickBackground(&rng) }
        }
        var color = c.color ?? rng.pick(WorldColor.allCases)
        while color == background { color = rng.pick(WorldColor.allCases) }
        let s = Double(side)
        var objects: [WorldObject] = []
        var size: WorldSize
        var placement: WorldPlacement?
        if count == 1 {
            size = c.size ?? (rng.chance(0.5) ? .small : .large)
            let r = rng.uniform(size.radiusRange) * s
            var place = c.placement ?? rng.pick(WorldPlacement.allCases)
            // Shift from the centre as far as the object still fits (at most 0.3 of the side); a shift under 0.12 of
            // the side is not visibly "left" or "right", so such an object counts as centred.
            let room = min(0.5 * s - r - 1, 0.3 * s)
            if place != .center && room < 0.12 * s { place = .center }
            let jitter = 0.04 * s
            var x = 0.5 * s + rng.uniform(-jitter...jitter), y = 0.5 * s + rng.uniform(-jitter...jitter)
            switch place {
            case .left: x = 0.5 * s - room
            case .right: x = 0.5 * s + room
            case .top: y = 0.5 * s - room
            case .bottom: y = 0.5 * s + room
            case .center: break
            }
            placement = place
            objects.append(WorldObject(centerX: x, centerY: y, radius: r, rotation: rng.uniform(-0.2...0.2)))
        } else {
            size = .small
            placement = nil
            var quadrants = [(0.27, 0.27), (0.73, 0.27), (0.27, 0.73), (0.73, 0.73)]
            for i in stride(from: quadrants.count - 1, to: 0, by: -1) { quadrants.swapAt(i, rng.index(i + 1)) }
            for q in quadrants.prefix(count) {
                let r = rng.uniform(0.14...0.19) * s
                let j = 0.03 * s
                objects.append(WorldObject(centerX: q.0 * s + rng.uniform(-j...j), centerY: q.1 * s + rng.uniform(-j...j),
                                           radius: r, rotation: rng.uniform(-0.2...0.2)))
            }
        }
        let objectJitter = (0..<3).map { _ in rng.uniform(-14...14) }
        let backgroundJitter = (0..<3).map { _ in rng.uniform(-10...10) }
        return WorldScene(side: side, shape: shape, color: color, pattern: pattern, size: size, count: count,
                          placement: placement, background: background, objects: objects,
                          objectJitter: objectJitter, backgroundJitter: backgroundJitter, noiseSeed: rng.next())
    }

    private static func pickBackground(_ rng: inout SplitMix64) -> WorldColor {
        var u = rng.nextUniform() * worldBackgrounds.reduce(0) { $0 + $1.weight }
        for b in worldBackgrounds {
            if u < b.weight { return b.color }
            u -= b.weight
        }
        return worldBackgrounds[0].color
    }
}
