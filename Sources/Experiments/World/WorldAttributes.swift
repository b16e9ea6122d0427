// The nameable attributes of the procedural world's objects: shape, colour, pattern, size, placement.

/// An object's outline. Raw values are the words captions use.
public enum WorldShape: String, CaseIterable, Sendable {
    case circle, square, triangle, star, cross, ring, heart, diamond, pentagon, hexagon, octagon, crescent

    /// The plural noun ("crosses", "stars").
    public var plural: String { self == .cross ? "crosses" : rawValue + "s" }
}

/// An object or background colour with its nominal sRGB value.
public enum WorldColor: String, CaseIterable, Sendable {
    case red, orange, yellow, green, blue, purple, pink, brown, black, white, gray

    /// Nominal sRGB (before the per-image jitter).
    public var rgb: (r: Double, g: Double, b: Double) {
        switch self {
        case .red: return (215, 35, 35)
        case .orange: return (245, 135, 25)
        case .yellow: return (240, 215, 35)
        case .green: return (35, 160, 55)
        case .blue: return (35, 75, 215)
        case .purple: return (130, 50, 180)
        case .pink: return (245, 135, 185)
        case .brown: return (125, 75, 35)
        case .black: return (20, 20, 20)
        case .white: return (245, 245, 245)
        case .gray: return (128, 128, 128)
        }
    }

    /// The colour of a pattern's second tone: a darker shade of light colours, a lighter one of dark colours.
    public var secondaryRGB: (r: Double, g: Double, b: Double) {
        let c = rgb
        let luma = (0.299 * c.r + 0.587 * c.g + 0.114 * c.b) / 255
        if luma > 0.35 { return (c.r * 0.4, c.g * 0.4, c.b * 0.4) }
        return (c.r + (255 - c.r) * 0.55, c.g + (255 - c.g) * 0.55, c.b + (255 - c.b) * 0.55)
    }

    /// "a" or "an" before this colour's word.
    public var article: String { self == .orange ? "an" : "a" }
}

/// The colours a background may take, with their sampling weights.
public let worldBackgrounds: [(color: WorldColor, weight: Double)] = [
    (.white, 0.3), (.black, 0.2), (.gray, 0.2), (.blue, 0.1), (.green, 0.1), (.yellow, 0.1),
]

/// The surface texture of an object.
public enum WorldPattern: String, CaseIterable, Sendable {
    case solid, striped, dotted, checkered, hatched, wavy, speckled, outlined, gradient, grid
}

/// An object's size class (a radius range in pixels of a 32-pixel image, scaled with the image).
public enum WorldSize: String, CaseIterable, Sendable {
    case small, large

    /// Radius range as a fraction of the image side.
    public var radiusRange: ClosedRange<Double> {
        switch self {
        case .small: return 0.15...0.21
        case .large: return 0.31...0.43
        }
    }
}

/// Where a single object sits in the image.
public enum WorldPlacement: String, CaseIterable, Sendable {
    case left, right, top, bottom, center

    /// The caption phrase ("on the left").
    public var phrase: String {
        switch self {
        case .left: return "on the left"
        case .right: return "on the right"
        case .top: return "at the top"
        case .bottom: return "at the bottom"
        case .center: return "in the center"
        }
    }

    /// An alternative phrase with the same meaning, for caption variety.
    public var alternativePhrase: String {
        switch self {
        case .left: return "on the left side"
        case .right: return "on the right side"
        case .top: return "near the top"
        case .bottom: return "near the bottom"
        case .center: return "in the middle"
        }
    }
}

/// Number words for counts one to four.
public let worldCountWords = ["zero", "one", "two", "three", "four"]
