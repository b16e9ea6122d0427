// Natural-language captions of a world scene that mention a random subset of its attributes, in varied phrasings.
import Engine

/// Attributes a caption must name.
public struct WorldMention: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let shape = WorldMention(rawValue: 1), color = WorldMention(rawValue: 2)
    public static let pattern = WorldMention(rawValue: 4)
}

public enum WorldCaptioner {
    /// A caption of `scene`; different draws of `rng` mention different attributes in different sentence forms.
    /// Every caption names at least one of shape, colour and pattern (always those in `mention`); whatever it says is
    /// true of the image.
    public static func caption(_ scene: WorldScene, mention: WorldMention = [], rng: inout SplitMix64) -> String {
        var sayShape = rng.chance(0.8) || mention.contains(.shape)
        var sayColor = rng.chance(0.7) || mention.contains(.color)
        let sayPattern = rng.chance(0.5) || mention.contains(.pattern)
        if !sayShape && !sayColor && !sayPattern {
            if rng.chance(0.5) { sayShape = true } else { sayColor = true }
        }
        let saySize = scene.count == 1 && rng.chance(0.4)
        let sayPlacement = scene.placement != nil && rng.chance(0.4)
        let sayBackground = rng.chance(0.3)
        let plural = scene.count > 1
        let noun = sayShape ? (plural ? scene.shape.plural : scene.shape.rawValue)
                            : rng.pick(plural ? ["shapes", "objects"] : ["shape", "object"])
        let placementPhrase = scene.placement.map { rng.chance(0.3) ? $0.alternativePhrase : $0.phrase }

        if rng.chance(0.2) {
            // Descriptive form: a short noun phrase, then sentences for the other attributes.
            var sentences: [String] = []
            let head = sayShape ? noun : (plural ? "shapes" : "a shape")
            sentences.append(plural ? "\(worldCountWords[scene.count]) \(head)" : (sayShape ? withArticle(head, &rng) : head))
            var adjectives: [String] = []
            if sayColor { adjectives.append(scene.color.rawValue) }
            if sayPattern { adjectives.append(scene.pattern.rawValue) }
            if saySize { adjectives.append(scene.size.rawValue) }
            let be = plural ? "they are" : "it is"
            if !adjectives.isEmpty { sentences.append("\(be) \(adjectives.joined(separator: " and "))") }
            if sayPlacement, let p = placementPhrase { sentences.append("\(be) \(p)") }
            if sayBackground { sentences.append("the background is \(scene.background.rawValue)") }
            return sentences.joined(separator: ". ") + (rng.chance(0.6) ? "." : "")
        }

        var words: [String] = []
        if saySize { words.append(scene.size.rawValue) }
        if sayPattern { words.append(scene.pattern.rawValue) }
        if sayColor { words.append(scene.color.rawValue) }
        words.append(noun)
        var phrase = words.joined(separator: " ")
        if plural {
            phrase = "\(worldCountWords[scene.count]) \(phrase)"
        } else if rng.chance(0.12) {
            phrase = "one \(phrase)"
        } else {
            phrase = withArticle(phrase, &rng)
        }
        if sayPlacement, let p = placementPhrase { phrase += " " + p }
        if sayBackground {
            let bg = scene.background.rawValue
            phrase += " " + rng.pick(["on a \(bg) background", "against a \(bg) background", "with a \(bg) background"])
        }
        let prefixes = plural ? ["a photo of", "a picture of", "an image of", "a drawing of", "there are", "", ""]
                              : ["a photo of", "a picture of", "an image of", "a drawing of", "there is", "", ""]
        let prefix = rng.pick(prefixes)
        let sentence = prefix.isEmpty ? phrase : prefix + " " + phrase
        return sentence + (rng.chance(0.5) ? "." : "")
    }

    /// "a"/"an" + phrase; one time in five "a" regardless of the next word, as prompt templates such as
    /// "a photo of a {}." produce.
    private static func withArticle(_ phrase: String, _ rng: inout SplitMix64) -> String {
        let vowel = phrase.first.map { "aeiou".contains($0) } ?? false
        return (vowel && !rng.chance(0.2) ? "an " : "a ") + phrase
    }
}
