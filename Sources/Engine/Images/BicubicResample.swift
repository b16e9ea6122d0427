// Pillow's bicubic resize of 8-bit images (port of python-pillow/Pillow src/libImaging/Resample.c ImagingResample
// semantics with the BICUBIC filter): separable, horizontal pass then vertical, each output pixel a normalized sum
// of the filter (a = −0.5, support 2) stretched by the scale factor when shrinking (antialiasing), with the
// coefficients in 22-bit fixed point and the intermediate image rounded to uint8 between the passes.
import Foundation

enum BicubicResample {
    /// Bits of fraction in the fixed-point coefficients (32 − 8 − 2, as Pillow).
    static let precisionBits = 22

    /// Keys' cubic convolution kernel with a = −0.5.
    @inline(__always)
    static func kernel(_ v: Double) -> Double {
        let a = -0.5
        let x = abs(v)
        if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0
    }

    /// Per output pixel: the first input index, how many inputs, and their fixed-point weights (ksize per row).
    struct Coefficients {
        var first: [Int]
        var count: [Int]
        var weights: [Int32]   // [outSize, ksize]
        var ksize: Int
    }

    /// The coefficients for resampling `inSize` pixels to `outSize` (Pillow's precompute_coeffs +
    /// normalize_coeffs_8bpc with the box [0, inSize]).
    static func coefficients(inSize: Int, outSize: Int) -> Coefficients {
        let scale = Double(inSize) / Double(outSize)
        let filterScale = max(scale, 1)                 // stretch the filter only when shrinking
        let support = 2 * filterScale
        let ksize = Int(support.rounded(.up)) * 2 + 1
        var first = [Int](repeating: 0, count: outSize)
        var count = [Int](repeating: 0, count: outSize)
        var weights = [Int32](repeating: 0, count: outSize * ksize)
        var k = [Double](repeating: 0, count: ksize)
        for xx in 0..<outSize {
            let center = (Double(xx) + 0.5) * scale
            let inverse = 1 / filterScale
            // C's (int) cast truncates toward zero; negative values are clamped to 0 right after anyway.
            let xmin = max(Int(center - support + 0.5), 0)
            let xmax = min(Int(center + support + 0.5), inSize) - xmin
            var total = 0.0
            for x in 0..<max(xmax, 0) {
                let w = kernel((Double(x + xmin) - center + 0.5) * inverse)
                k[x] = w
                total += w
            }
            for x in 0..<max(xmax, 0) {
                if total != 0 { k[x] /= total }
                // Fixed point, rounding half away from zero.
                let scaled = k[x] * Double(1 << precisionBits)
                weights[xx * ksize + x] = Int32(scaled < 0 ? (-0.5 + scaled).rounded(.towardZero) : (0.5 + scaled).rounded(.towardZero))
            }
            first[xx] = xmin
            count[xx] = max(xmax, 0)
        }
        return Coefficients(first: first, count: count, weights: weights, ksize: ksize)
    }

    /// A fixed-point sum → uint8: round (the 2^21 start value) and clip to 0…255.
    @inline(__always)
    static func clip8(_ sum: Int) -> UInt8 {
        let v = sum >> precisionBits
        return v < 0 ? 0 : v > 255 ? 255 : UInt8(v)
    }

    /// `image` resized to `width`×`height` exactly as Pillow's Image.resize((width, height), Image.BICUBIC).
    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0, "resize to \(width)x\(height)")
        if image.width == width && image.height == height { return image }
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        let horizontal = coefficients(inSize: image.width, outSize: width)
        var vertical = coefficients(inSize: image.height, outSize: height)
        let half = 1 << (precisionBits - 1)

        var source = image
        if needHorizontal {
            // Only the rows the vertical pass will read.
            let firstRow = vertical.first[0]
            let lastRow = vertical.first[height - 1] + vertical.count[height - 1]
            for i in 0..<height { vertical.first[i] -= firstRow }
            let rows = lastRow - firstRow
            var out = [UInt8](repeating: 0, count: rows * width * 3)
            image.pixels.withUnsafeBufferPointer { src in
                horizontal.weights.withUnsafeBufferPointer { w in
                    out.withUnsafeMutableBufferPointer { dst in
                        for y in 0..<rows {
                            let row = (y + firstRow) * image.width * 3
                            for xx in 0..<width {
                                let x0 = horizontal.first[xx], n = horizontal.count[xx], kb = xx * horizontal.ksize
                                var r = half, g = half, b = half
                                for x in 0..<n {
                                    let weight = Int(w[kb + x]), p = row + (x0 + x) * 3
                                    r += Int(src[p]) * weight
                                    g += Int(src[p + 1]) * weight
                                    b += Int(src[p + 2]) * weight
                                }
                                let o = (y * width + xx) * 3
                                dst[o] = clip8(r); dst[o + 1] = clip8(g); dst[o + 2] = clip8(b)
                            }
                        }
                    }
                }
            }
            source = RGBImage(width: width, height: rows, pixels: out)
        }
        guard needVertical else { return source }
        var out = [UInt8](repeating: 0, count: height * width * 3)
        let rowLength = width * 3
        source.pixels.withUnsafeBufferPointer { src in
            vertical.weights.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { dst in
                    for yy in 0..<height {
                        let y0 = vertical.first[yy], n = vertical.count[yy], kb = yy * vertical.ksize
                        for c in 0..<rowLength {
                            var s = half
                            for y in 0..<n { s += Int(src[(y0 + y) * rowLength + c]) * Int(w[kb + y]) }
                            dst[yy * rowLength + c] = clip8(s)
                        }
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
