// Rasterizes a world scene into 8-bit RGB (4×4 supersampled outlines, pixel-level patterns, faint noise).
import Foundation

/// An 8-bit RGB image, rows top to bottom, pixels interleaved (HWC).
public struct WorldImage: Equatable, Sendable {
    public var side: Int
    public var pixels: [UInt8]     // [side, side, 3]

    /// The model's input: [3, side, side] floats, (p/255 − mean)/std per channel (CLIP's normalization).
    public func normalizedCHW(mean: [Float] = clipPixelMean, std: [Float] = clipPixelStd) -> [Float] {
        var out = [Float](repeating: 0, count: 3 * side * side)
        writeNormalizedCHW(into: &out, offset: 0, mean: mean, std: std)
        return out
    }

    /// Writes normalizedCHW() into `buffer` starting at `offset` (for filling a batch).
    public func writeNormalizedCHW(into buffer: inout [Float], offset: Int, mean: [Float] = clipPixelMean,
                                   std: [Float] = clipPixelStd) {
        let n = side * side
        for c in 0..<3 {
            let m = mean[c], s = std[c]
            for i in 0..<n { buffer[offset + c * n + i] = (Float(pixels[3 * i + c]) / 255 - m) / s }
        }
    }
}

/// CLIP's per-channel pixel mean and standard deviation.
public let clipPixelMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
public let clipPixelStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

public enum WorldRenderer {
    /// Draws the scene; the same scene always gives the same pixels.
    public static func render(_ scene: WorldScene) -> WorldImage {
        let side = scene.side
        let bg = scene.background.rgb
        let bgColor = (bg.r + scene.backgroundJitter[0], bg.g + scene.backgroundJitter[1], bg.b + scene.backgroundJitter[2])
        var canvas = [Double](repeating: 0, count: side * side * 3)
        for i in 0..<(side * side) { canvas[3 * i] = bgColor.0; canvas[3 * i + 1] = bgColor.1; canvas[3 * i + 2] = bgColor.2 }
        let p = scene.color.rgb, q = scene.color.secondaryRGB
        let j = scene.objectJitter
        let primary = (p.r + j[0], p.g + j[1], p.b + j[2])
        let secondary = (q.r + j[0], q.g + j[1], q.b + j[2])
        let k = Double(side) / 32       // pattern periods are given for a 32-pixel image
        for object in scene.objects {
            let r = object.radius
            let cosR = cos(object.rotation), sinR = sin(object.rotation)
            let x0 = max(0, Int(object.centerX - r * 1.3) - 1), x1 = min(side - 1, Int(object.centerX + r * 1.3) + 1)
            let y0 = max(0, Int(object.centerY - r * 1.3) - 1), y1 = min(side - 1, Int(object.centerY + r * 1.3) + 1)
            // The outline pattern keeps a band of about 1.6 pixels; its interior shows the background.
            let innerScale = max(0.1, 1 - 1.6 * k / r)
            guard x0 <= x1, y0 <= y1 else { continue }
            for py in y0...y1 {
                for px in x0...x1 {
                    var covered = 0, interior = 0
                    for sy in 0..<4 {
                        for sx in 0..<4 {
                            let (u, v) = local(Double(px) + (Double(sx) + 0.5) / 4, Double(py) + (Double(sy) + 0.5) / 4,
                                               object, cosR, sinR)
                            if WorldShapes.contains(scene.shape, u, v) {
                                covered += 1
                                if scene.pattern == .outlined && WorldShapes.contains(scene.shape, u / innerScale, v / innerScale) {
                                    interior += 1
                                }
                            }
                        }
                    }
                    if covered == 0 { continue }
                    let alpha = Double(covered - interior) / 16
                    let (u, v) = local(Double(px) + 0.5, Double(py) + 0.5, object, cosR, sinR)
                    let t = patternTone(scene.pattern, lx: u * r / k, ly: v * r / k, v: v,
                                        hash: pixelHash(scene.noiseSeed, px, py))
                    let o = 3 * (py * side + px)
                    let col = (primary.0 + (secondary.0 - primary.0) * t, primary.1 + (secondary.1 - primary.1) * t,
                               primary.2 + (secondary.2 - primary.2) * t)
                    canvas[o] += (col.0 - canvas[o]) * alpha
                    canvas[o + 1] += (col.1 - canvas[o + 1]) * alpha
                    canvas[o + 2] += (col.2 - canvas[o + 2]) * alpha
                }
            }
        }
        var pixels = [UInt8](repeating: 0, count: side * side * 3)
        for i in 0..<(side * side * 3) {
            // Faint uniform noise of ±4 levels, deterministic per pixel.
            let noise = (pixelHash(scene.noiseSeed &+ 0x5151, i, 7) - 0.5) * 8
            pixels[i] = UInt8(max(0, min(255, (canvas[i] + noise).rounded())))
        }
        return WorldImage(side: side, pixels: pixels)
    }

