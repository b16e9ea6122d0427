// Image decoding and CLIP preprocessing against Pillow 13 + torchvision reference pixels (Tests/Fixtures/images),
// broken files made here from valid ones, and the random-resized-crop augmentation.
import XCTest
@testable import Engine

final class ImageTests: XCTestCase {
    static let images = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images")
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("images-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    struct Window: Decodable { var top: Int, left: Int, height: Int, width: Int }
    struct Crop: Decodable { var resized_wh: [Int]; var crop_top: Int; var crop_left: Int }
    struct Entry: Decodable {
        var file: String
        var width: Int
        var height: Int
        var decoded_window: Window
        var n32: Crop
        var n224: Crop
    }
    struct Manifest: Decodable { var images: [Entry] }

    func manifest() throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: Self.images.appendingPathComponent("expected.json")))
    }

    func expected() throws -> SafetensorsFile { try SafetensorsFile(url: Self.images.appendingPathComponent("expected.safetensors")) }

    /// Largest absolute difference between two arrays of equal length.
    func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    func assertDecodeFails(_ data: Data, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent("broken-\(UUID().uuidString)")
        try data.write(to: url)
        XCTAssertThrowsError(try ImageDecoder.decode(url: url), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(url.path), "error does not name the file: \(text)", file: file, line: line)
            for f in fragments { XCTAssertTrue(text.contains(f), "error lacks \"\(f)\": \(text)", file: file, line: line) }
        }
    }
}

// MARK: - Decoding
extension ImageTests {
    func testDecodedPixelsMatchPillowConvertRGB() throws {
        let reference = try expected()
        for entry in try manifest().images {
            let image = try ImageDecoder.decode(url: Self.images.appendingPathComponent(entry.file))
            XCTAssertEqual(image.width, entry.width, entry.file)
            XCTAssertEqual(image.height, entry.height, entry.file)
            let stem = (entry.file as NSString).deletingPathExtension
            let w = entry.decoded_window
            let window = image.cropped(top: w.top, left: w.left, height: w.height, width: w.width).pixels.map(Float.init)
            let pillow = try reference.tensor("\(stem).decoded").values
            // Same libjpeg-turbo IDCT (islow) and upsampling as Pillow's: every mode is expected bit-exact.
            XCTAssertEqual(maxDifference(window, pillow), 0, "\(entry.file) decoded")
        }
    }

    func testEveryStorageModeMatchesPillow() throws {
        // Tests/Fixtures/image-modes (scripts/fixtures/make_image_modes.py): 1/2/4-bit gray, gray+alpha 8/16-bit,
        // palette with tRNS, interlaced RGBA, 16-bit RGBA, 16-bit gray < 256, progressive, 4:2:2 and CMYK JPEG.
        let folder = Self.images.deletingLastPathComponent().appendingPathComponent("image-modes")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()
        XCTAssertEqual(files.count, 12)
        for file in files {
            let image = try ImageDecoder.decode(url: folder.appendingPathComponent(file))
            XCTAssertEqual([image.width, image.height], [37, 29], file)
            XCTAssertEqual(image.pixels, [UInt8](try Data(contentsOf: folder.appendingPathComponent(file + ".rgb"))), file)
            XCTAssertEqual(CLIPPreprocessor(size: 16).centerCropped(image).pixels,
                           [UInt8](try Data(contentsOf: folder.appendingPathComponent(file + ".pre16"))), "\(file) preprocessed")
        }
    }

    func testSixteenBitGrayFollowsPillowClipping() throws {
        let image = try ImageDecoder.decode(url: Self.images.appendingPathComponent("gray16_40x29.png"))
        let highByte = try expected().tensor("gray16_40x29.decoded_high_byte").values
        // Pillow clips I;16 values to 255 rather than rescaling, so this differs from the high byte almost everywhere.
        XCTAssertNotEqual(image.pixels.map(Float.init), highByte)
        XCTAssertEqual(image.pixels.map(Float.init), try expected().tensor("gray16_40x29.decoded").values)
        XCTAssertGreaterThan(image.pixels.filter { $0 == 255 }.count, image.pixels.count / 2)
        XCTAssertLessThan(image.pixels.filter { $0 == 255 }.count, image.pixels.count)
    }

    func testEmptyAndNonImageFiles() throws {
        try assertDecodeFails(Data(), contains: ["file is empty"])
        try assertDecodeFails(Data("hello, world".utf8), contains: ["is not a JPEG or PNG image", "68 65 6c 6c"])
        let missing = directory.appendingPathComponent("missing.jpg")
        XCTAssertThrowsError(try ImageDecoder.decode(url: missing)) { XCTAssertEqual("\($0)", "\(missing.path): not found") }
    }

