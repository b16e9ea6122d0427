// Writes fp32 tensors as a .safetensors file, atomically: a temporary file in the same folder, then rename.
import Foundation

/// Writer of fp32 safetensors files (header padded with spaces so the data starts 8-byte aligned).
public enum SafetensorsWriter {
    /// Writes `tensors` in the given order with `metadata` as "__metadata__"; the file appears complete or not at all.
    /// `durable` flushes the data to disk before the rename (off only for scratch files).
    public static func write(_ tensors: [(name: String, tensor: TensorData)], metadata: [String: String] = [:],
                             to url: URL, durable: Bool = true) throws {
        let path = url.path
        var seen = Set<String>()
        for (name, _) in tensors where !seen.insert(name).inserted {
            throw EngineError.invalidArgument("\(path): tensor \(name) is given twice")
        }
        let header = try headerBytes(tensors, metadata: metadata, path: path)

        let directory = url.deletingLastPathComponent().path
        var template = Array((directory + "/.\(url.lastPathComponent).XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            throw EngineError.io(file: path, message: "cannot create a temporary file in \(directory): \(String(cString: strerror(errno)))")
        }
        let temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var finished = false
        defer {
            if !finished { close(fd); unlink(temporary) }
        }
        func writeAll(_ pointer: UnsafeRawPointer, _ count: Int) throws {
            var done = 0
            while done < count {
                let n = Foundation.write(fd, pointer + done, count - done)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw EngineError.io(file: path, message: "cannot write: \(String(cString: strerror(errno)))")
                }
                done += n
            }
        }
        var length = UInt64(header.count).littleEndian
        try withUnsafeBytes(of: &length) { try writeAll($0.baseAddress!, 8) }
        try header.withUnsafeBytes { try writeAll($0.baseAddress!, header.count) }
        for (_, tensor) in tensors where tensor.count > 0 {
            try tensor.values.withUnsafeBytes { try writeAll($0.baseAddress!, $0.count) }
        }
        guard !durable || fsync(fd) == 0 else {
            throw EngineError.io(file: path, message: "cannot flush: \(String(cString: strerror(errno)))")
        }
        fchmod(fd, 0o644)
        close(fd)
        finished = true
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw EngineError.io(file: path, message: "cannot move the written file into place: \(reason)")
        }
    }

    /// The JSON header, padded with spaces to a multiple of 8 bytes.
    static func headerBytes(_ tensors: [(name: String, tensor: TensorData)], metadata: [String: String],
                            path: String) throws -> [UInt8] {
        func quoted(_ s: String) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: [s], options: [])
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        var parts: [String] = []
        if !metadata.isEmpty {
            let fields = try metadata.sorted { $0.key < $1.key }.map { "\(try quoted($0.key)):\(try quoted($0.value))" }
            parts.append("\"__metadata__\":{\(fields.joined(separator: ","))}")
        }
        var offset = 0
        for (name, tensor) in tensors {
            let bytes = tensor.count * 4
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append("\(try quoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + bytes)]}")
            offset += bytes
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        return header
    }
}
