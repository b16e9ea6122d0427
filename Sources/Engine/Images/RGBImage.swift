// An 8-bit RGB image in memory (rows top to bottom, pixels left to right, RGB interleaved), with cropping and flipping.

/// 8-bit RGB pixels, HWC.
public struct RGBImage: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [UInt8]   // [height, width, 3]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && pixels.count == width * height * 3,
                     "\(width)x\(height) RGB needs \(width * height * 3) bytes, got \(pixels.count)")
        self.width = width; self.height = height; self.pixels = pixels
    }

    /// The rectangle of `width`×`height` pixels whose top-left corner is (`left`, `top`); it must lie inside.
    public func cropped(top: Int, left: Int, height h: Int, width w: Int) -> RGBImage {
        precondition(top >= 0 && left >= 0 && h >= 0 && w >= 0 && top + h <= height && left + w <= width,
                     "crop \(w)x\(h) at (\(left), \(top)) is outside the \(width)x\(height) image")
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let src = ((top + y) * width + left) * 3
            out[(y * w * 3)..<((y + 1) * w * 3)] = pixels[src..<(src + w * 3)]
        }
        return RGBImage(width: w, height: h, pixels: out)
    }

    /// The image mirrored left to right.
    public func flippedHorizontally() -> RGBImage {
        var out = pixels
        for y in 0..<height {
            for x in 0..<width {
                let s = (y * width + (width - 1 - x)) * 3, d = (y * width + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
