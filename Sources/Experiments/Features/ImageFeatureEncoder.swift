// The frozen image tower as the experiments layer sees it: an image file and a view index in, a feature vector out.
import Foundation

/// Encodes images into (projected, not normalized) feature vectors. The real implementation decodes, preprocesses
/// and runs the CLIP image encoder; tests use a fake. Errors for unreadable images name the file.
public protocol ImageFeatureEncoder: AnyObject {
    /// Identifies the weights (part of every cache key): equal fingerprints must mean equal features.
    var modelFingerprint: String { get }
    /// Identifies preprocessing and augmentation (e.g. "clip-224-bicubic-centercrop/rrc-flip-v1").
    var preprocessing: String { get }
    /// Feature length.
    var dimension: Int { get }
    /// View 0 = resize + center crop; view v ≥ 1 = the v-th augmented view of this image, deterministic in (image, v).
    func encode(imageAt url: URL, view: Int) throws -> [Float]
    /// Encodes several images at once (the real encoder batches them into one forward pass); per-image results.
    func encode(imagesAt urls: [URL], view: Int) -> [Result<[Float], Error>]
}

extension ImageFeatureEncoder {
    public func encode(imagesAt urls: [URL], view: Int) -> [Result<[Float], Error>] {
        urls.map { url in Result { try encode(imageAt: url, view: view) } }
    }
}

/// The fingerprint of a model file or folder: names, sizes, modification times and a hash of config.json.
public func modelFingerprint(of url: URL) -> String {
    var h = FNV1a64()
    let fm = FileManager.default
    var files: [URL] = [url]
    if let names = try? fm.contentsOfDirectory(atPath: url.path) {
        files = names.sorted().filter { !$0.hasPrefix(".") }.map { url.appendingPathComponent($0) }
    }
    for file in files {
        h.combine(file.lastPathComponent)
        if let attributes = try? fm.attributesOfItem(atPath: file.path) {
            h.combine(String(describing: attributes[.size] ?? 0))
            h.combine(String((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0))
        }
        if file.lastPathComponent == "config.json", let data = fm.contents(atPath: file.path) { h.combine(data) }
    }
    return h.hexDigest
}