    func testTruncatedAndCorruptJPEG() throws {
        let valid = try Data(contentsOf: Self.images.appendingPathComponent("rgb_300x200.jpg"))
        try assertDecodeFails(valid.prefix(valid.count / 2), contains: ["corrupt or truncated JPEG", "truncated"])
        try assertDecodeFails(valid.prefix(3), contains: ["corrupt or truncated JPEG"])
        try assertDecodeFails(valid.prefix(200), contains: ["corrupt or truncated JPEG"])
        // Zero the image height in the SOF0 header.
        var bytes = [UInt8](valid)
        let sof = (0..<(bytes.count - 1)).first { bytes[$0] == 0xFF && bytes[$0 + 1] == 0xC0 }!
        bytes[sof + 5] = 0; bytes[sof + 6] = 0
        try assertDecodeFails(Data(bytes), contains: ["corrupt or truncated JPEG"])
        // Garbage over the Huffman tables: every byte after the first 20 set to 0xFF.
        var garbage = [UInt8](valid)
        for i in 20..<garbage.count { garbage[i] = 0xFF }
        try assertDecodeFails(Data(garbage), contains: ["corrupt or truncated JPEG"])
        // Every truncation point of a small JPEG fails cleanly (no crash, no partial image).
        let small = try Data(contentsOf: Self.images.appendingPathComponent("rgb_37x53.jpg"))
        for cut in 1..<(small.count - 2) {
            XCTAssertThrowsError(try ImageDecoder.decode(data: small.prefix(cut), name: "cut \(cut)"))
        }
    }

