// CLIP's image transforms as CoOp/ProGrad apply them (torchvision on PIL images): the test transform
// Resize(n, BICUBIC) → CenterCrop(n) → ToTensor → Normalize, and the training augmentation
// RandomResizedCrop(n, scale (0.08, 1), ratio (3/4, 4/3), BICUBIC) → RandomHorizontalFlip(0.5) → ToTensor → Normalize
// (semantics of pytorch/vision transforms.Resize/CenterCrop/RandomResizedCrop.get_params).
import Foundation

/// Turns RGB images into the model's input: [3, size, size] floats, CHW.
public struct CLIPPreprocessor: Sendable {
    /// CLIP's per-channel mean and standard deviation (of the pixels scaled to [0, 1]).
    public static let clipMean: [Float] = [0.48145466, 0.4578275, 0.40821073]
    public static let clipStd: [Float] = [0.26862954, 0.26130258, 0.27577711]

    public let size: Int
    public let mean: [Float]
    public let std: [Float]

    public init(size: Int, mean: [Float] = CLIPPreprocessor.clipMean, std: [Float] = CLIPPreprocessor.clipStd) {
        precondition(size > 0 && mean.count == 3 && std.count == 3, "size > 0 and three means and stds")
        self.size = size; self.mean = mean; self.std = std
    }

    /// torchvision Resize(n) on a w×h image: the shorter side becomes n, the longer int(n · long / short).
    public static func resizedSize(width w: Int, height h: Int, shorterSide n: Int) -> (width: Int, height: Int) {
        let (short, long) = w <= h ? (w, h) : (h, w)
        let newLong = Int(Double(n * long) / Double(short))
        return w <= h ? (n, newLong) : (newLong, n)
    }

    /// torchvision CenterCrop offsets: top = round((h − n) / 2), left = round((w − n) / 2), halves to even (Python round).
    public static func centerCropOffsets(width w: Int, height h: Int, size n: Int) -> (top: Int, left: Int) {
        (Int((Double(h - n) / 2).rounded(.toNearestOrEven)), Int((Double(w - n) / 2).rounded(.toNearestOrEven)))
    }

    /// `image` resized with Pillow's antialiased bicubic filter.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        BicubicResample.resize(image, width: width, height: height)
    }

    /// The resized and center-cropped image (still uint8).
    public func centerCropped(_ image: RGBImage) -> RGBImage {
        let (w, h) = Self.resizedSize(width: image.width, height: image.height, shorterSide: size)
        let resized = Self.resize(image, width: w, height: h)
        let (top, left) = Self.centerCropOffsets(width: w, height: h, size: size)
        return resized.cropped(top: top, left: left, height: size, width: size)
    }

    /// Resize shorter side to size (PIL bicubic, antialiased) + torchvision center crop → [0,1] floats, CHW.
    public func centerCrop01(_ image: RGBImage) -> [Float] {
        Self.chw(centerCropped(image), mean: [0, 0, 0], std: [1, 1, 1])
    }

    /// centerCrop01 then normalized: the model's input [3, size, size].
    public func callAsFunction(_ image: RGBImage) -> [Float] {
        Self.chw(centerCropped(image), mean: mean, std: std)
    }

    /// torchvision RandomResizedCrop.get_params with scale (0.08, 1) and ratio (3/4, 4/3): ten tries at a random area
    /// and log-uniform aspect ratio, else the largest center crop within the ratio range. → (top, left, height, width)
    public static func randomResizedCropBox(width: Int, height: Int, rng: inout SplitMix64)
        -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Double(width * height)
        let (minRatio, maxRatio) = (3.0 / 4.0, 4.0 / 3.0)
        let (logMin, logMax) = (log(minRatio), log(maxRatio))
        for _ in 0..<10 {
            let targetArea = area * (0.08 + (1 - 0.08) * rng.nextUniform())
            let aspect = exp(logMin + (logMax - logMin) * rng.nextUniform())
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let top = Int.random(in: 0...(height - h), using: &rng)
                let left = Int.random(in: 0...(width - w), using: &rng)
                return (top, left, h, w)
            }
        }
        let inRatio = Double(width) / Double(height)
        var w = width, h = height
        if inRatio < minRatio {
            h = Int((Double(w) / minRatio).rounded(.toNearestOrEven))
        } else if inRatio > maxRatio {
            w = Int((Double(h) * maxRatio).rounded(.toNearestOrEven))
        }
        return ((height - h) / 2, (width - w) / 2, h, w)
    }

    /// RandomResizedCrop(scale (0.08, 1), ratio (3/4, 4/3), bicubic) + horizontal flip p=0.5, normalized,
    /// deterministic for a given generator.
    public func randomResizedCropFlip(_ image: RGBImage, rng: inout SplitMix64) -> [Float] {
        let box = Self.randomResizedCropBox(width: image.width, height: image.height, rng: &rng)
        let crop = image.cropped(top: box.top, left: box.left, height: box.height, width: box.width)
        var view = Self.resize(crop, width: size, height: size)
        if rng.nextUniform() < 0.5 { view = view.flippedHorizontally() }
        return Self.chw(view, mean: mean, std: std)
    }

    /// HWC uint8 → CHW floats (v / 255 − mean) / std, in fp32 as torchvision's ToTensor + Normalize compute it.
    static func chw(_ image: RGBImage, mean: [Float], std: [Float]) -> [Float] {
        let plane = image.width * image.height
        var out = [Float](repeating: 0, count: 3 * plane)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for c in 0..<3 {
                    let m = mean[c], s = std[c]
                    for i in 0..<plane { dst[c * plane + i] = (Float(src[i * 3 + c]) / 255 - m) / s }
                }
            }
        }
        return out
    }
}
