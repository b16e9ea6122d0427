// Hand-crafted zero-shot templates per dataset: ProGrad's teacher table (default) and CoOp's zero-shot table.
import Foundation

/// Template tables; "{}" is replaced by the class name.
public enum Templates {
    /// ProGrad's teacher templates (the default).
    public static let prograd: [String: String] = [
        "OxfordPets": "a type of pet, a photo of a {}.",
        "OxfordFlowers": "a type of flower, a photo of a {}.",
        "Flowers102": "a type of flower, a photo of a {}.",
        "FGVCAircraft": "a type of aircraft, a photo of a {}.",
        "DescribableTextures": "a texture of {}.",
        "DTD": "a texture of {}.",
        "EuroSAT": "a centered satellite photo of {}.",
        "Food101": "a type of food, a photo of {}.",
        "UCF101": "a photo of a person doing {}.",
    ]
    /// CoOp's zero-shot templates where they differ from ProGrad's.
    public static let coop: [String: String] = [
        "OxfordPets": "a photo of a {}, a type of pet.",
        "OxfordFlowers": "a photo of a {}, a type of flower.",
        "Flowers102": "a photo of a {}, a type of flower.",
        "FGVCAircraft": "a photo of a {}, a type of aircraft.",
        "DescribableTextures": "{} texture.",
        "DTD": "{} texture.",
        "EuroSAT": "a centered satellite photo of {}.",
        "Food101": "a photo of {}, a type of food.",
        "UCF101": "a photo of a person doing {}.",
    ]
    /// The generic template (ImageNet and its variants, Caltech101, StanfordCars, SUN397, unknown datasets).
    public static let generic = "a photo of a {}."

    /// The template for a dataset from ProGrad's table.
    public static func template(for dataset: String) -> String { prograd[dataset] ?? generic }
}