    func testTruncatedAndCorruptPNG() throws {
        let valid = try Data(contentsOf: Self.images.appendingPathComponent("rgba_50x70.png"))
        try assertDecodeFails(valid.prefix(valid.count / 2), contains: ["corrupt or truncated PNG"])
        try assertDecodeFails(valid.prefix(8), contains: ["corrupt or truncated PNG"])
        try assertDecodeFails(valid.prefix(20), contains: ["corrupt or truncated PNG"])
        // A flipped bit in IHDR breaks its CRC.
        var bytes = [UInt8](valid)
        bytes[18] ^= 0x01
        try assertDecodeFails(Data(bytes), contains: ["corrupt or truncated PNG", "CRC"])
        // Compressed data scrambled (CRC fixed up by nothing: the IDAT CRC check catches it first).
        var scrambled = [UInt8](valid)
        for i in 60..<min(scrambled.count, 400) { scrambled[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try assertDecodeFails(Data(scrambled), contains: ["corrupt or truncated PNG"])
        for cut in 1..<(valid.count - 12) {
            XCTAssertThrowsError(try ImageDecoder.decode(data: valid.prefix(cut), name: "cut \(cut)"))
        }
    }
}

// MARK: - Corruption never crashes
extension ImageTests {
    func testRandomByteCorruptionEitherDecodesOrThrows() throws {
        var rng = SplitMix64(seed: 2026)
        var failures = 0, decoded = 0
        for file in ["rgb_37x53.jpg", "gray_64x48.jpg", "palette_45x33.png", "rgb16_33x41.png"] {
            let valid = [UInt8](try Data(contentsOf: Self.images.appendingPathComponent(file)))
            for _ in 0..<150 {
                var bytes = valid
                for _ in 0..<Int.random(in: 1...8, using: &rng) {
                    bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
                }
                do {
                    let image = try ImageDecoder.decode(data: Data(bytes), name: file)
                    XCTAssertEqual(image.pixels.count, image.width * image.height * 3)
                    decoded += 1
                } catch let error as EngineError {
                    XCTAssertTrue("\(error)".hasPrefix(file), "\(error)")
                    failures += 1
                }
            }
        }
        // Both outcomes occur: JPEG tolerates damaged entropy data (as Pillow does), PNG's CRCs catch most damage.
        XCTAssertGreaterThan(failures, 100)
        XCTAssertGreaterThan(decoded, 10)
    }
}

// MARK: - Preprocessing
extension ImageTests {
    func testResizeAndCropGeometryMatchesTorchvision() throws {
        for entry in try manifest().images {
            for (n, crop) in [(32, entry.n32), (224, entry.n224)] {
                let (w, h) = CLIPPreprocessor.resizedSize(width: entry.width, height: entry.height, shorterSide: n)
                XCTAssertEqual([w, h], crop.resized_wh, "\(entry.file) n \(n)")
                let (top, left) = CLIPPreprocessor.centerCropOffsets(width: w, height: h, size: n)
                XCTAssertEqual(top, crop.crop_top, "\(entry.file) n \(n) top")
                XCTAssertEqual(left, crop.crop_left, "\(entry.file) n \(n) left")
            }
        }
        XCTAssertEqual(CLIPPreprocessor.centerCropOffsets(width: 32, height: 45, size: 32).top, 6)   // 6.5 → 6
        XCTAssertEqual(CLIPPreprocessor.centerCropOffsets(width: 32, height: 39, size: 32).top, 4)   // 3.5 → 4
    }

    func testPreprocessedPixelsMatchPillowWithin2Over255() throws {
        let reference = try expected()
        var compared = 0
        var worst: Float = 0
        for entry in try manifest().images {
            let stem = (entry.file as NSString).deletingPathExtension
            let image = try ImageDecoder.decode(url: Self.images.appendingPathComponent(entry.file))
            for n in [32, 224] where reference.shape(of: "\(stem).pixels\(n)") != nil {
                let ours = CLIPPreprocessor(size: n).centerCrop01(image)
                let pillow = try reference.tensor("\(stem).pixels\(n)").values
                let d = maxDifference(ours, pillow)
                XCTAssertLessThanOrEqual(d, 2 / 255 + 1e-6, "\(entry.file) n \(n)")
                worst = max(worst, d)
                compared += 1
            }
        }
        XCTAssertEqual(compared, 13)
        // The resampler is a port of Pillow's fixed-point arithmetic, so it agrees exactly, not just within 2/255.
        XCTAssertEqual(worst, 0)
    }

    func testNormalizationUsesCLIPMeanAndStd() throws {
        let image = try ImageDecoder.decode(url: Self.images.appendingPathComponent("rgb_61x43.png"))
        let p = CLIPPreprocessor(size: 32)
        let unit = p.centerCrop01(image), normalized = p(image)
        XCTAssertEqual(normalized.count, 3 * 32 * 32)
        for c in 0..<3 {
            for i in stride(from: 0, to: 1024, by: 37) {
                let x = unit[c * 1024 + i]
                XCTAssertEqual(normalized[c * 1024 + i], (x - CLIPPreprocessor.clipMean[c]) / CLIPPreprocessor.clipStd[c])
            }
        }
    }

    func testResizeKeepsConstantImagesAndIdentity() {
        let constant = RGBImage(width: 37, height: 23, pixels: .init(repeating: 173, count: 37 * 23 * 3))
        for (w, h) in [(5, 3), (100, 64), (37, 7), (12, 23)] {
            XCTAssertTrue(CLIPPreprocessor.resize(constant, width: w, height: h).pixels.allSatisfy { $0 == 173 }, "\(w)x\(h)")
        }
        let ramp = RGBImage(width: 4, height: 3, pixels: (0..<36).map { UInt8($0 * 7) })
        XCTAssertEqual(CLIPPreprocessor.resize(ramp, width: 4, height: 3), ramp)
    }

    func testRandomResizedCropFlipIsDeterministicAndInRange() throws {
        let image = try ImageDecoder.decode(url: Self.images.appendingPathComponent("rgb_300x200.jpg"))
        let p = CLIPPreprocessor(size: 32)
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7), c = SplitMix64(seed: 8)
        let first = p.randomResizedCropFlip(image, rng: &a)
        XCTAssertEqual(first, p.randomResizedCropFlip(image, rng: &b))
        XCTAssertNotEqual(first, p.randomResizedCropFlip(image, rng: &c))
        XCTAssertEqual(first.count, 3 * 32 * 32)

        var rng = SplitMix64(seed: 1)
        var areas: [Double] = []
        for _ in 0..<500 {
            let box = CLIPPreprocessor.randomResizedCropBox(width: 300, height: 200, rng: &rng)
            XCTAssertTrue(box.top >= 0 && box.left >= 0 && box.top + box.height <= 200 && box.left + box.width <= 300)
            let ratio = Double(box.width) / Double(box.height)
            XCTAssertTrue(ratio > 0.7 && ratio < 1.45, "ratio \(ratio)")
            areas.append(Double(box.width * box.height) / 60_000)
        }
        XCTAssertLessThan(areas.min()!, 0.15)
        XCTAssertGreaterThan(areas.max()!, 0.85)
    }

    func testRandomResizedCropFallsBackToCenterCrop() {
        // A 100x3 strip: no try fits (h ≥ 4 whenever w ≤ 100), so the fallback takes the widest 4:3 center crop.
        var rng = SplitMix64(seed: 3)
        let box = CLIPPreprocessor.randomResizedCropBox(width: 100, height: 3, rng: &rng)
        XCTAssertEqual(box.height, 3)
        XCTAssertEqual(box.width, 4)
        XCTAssertEqual(box.top, 0)
        XCTAssertEqual(box.left, 48)
        // A square image in range uses the whole image when every try fails is not reachable; check a tall strip too.
        let tall = CLIPPreprocessor.randomResizedCropBox(width: 3, height: 100, rng: &rng)
        XCTAssertEqual([tall.width, tall.height, tall.left, tall.top], [3, 4, 0, 48])
    }

    func testFlipHappensAboutHalfTheTime() {
        // An image whose left half is black and right half white: a flipped view starts white.
        var pixels = [UInt8](repeating: 0, count: 64 * 64 * 3)
        for y in 0..<64 { for x in 32..<64 { for c in 0..<3 { pixels[(y * 64 + x) * 3 + c] = 255 } } }
        let image = RGBImage(width: 64, height: 64, pixels: pixels)
        let p = CLIPPreprocessor(size: 8, mean: [0, 0, 0], std: [1, 1, 1])
        var rng = SplitMix64(seed: 11)
        var flipped = 0, total = 0
        for _ in 0..<200 {
            let view = p.randomResizedCropFlip(image, rng: &rng)
            let left = view[0], right = view[7]
            if left != right { total += 1; if left > right { flipped += 1 } }
        }
        XCTAssertGreaterThan(total, 50)
        XCTAssertTrue(Double(flipped) / Double(total) > 0.3 && Double(flipped) / Double(total) < 0.7, "\(flipped)/\(total)")
    }
}
