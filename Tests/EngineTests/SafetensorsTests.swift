// Safetensors reading and writing: round trip, dtype conversion, and one clear error per kind of broken file.
import XCTest
@testable import Engine

final class SafetensorsTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: directory) }

    /// Writes a file made of a raw header string and data bytes; `lengthOverride` replaces the 8-byte length.
    func rawFile(_ name: String, header: String, data: [UInt8], lengthOverride: UInt64? = nil) throws -> URL {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (lengthOverride ?? UInt64(headerBytes.count)).littleEndian) { bytes += $0 }
        bytes += headerBytes + data
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    func assertOpenFails(_ url: URL, contains fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafetensorsFile(url: url), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(url.path), "error does not name the file: \(text)", file: file, line: line)
            for f in fragments {
                XCTAssertTrue(text.contains(f), "error lacks \"\(f)\": \(text)", file: file, line: line)
            }
        }
    }
}

// MARK: - Round trip and conversion
extension SafetensorsTests {
    func testRoundTripKeepsNamesShapesValuesAndMetadata() throws {
        let a = TensorData(shape: [2, 3], values: [1, -2, 3.5, .pi, -0.0, 1e-30])
        let b = TensorData(shape: [], values: [4.6052])
        let c = TensorData(shape: [0, 4], values: [])
        let url = directory.appendingPathComponent("model.safetensors")
        try SafetensorsWriter.write([("w.a", a), ("logit_scale", b), ("empty", c)], metadata: ["format": "pt"], to: url)

        let file = try SafetensorsFile(url: url)
        XCTAssertEqual(file.names, ["empty", "logit_scale", "w.a"])
        XCTAssertEqual(file.shape(of: "w.a"), [2, 3])
        XCTAssertNil(file.shape(of: "missing"))
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(try file.tensor("w.a"), a)
        XCTAssertEqual(try file.tensor("logit_scale"), b)
        XCTAssertEqual(try file.tensor("empty"), c)
        // Data starts 8-byte aligned, as safetensors writers do.
        let bytes = try Data(contentsOf: url)
        let n = bytes.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        XCTAssertEqual(n % 8, 0)
        XCTAssertThrowsError(try file.tensor("missing")) { XCTAssertTrue("\($0)".contains("has no tensor missing")) }
    }

