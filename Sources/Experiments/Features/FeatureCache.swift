// Image features on disk, keyed by (model, image file, view, preprocessing): each image and view is encoded once and
// reused by every run, method and seed. Safe with two processes (write to a temp file, then rename); an entry whose
// length or checksum is wrong is recomputed.
import Foundation

/// The result of asking the cache for a list of images: features in order (nil where the image was skipped).
public struct FeatureLookup: Sendable {
    public var features: [[Float]?]
    /// One message per skipped image, naming it and the reason.
    public var warnings: [String]
}

/// An on-disk feature cache folder.
public final class FeatureCache: @unchecked Sendable {
    public let folder: URL
    /// Counters since creation (for tests and the log).
    public private(set) var hits = 0, misses = 0, corrupt = 0
    private let lock = NSLock()
    private var contentHashes: [String: String] = [:]   // "path|size|mtime" → content hash

    private static let magic: UInt32 = 0x5046_4743   // "CGFP" little-endian
    private static let headerSize = 16                 // magic, count (UInt32), checksum (UInt64)

    public init(folder: URL) { self.folder = folder }

    /// Features of `urls` under view `view`; unreadable images (missing, corrupt) are skipped with a warning.
    /// `progress(encoded, toEncode)` is called after each batch of cache misses.
    public func features(for urls: [URL], view: Int, encoder: ImageFeatureEncoder,
                         progress: ((Int, Int) -> Void)? = nil) -> FeatureLookup {
        var output = [[Float]?](repeating: nil, count: urls.count)
        var warnings: [String] = []
        var toEncode: [(index: Int, url: URL, entry: URL)] = []
        for (i, url) in urls.enumerated() {
            guard let fingerprint = fileFingerprint(url) else {
                warnings.append("\(url.path): image file not found; skipped")
                continue
            }
            let entry = entryURL(model: encoder.modelFingerprint, file: fingerprint, view: view,
                                 preprocessing: encoder.preprocessing)
            switch readEntry(entry, dimension: encoder.dimension) {
            case .some(let vector):
                output[i] = vector
                lock.lock(); hits += 1; lock.unlock()
            case .none:
                toEncode.append((i, url, entry))
            }
        }
        // Encode the misses in chunks so the encoder can batch them.
        let chunk = 64
        var start = 0
        while start < toEncode.count {
            let part = Array(toEncode[start..<min(start + chunk, toEncode.count)])
            let results = encoder.encode(imagesAt: part.map(\.url), view: view)
            for (item, result) in zip(part, results) {
                switch result {
                case .success(let vector) where vector.count == encoder.dimension && vector.allSatisfy({ $0.isFinite }):
                    output[item.index] = vector
                    try? writeEntry(vector, to: item.entry)
                    lock.lock(); misses += 1; lock.unlock()
                case .success(let vector):
                    warnings.append("\(item.url.path): encoder returned \(vector.count) values (expected \(encoder.dimension)) or non-finite values; skipped")
                case .failure(let error):
                    warnings.append("\(item.url.path): unreadable image (\(error)); skipped")
                }
            }
            start += chunk
            progress?(min(start, toEncode.count), toEncode.count)
        }
        return FeatureLookup(features: output, warnings: warnings)
    }

    /// size + mtime + FNV-1a of the content (memoized per size and mtime within this process).
    public func fileFingerprint(_ url: URL) -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              (attributes[.type] as? FileAttributeType) != .typeDirectory else { return nil }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let memoKey = "\(url.path)|\(size)|\(mtime)"
        lock.lock()
        let memo = contentHashes[memoKey]
        lock.unlock()
        if let memo { return "\(size)-\(mtime)-\(memo)" }
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        var h = FNV1a64(); h.combine(data)
        lock.lock(); contentHashes[memoKey] = h.hexDigest; lock.unlock()
        return "\(size)-\(mtime)-\(h.hexDigest)"
    }

    /// The entry file of a key: <folder>/<2 hex>/<16 hex>.f32.
    public func entryURL(model: String, file: String, view: Int, preprocessing: String) -> URL {
        var h = FNV1a64()
        h.combine(model); h.combine(file); h.combine(String(view)); h.combine(preprocessing)
        let key = h.hexDigest
        return folder.appendingPathComponent(String(key.prefix(2))).appendingPathComponent("\(key).f32")
    }

    private func readEntry(_ url: URL, dimension: Int) -> [Float]? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let valid: [Float]? = data.withUnsafeBytes { raw in
            guard raw.count == Self.headerSize + 4 * dimension,
                  raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == Self.magic,
                  Int(raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) == dimension else { return nil }
            let checksum = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            let payload = UnsafeRawBufferPointer(rebasing: raw[Self.headerSize...])
            var h = FNV1a64(); h.combine(bytes: payload)
            guard h.value == checksum else { return nil }
            return (0..<dimension).map { payload.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) }
        }
        if valid == nil {
            lock.lock(); corrupt += 1; lock.unlock()
        }
        return valid
    }

    private func writeEntry(_ vector: [Float], to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        var data = Data(capacity: Self.headerSize + 4 * vector.count)
        var h = FNV1a64()
        vector.withUnsafeBytes { h.combine(bytes: $0) }
        withUnsafeBytes(of: Self.magic.littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(vector.count).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: h.value.littleEndian) { data.append(contentsOf: $0) }
        vector.withUnsafeBytes { data.append(contentsOf: $0) }
        try atomicWrite(data, to: url)
    }
}
