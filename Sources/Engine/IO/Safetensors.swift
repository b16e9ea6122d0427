// Reads a .safetensors file: validates its header and memory-maps the tensor bytes (format of huggingface/safetensors).
//
// Layout: 8 bytes little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]},
// "__metadata__": {string: string}}, then the data; offsets are relative to the first byte after the header.
import Foundation

/// One tensor's entry in a safetensors header.
public struct SafetensorsEntry: Sendable, Equatable {
    public var dtype: SafetensorsDType
    public var shape: [Int]
    /// Byte range inside the data section (after the header).
    public var range: Range<Int>
}

/// A memory-mapped safetensors file whose header was validated on open.
public final class SafetensorsFile {
    /// The file this was opened from.
    public let url: URL
    /// Header entries by tensor name.
    public let entries: [String: SafetensorsEntry]
    /// The free-form "__metadata__" map of the header.
    public let metadata: [String: String]

    private let mapping: UnsafeMutableRawPointer
    private let mappedSize: Int
    private let dataStart: Int

    /// Header lengths above this are refused, as the reference implementation does (100 MB).
    static let maxHeaderLength = 100_000_000

    /// Opens and validates `url`; every problem is reported with the file's path and what was expected.
    public init(url: URL) throws {
        self.url = url
        let path = url.path
        func fail(_ message: String) -> EngineError { .badCheckpoint(file: path, message: message) }

        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw EngineError.io(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw EngineError.io(file: path, message: "cannot stat: \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw EngineError.io(file: path, message: "is not a regular file; expected a .safetensors file")
        }
        let fileSize = Int(info.st_size)
        if fileSize == 0 { throw fail("file is empty; expected a safetensors file (8-byte header length, JSON header, data)") }
        if fileSize < 8 {
            throw fail("file is truncated: \(fileSize) bytes, shorter than the 8-byte header length; is the download complete?")
        }
        guard let map = mmap(nil, fileSize, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw EngineError.io(file: path, message: "cannot memory-map: \(String(cString: strerror(errno)))")
        }
        var mapped = true
        defer { if mapped { munmap(map, fileSize) } }

        let headerLength = map.loadUnaligned(as: UInt64.self).littleEndian
        guard headerLength <= UInt64(Self.maxHeaderLength) else {
            throw fail("header length \(headerLength) is larger than the 100 MB limit; this is not a safetensors file")
        }
        let n = Int(headerLength)
        guard 8 + n <= fileSize else {
            throw fail("header length \(n) runs past the end of the file (\(fileSize) bytes); the file is truncated or not safetensors")
        }
        let headerData = Data(bytes: map + 8, count: n)
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: headerData) } catch {
            throw fail("header is not valid JSON (\(n) bytes after the length); the file is corrupt or not safetensors")
        }
        guard let object = json as? [String: Any] else { throw fail("header JSON is not an object of tensors") }

        let dataSize = fileSize - 8 - n
        var entries: [String: SafetensorsEntry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in object {
            if name == "__metadata__" {
                guard let map = value as? [String: Any] else { throw fail("__metadata__ is not an object of strings") }
                for (k, v) in map {
                    guard let s = v as? String else { throw fail("__metadata__ field \(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            entries[name] = try Self.parseEntry(name: name, value, dataSize: dataSize, fail: fail)
        }
        // Ranges must not overlap: sort by start and compare neighbours.
        let sorted = entries.sorted { ($0.value.range.lowerBound, $0.key) < ($1.value.range.lowerBound, $1.key) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where !a.value.range.isEmpty && !b.value.range.isEmpty {
            if b.value.range.lowerBound < a.value.range.upperBound {
                throw fail("tensors \(a.key) (bytes \(a.value.range.lowerBound)..<\(a.value.range.upperBound)) and "
                    + "\(b.key) (bytes \(b.value.range.lowerBound)..<\(b.value.range.upperBound)) overlap; the header is corrupt")
            }
        }
        self.entries = entries
        self.metadata = metadata
        self.mapping = map
        self.mappedSize = fileSize
        self.dataStart = 8 + n
        mapped = false
    }

    deinit { munmap(mapping, mappedSize) }

    private static func parseEntry(name: String, _ value: Any, dataSize: Int,
                                   fail: (String) -> EngineError) throws -> SafetensorsEntry {
        guard let fields = value as? [String: Any] else { throw fail("tensor \(name): header entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw fail("tensor \(name): missing dtype") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw fail("tensor \(name): unknown dtype \(dtypeName); expected one of "
                + SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let shapeValues = fields["shape"] as? [Any], let shape = integers(shapeValues), shape.allSatisfy({ $0 >= 0 })
        else { throw fail("tensor \(name): shape is not a list of non-negative integers") }
        guard let offsetValues = fields["data_offsets"] as? [Any], let offsets = integers(offsetValues), offsets.count == 2,
              offsets[0] >= 0, offsets[1] >= offsets[0]
        else { throw fail("tensor \(name): data_offsets is not [begin, end] with 0 ≤ begin ≤ end") }
        let (elements, overflow) = shape.reduce((1, false)) { acc, d in
            let (p, o) = acc.0.multipliedReportingOverflow(by: d); return (p, acc.1 || o)
        }
        let (bytes, overflow2) = elements.multipliedReportingOverflow(by: dtype.size)
        if overflow || overflow2 { throw fail("tensor \(name): shape \(shape) is too large") }
        if offsets[1] - offsets[0] != bytes {
            throw fail("tensor \(name): shape \(shape) × \(dtype.rawValue) (\(dtype.size) bytes) needs \(bytes) bytes, "
                + "data_offsets [\(offsets[0]), \(offsets[1])] hold \(offsets[1] - offsets[0]); the header is corrupt")
        }
        if offsets[1] > dataSize {
            throw fail("tensor \(name): data_offsets [\(offsets[0]), \(offsets[1])] run past the end of the data "
                + "(\(dataSize) bytes); the file is truncated")
        }
        return SafetensorsEntry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
    }

    /// Integers from JSON numbers; nil if any is fractional, negative beyond Int or not a number.
    private static func integers(_ values: [Any]) -> [Int]? {
        var out: [Int] = []
        for v in values {
            guard let number = v as? NSNumber else { return nil }
            let d = number.doubleValue
            guard d.rounded() == d, abs(d) < 9.0e15 else { return nil }
            out.append(number.intValue)
        }
        return out
    }

    /// Tensor names, sorted.
    public var names: [String] { entries.keys.sorted() }

    /// The shape of `name`, or nil if the file has no such tensor.
    public func shape(of name: String) -> [Int]? { entries[name]?.shape }

    /// The dtype of `name`, or nil if the file has no such tensor.
    public func dtype(of name: String) -> SafetensorsDType? { entries[name]?.dtype }

    /// The tensor `name` converted to fp32 (from F32, F16, BF16, F64 and integer dtypes).
    public func tensor(_ name: String) throws -> TensorData {
        guard let entry = entries[name] else {
            throw EngineError.badCheckpoint(file: url.path, message: "has no tensor \(name)")
        }
        guard entry.dtype.convertsToFloat else {
            throw EngineError.badCheckpoint(file: url.path,
                message: "tensor \(name) has dtype \(entry.dtype.rawValue), which is not converted to fp32; save it as F32, F16 or BF16")
        }
        let count = entry.shape.reduce(1, *)
        let source = UnsafeRawPointer(mapping + dataStart + entry.range.lowerBound)
        let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { entry.dtype.convert(source, count: count, into: buffer.baseAddress!) }
            initialized = count
        }
        return TensorData(shape: entry.shape, values: values)
    }
}
