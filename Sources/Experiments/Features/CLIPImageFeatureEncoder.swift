// The real image encoder behind the feature cache: decode (JPEG/PNG as Pillow's convert("RGB")), CLIP preprocessing,
// and the frozen CLIP image tower, batched.
import Engine
import Foundation

/// Encodes image files with a CLIP model's image tower. View 0 is CoOp's test transform (resize the shorter side,
/// center crop); view v ≥ 1 is a RandomResizedCrop + flip drawn from a generator seeded by the file's content and v,
/// so a view is the same image on every run and machine (and its cached features stay valid).
public final class CLIPImageFeatureEncoder: ImageFeatureEncoder, @unchecked Sendable {
    public let vision: ImageEncoder
    public let modelFingerprint: String
    public let preprocessing: String
    public let dimension: Int
    private let preprocessor: CLIPPreprocessor
    private let lock = NSLock()

    /// An encoder over an already loaded model's image tower.
    public init(model: CLIPModel, fingerprint: String) {
        vision = model.vision
        modelFingerprint = fingerprint
        dimension = model.vision.projectionDim
        let size = model.config.vision.imageSize
        preprocessor = CLIPPreprocessor(size: size)
        preprocessing = "clip-\(size)-bicubic-centercrop/rrc0.08-flip-splitmix-fnv/v1"
    }

    /// Loads the model at `url` (Hugging Face folder or checkpoint file).
    public convenience init(modelAt url: URL) throws {
        self.init(model: try CLIPModel.load(from: url), fingerprint: Experiments.modelFingerprint(of: url))
    }

    public func encode(imageAt url: URL, view: Int) throws -> [Float] {
        try encode(imagesAt: [url], view: view)[0].get()
    }

    public func encode(imagesAt urls: [URL], view: Int) -> [Result<[Float], Error>] {
        var results = [Result<[Float], Error>?](repeating: nil, count: urls.count)
        var pixels: [Float] = []
        var batch: [Int] = []
        for (i, url) in urls.enumerated() {
            do {
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw DatasetError("\(url.path): image file not found")
                }
                let image = try ImageDecoder.decode(data: data, name: url.path)
                if view == 0 {
                    pixels += preprocessor(image)
                } else {
                    var h = FNV1a64(); h.combine(data); h.combine("view \(view)")
                    var rng = SplitMix64(seed: h.value)
                    pixels += preprocessor.randomResizedCropFlip(image, rng: &rng)
                }
                batch.append(i)
            } catch {
                results[i] = .failure(error)
            }
        }
        if !batch.isEmpty {
            lock.lock()
            let features = vision.encode(pixels: pixels, count: batch.count)
            lock.unlock()
            for (row, i) in batch.enumerated() {
                results[i] = .success(Array(features[(row * dimension)..<((row + 1) * dimension)]))
            }
        }
        return results.map { $0! }
    }
}
