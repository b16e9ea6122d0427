// The hand-crafted prompt templates of zero-shot CLIP, as data: ProGrad's teacher table (port of BeierZhu/Prompt-align
// ProGrad.public/trainers/prograd.py CUSTOM_TEMPLATES), CoOp's zero-shot table (KaiyangZhou/CoOp trainers/zsclip.py
// CUSTOM_TEMPLATES), custom templates and ensembles.
import Foundation

/// Which per-dataset template table to use.
public enum TemplateTable: String, Codable, CaseIterable, Sendable {
    case prograd, coop
}

public enum PromptTemplates {
    /// ProGrad's teacher templates (also its word initialization of the context).
    public static let prograd: [String: String] = [
        "OxfordPets": "a type of pet, a photo of a {}.",
        "OxfordFlowers": "a type of flower, a photo of a {}.",
        "FGVCAircraft": "a type of aircraft, a photo of a {}.",
        "DescribableTextures": "a texture of {}.",
        "EuroSAT": "a centered satellite photo of {}.",
        "StanfordCars": "a photo of a {}.",
        "Food101": "a type of food, a photo of {}.",
        "SUN397": "a photo of a {}.",
        "Caltech101": "a photo of a {}.",
        "UCF101": "a photo of a person doing {}.",
        "ImageNet": "a photo of a {}.",
        "ImageNetSketch": "a photo of a {}.",
        "ImageNetV2": "a photo of a {}.",
        "ImageNetA": "a photo of a {}.",
        "ImageNetR": "a photo of a {}.",
        "Flowers102": "a type of flower, a photo of a {}.",     // folder-name aliases of OxfordFlowers / DTD
        "DTD": "a texture of {}.",
    ]

    /// CoOp's zero-shot CLIP templates.
    public static let coop: [String: String] = [
        "OxfordPets": "a photo of a {}, a type of pet.",
        "OxfordFlowers": "a photo of a {}, a type of flower.",
        "FGVCAircraft": "a photo of a {}, a type of aircraft.",
        "DescribableTextures": "{} texture.",
        "EuroSAT": "a centered satellite photo of {}.",
        "StanfordCars": "a photo of a {}.",
        "Food101": "a photo of {}, a type of food.",
        "SUN397": "a photo of a {}.",
        "Caltech101": "a photo of a {}.",
        "UCF101": "a photo of a person doing {}.",
        "ImageNet": "a photo of a {}.",
        "ImageNetSketch": "a photo of a {}.",
        "ImageNetV2": "a photo of a {}.",
        "ImageNetA": "a photo of a {}.",
        "ImageNetR": "a photo of a {}.",
        "Flowers102": "a photo of a {}, a type of flower.",
        "DTD": "{} texture.",
    ]

    /// The generic template for datasets outside the tables.
    public static let generic = "a photo of a {}."

    /// CoOp's ensemble for ImageNet-like data (trainers/zsclip.py IMAGENET_TEMPLATES_SELECT).
    public static let imageNetEnsemble: [String] = [
        "itap of a {}.", "a bad photo of the {}.", "a origami {}.", "a photo of the large {}.",
        "a {} in a video game.", "art of the {}.", "a photo of the small {}.",
    ]

    /// The template of `dataset` in `table`, or the generic one when the table has no entry.
    public static func template(for dataset: String, table: TemplateTable = .prograd) -> String {
        (table == .prograd ? prograd : coop)[dataset] ?? generic
    }

    /// A class name as prompts use it: underscores become spaces.
    public static func displayName(_ className: String) -> String {
        className.replacingOccurrences(of: "_", with: " ")
    }

    /// `template` with "{}" replaced by the class name (underscores → spaces).
    public static func fill(_ template: String, with className: String) throws -> String {
        guard template.contains("{}") else {
            throw EngineError.invalidArgument("template \"\(template)\" has no {} placeholder for the class name; write e.g. \"a photo of a {}.\"")
        }
        return template.replacingOccurrences(of: "{}", with: displayName(className))
    }

    /// The context words ProGrad initializes from: the template with " {}." removed and underscores → spaces,
    /// e.g. "a type of pet, a photo of a {}." → "a type of pet, a photo of a".
    public static func contextWords(fromTemplate template: String) -> String {
        template.replacingOccurrences(of: " {}.", with: "").replacingOccurrences(of: "_", with: " ")
    }
}