    /// Object-local coordinates of an image point: unit radius, v pointing up, rotated with the object.
    @inline(__always)
    private static func local(_ x: Double, _ y: Double, _ o: WorldObject, _ c: Double, _ s: Double) -> (Double, Double) {
        let dx = (x - o.centerX) / o.radius, dy = -(y - o.centerY) / o.radius
        return (dx * c + dy * s, -dx * s + dy * c)
    }

    /// The share of the pattern's second tone at a point (0 = primary colour, 1 = secondary).
    /// lx, ly are object-local coordinates in pixels of a 32-pixel image; v is the unit-radius vertical coordinate.
    static func patternTone(_ pattern: WorldPattern, lx: Double, ly: Double, v: Double, hash: Double) -> Double {
        func wrap(_ a: Double, _ period: Double) -> Double { let m = a.truncatingRemainder(dividingBy: period); return m < 0 ? m + period : m }
        switch pattern {
        case .solid, .outlined: return 0
        case .striped: return wrap(ly, 4) < 2 ? 1 : 0
        case .dotted:
            let fx = wrap(lx, 4) - 2, fy = wrap(ly, 4) - 2
            return fx * fx + fy * fy <= 1.4 ? 1 : 0
        case .checkered: return (Int(floor(lx / 3)) + Int(floor(ly / 3))) & 1 == 0 ? 1 : 0
        case .hatched: return wrap(lx + ly, 4) < 1.5 ? 1 : 0
        case .wavy: return wrap(ly + 1.4 * sin(lx * 0.9), 4) < 2 ? 1 : 0
        case .speckled: return hash < 0.35 ? 1 : 0
        case .gradient: return max(0, min(1, (v + 1) / 2))
        case .grid: return wrap(lx, 4) < 1 || wrap(ly, 4) < 1 ? 1 : 0
        }
    }

    /// A deterministic uniform value in [0, 1) for (seed, a, b).
    @inline(__always)
    static func pixelHash(_ seed: UInt64, _ a: Int, _ b: Int) -> Double {
        var z = seed &+ UInt64(truncatingIfNeeded: a) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: b) &* 0xD1B5_4A32_D192_ED03
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) * 0x1.0p-53
    }
}

/// Point-in-shape tests in object-local coordinates (unit radius, v up).
enum WorldShapes {
    static func contains(_ shape: WorldShape, _ u: Double, _ v: Double) -> Bool {
        switch shape {
        case .circle: return u * u + v * v <= 1
        case .ring:
            let d = u * u + v * v
            return d <= 1 && d >= 0.36
        case .square: return abs(u) <= 0.8 && abs(v) <= 0.8
        case .diamond: return abs(u) + abs(v) <= 1
        case .triangle: return regularPolygon(3, u, v)
        case .pentagon: return regularPolygon(5, u, v)
        case .hexagon: return regularPolygon(6, u, v)
        case .octagon: return regularPolygon(8, u, v)
        case .cross: return (abs(u) <= 0.3 && abs(v) <= 0.95) || (abs(v) <= 0.3 && abs(u) <= 0.95)
        case .star: return star(u, v)
        case .heart:
            // (x² + y² − 1)³ − x² y³ ≤ 0, scaled and shifted to fill the unit disc.
            let x = u * 1.2, y = v * 1.2 + 0.15
            let a = x * x + y * y - 1
            return a * a * a - x * x * y * y * y <= 0
        case .crescent:
            let dx = u - 0.42, dy = v - 0.12
            return u * u + v * v <= 1 && dx * dx + dy * dy > 0.6
        }
    }

    /// A regular k-gon with a vertex pointing up, inscribed in the unit circle: inside all k edge half-planes.
    private static func regularPolygon(_ k: Int, _ u: Double, _ v: Double) -> Bool {
        let apothem = cos(Double.pi / Double(k))
        for i in 0..<k {
            // Edge normals sit halfway between vertices (vertices at π/2 + 2πi/k).
            let a = Double.pi / 2 + Double.pi * Double(2 * i + 1) / Double(k)
            if u * cos(a) + v * sin(a) > apothem { return false }
        }
        return true
    }

    /// A five-pointed star (outer radius 1, inner 0.42), point up: even–odd rule over its ten vertices.
    private static func star(_ u: Double, _ v: Double) -> Bool {
        var inside = false
        var j = 9
        for i in 0..<10 {
            let (xi, yi) = starVertices[i], (xj, yj) = starVertices[j]
            if (yi > v) != (yj > v) && u < (xj - xi) * (v - yi) / (yj - yi) + xi { inside.toggle() }
            j = i
        }
        return inside
    }

    private static let starVertices: [(Double, Double)] = (0..<10).map { i in
        let a = Double.pi / 2 + Double.pi * Double(i) / 5
        let r = i % 2 == 0 ? 1.0 : 0.42
        return (r * cos(a), r * sin(a))
    }
}