    func testWriteReplacesAnExistingFileAndLeavesNoTemporaryFile() throws {
        let url = directory.appendingPathComponent("x.safetensors")
        try SafetensorsWriter.write([("a", TensorData(shape: [1], values: [1]))], to: url)
        try SafetensorsWriter.write([("a", TensorData(shape: [2], values: [5, 6]))], to: url)
        XCTAssertEqual(try SafetensorsFile(url: url).tensor("a").values, [5, 6])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["x.safetensors"])
    }

    func testWriteRefusesDuplicateNames() {
        let t = TensorData(shape: [1], values: [1])
        XCTAssertThrowsError(try SafetensorsWriter.write([("a", t), ("a", t)], to: directory.appendingPathComponent("d.safetensors")))
    }

    func testFloat16ConvertsExactly() throws {
        // 1, -2, 65504 (max), 2^-24 (smallest subnormal), 2^-14 (smallest normal), 0.333251953125, -0, inf
        let bits: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x0400, 0x3555, 0x8000, 0x7C00]
        let expected: [Float] = [1, -2, 65504, 0x1p-24, 0x1p-14, 0.333251953125, -0.0, .infinity]
        var data: [UInt8] = []
        for b in bits { withUnsafeBytes(of: b.littleEndian) { data += $0 } }
        let url = try rawFile("h.safetensors",
                              header: #"{"h":{"dtype":"F16","shape":[8],"data_offsets":[0,16]}}"#, data: data)
        let values = try SafetensorsFile(url: url).tensor("h").values
        XCTAssertEqual(values.map(\.bitPattern), expected.map(\.bitPattern))
        // Every finite half agrees with Swift's own Float16 widening.
        let mismatches = (UInt16(0)...UInt16.max).filter {
            ($0 & 0x7C00) != 0x7C00 && halfToFloat($0).bitPattern != Float(Float16(bitPattern: $0)).bitPattern
        }
        XCTAssertEqual(mismatches, [])
    }

    func testBFloat16ConvertsExactly() throws {
        let expected: [Float] = [1, -3.140625, 1e-38, -0.0, 3.3895314e38]
        var data: [UInt8] = []
        for v in expected { withUnsafeBytes(of: UInt16(v.bitPattern >> 16).littleEndian) { data += $0 } }
        // The header length is odd on purpose: the data is unaligned.
        let url = try rawFile("b.safetensors",
                              header: #"{"b":{"dtype":"BF16","shape":[5],"data_offsets":[0,10]}} "#, data: data)
        let values = try SafetensorsFile(url: url).tensor("b").values
        XCTAssertEqual(values.map(\.bitPattern), expected.map { $0.bitPattern & 0xFFFF_0000 })
    }

    func testIntegerAndDoubleTensorsConvert() throws {
        var data: [UInt8] = []
        for v: Int64 in [0, 1, 76] { withUnsafeBytes(of: v.littleEndian) { data += $0 } }
        withUnsafeBytes(of: Double(0.5)) { data += $0 }
        let url = try rawFile("i.safetensors", header: #"{"ids":{"dtype":"I64","shape":[1,3],"data_offsets":[0,24]},"d":{"dtype":"F64","shape":[],"data_offsets":[24,32]}}"#, data: data)
        let file = try SafetensorsFile(url: url)
        XCTAssertEqual(try file.tensor("ids"), TensorData(shape: [1, 3], values: [0, 1, 76]))
        XCTAssertEqual(try file.tensor("d").values, [0.5])
    }
}

// MARK: - Broken files
extension SafetensorsTests {
    func testEmptyFile() throws {
        let url = directory.appendingPathComponent("empty.safetensors")
        try Data().write(to: url)
        assertOpenFails(url, contains: ["file is empty"])
    }

    func testTruncatedBeforeHeaderLength() throws {
        let url = directory.appendingPathComponent("short.safetensors")
        try Data([1, 2, 3]).write(to: url)
        assertOpenFails(url, contains: ["truncated", "3 bytes"])
    }

    func testTruncatedData() throws {
        let url = directory.appendingPathComponent("t.safetensors")
        try SafetensorsWriter.write([("w", TensorData(shape: [4, 4], values: .init(repeating: 1, count: 16)))], to: url)
        let bytes = try Data(contentsOf: url)
        try bytes.prefix(bytes.count - 10).write(to: url)
        assertOpenFails(url, contains: ["tensor w", "run past the end of the data", "truncated"])
    }

    func testHeaderLengthPastTheEnd() throws {
        let url = try rawFile("hl.safetensors", header: "{}", data: [], lengthOverride: 4096)
        assertOpenFails(url, contains: ["header length 4096 runs past the end of the file"])
        let huge = try rawFile("huge.safetensors", header: "{}", data: [], lengthOverride: UInt64.max)
        assertOpenFails(huge, contains: ["100 MB limit"])
    }

    func testInvalidJSON() throws {
        let url = try rawFile("j.safetensors", header: #"{"w":{"dtype":"F32","#, data: [])
        assertOpenFails(url, contains: ["not valid JSON"])
        let array = try rawFile("a.safetensors", header: "[1,2]", data: [])
        assertOpenFails(array, contains: ["not an object"])
    }

    func testHeaderOffsetsPastTheEnd() throws {
        let url = try rawFile("o.safetensors", header: #"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
                              data: .init(repeating: 0, count: 12))
        assertOpenFails(url, contains: ["tensor w", "[8, 16]", "past the end"])
    }

    func testOverlappingRanges() throws {
        let url = try rawFile("ov.safetensors",
                              header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                              data: .init(repeating: 0, count: 12))
        assertOpenFails(url, contains: ["tensors a", "b", "overlap"])
    }

    func testWrongDtypeSize() throws {
        // 3 F32 values need 12 bytes, the offsets give 6 (as if F16).
        let url = try rawFile("ds.safetensors", header: #"{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,6]}}"#,
                              data: .init(repeating: 0, count: 6))
        assertOpenFails(url, contains: ["tensor w", "needs 12 bytes", "hold 6"])
    }

    func testUnknownDtype() throws {
        let url = try rawFile("u.safetensors", header: #"{"w":{"dtype":"F12","shape":[1],"data_offsets":[0,4]}}"#,
                              data: .init(repeating: 0, count: 4))
        assertOpenFails(url, contains: ["tensor w", "unknown dtype F12"])
    }

    func testMalformedShapeAndOffsets() throws {
        let shape = try rawFile("s.safetensors", header: #"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#,
                                data: .init(repeating: 0, count: 4))
        assertOpenFails(shape, contains: ["tensor w", "shape"])
        let offsets = try rawFile("r.safetensors", header: #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}"#,
                                  data: .init(repeating: 0, count: 4))
        assertOpenFails(offsets, contains: ["tensor w", "data_offsets"])
    }

    func testUnconvertibleDtypeIsRefusedOnRead() throws {
        let url = try rawFile("f8.safetensors", header: #"{"w":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}"#,
                              data: [0, 0])
        let file = try SafetensorsFile(url: url)
        XCTAssertThrowsError(try file.tensor("w")) { XCTAssertTrue("\($0)".contains("F8_E4M3")) }
    }

    func testMissingFileIsAnIOError() {
        let url = directory.appendingPathComponent("nope.safetensors")
        XCTAssertThrowsError(try SafetensorsFile(url: url)) {
            XCTAssertEqual($0 as? EngineError, .io(file: url.path, message: "cannot open: No such file or directory"))
        }
    }
}
