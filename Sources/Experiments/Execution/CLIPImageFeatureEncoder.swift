// The frozen CLIP image tower behind the feature cache: decode → CoOp's test transform (view 0) or a seeded
// RandomResizedCrop + flip (views ≥ 1) → image encoder → projected features.
import Engine
import Foundation

/// Encodes image files with a CLIP model's vision tower.
public final class CLIPImageFeatureEncoder: ImageFeatureEncoder, @unchecked Sendable {
    public let model: CLIPModel
    public let modelFingerprint: String
    public let preprocessing: String
    public var dimension: Int { model.config.projectionDim }
    let preprocessor: CLIPPreprocessor

    public init(model: CLIPModel, fingerprint: String) {
        self.model = model
        self.modelFingerprint = fingerprint
        let size = model.config.vision.imageSize
        self.preprocessor = CLIPPreprocessor(size: size)
        self.preprocessing = "clip-\(size)-bicubic-centercrop/rrc-0.08-flip-splitmix-v1"
    }

    /// The seed of view `view` of an image: a hash of its path and the view (the same view is the same crop).
    static func viewSeed(path: String, view: Int) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in path.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        return h ^ (UInt64(view) &* 0x9E37_79B9_7F4A_7C15)
    }

    func pixels(of url: URL, view: Int) throws -> [Float] {
        let image = try ImageDecoder.decode(url: url)
        if view == 0 { return preprocessor(image) }
        var rng = SplitMix64(seed: Self.viewSeed(path: url.path, view: view))
        return preprocessor.randomResizedCropFlip(image, rng: &rng)
    }

    public func encode(imageAt url: URL, view: Int) throws -> [Float] {
        model.vision.encode(pixels: try pixels(of: url, view: view), count: 1)
    }

    public func encode(imagesAt urls: [URL], view: Int) -> [Result<[Float], Error>] {
        let decoded = urls.map { url in Result { try pixels(of: url, view: view) } }
        let good = decoded.compactMap { try? $0.get() }
        guard !good.isEmpty else { return decoded.map { $0.map { _ in [] } } }
        let d = dimension
        let features = model.vision.encode(pixels: Array(good.joined()), count: good.count)
        var k = 0
        return decoded.map { r in
            r.map { _ in defer { k += 1 }; return Array(features[(k * d)..<((k + 1) * d)]) }
        }
    }
}
