// Decodes JPEG and PNG files (recognized by content) to 8-bit RGB as Pillow's Image.open(f).convert("RGB") does,
// through the CImageCodec C target, which keeps libjpeg/libpng's longjmp error handling out of Swift.
import CImageCodec
import Foundation

public enum ImageDecoder {
    /// Pillow's decompression-bomb limit (2 × Image.MAX_IMAGE_PIXELS): larger images are refused.
    public static let maxPixels = 2 * 89_478_485

    /// The image in the file at `url` (JPEG or PNG, whatever its extension); errors name the file and the problem.
    public static func decode(url: URL) throws -> RGBImage {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot read: \(error.localizedDescription)" : "not found"
            throw EngineError.io(file: url.path, message: reason)
        }
        return try decode(data: data, name: url.path)
    }

    /// The image in `data`; `name` labels errors (a path or a description).
    public static func decode(data: Data, name: String) throws -> RGBImage {
        guard !data.isEmpty else { throw EngineError.badImage(file: name, message: "file is empty; expected a JPEG or PNG image") }
        let bytes = [UInt8](data)
        let isJPEG = bytes.count >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF
        let isPNG = bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        guard isJPEG || isPNG else {
            let head = bytes.prefix(8).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw EngineError.badImage(file: name, message: "is not a JPEG or PNG image (starts with \(head))")
        }
        var image = pgw_image()
        let status = bytes.withUnsafeBufferPointer { buffer in
            isJPEG ? pgw_decode_jpeg(buffer.baseAddress, buffer.count, maxPixels, &image)
                   : pgw_decode_png(buffer.baseAddress, buffer.count, maxPixels, &image)
        }
        defer { pgw_image_free(&image) }
        guard status == 0, let pixels = image.pixels else {
            let message = withUnsafeBytes(of: image.message) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            throw EngineError.badImage(file: name, message: "corrupt or truncated \(isJPEG ? "JPEG" : "PNG"): \(message)")
        }
        let width = Int(image.width), height = Int(image.height)
        return RGBImage(width: width, height: height,
                        pixels: Array(UnsafeBufferPointer(start: pixels, count: width * height * 3)))
    }
}
