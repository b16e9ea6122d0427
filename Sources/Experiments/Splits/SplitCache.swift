// Few-shot splits cached on disk by (dataset, shots, seed), like CoOp's split_fewshot/shot_K-seed_S.pkl.
import Foundation

/// A folder of few-shot splits: <folder>/<dataset>-<fingerprint>/shot_<K>-seed_<S>.json.
public final class SplitCache: @unchecked Sendable {
    public let folder: URL
    private let lock = NSLock()
    private var memory: [String: FewShotSplit] = [:]

    public init(folder: URL) { self.folder = folder }

    /// The cached split, or a new one made and written (temp file + rename, so readers never see half a file).
    public func split(for dataset: Dataset, shots: Int, seed: Int) throws -> FewShotSplit {
        let safeName = dataset.name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }
        let dir = folder.appendingPathComponent("\(String(safeName))-\(dataset.fingerprint)")
        let file = dir.appendingPathComponent("shot_\(shots)-seed_\(seed).json")
        lock.lock(); defer { lock.unlock() }
        if let hit = memory[file.path] { return hit }
        if let data = FileManager.default.contents(atPath: file.path),
           let cached = try? JSONDecoder().decode(FewShotSplit.self, from: data), cached.shots == shots, cached.seed == seed {
            memory[file.path] = cached
            return cached
        }
        let made = FewShotSplit.make(dataset, shots: shots, seed: seed)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try atomicWrite(try JSONEncoder().encode(made), to: file)
        memory[file.path] = made
        return made
    }
}

/// Writes data to a unique temporary file beside `url`, then renames it over `url` (atomic on one file system).
/// No fsync: readers and killed processes never see half a file; cache entries carry their own checksum.
public func atomicWrite(_ data: Data, to url: URL) throws {
    let temp = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString).tmp")
    try writeFile(data, to: temp)
    if rename(temp.path, url.path) != 0 {
        let message = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: temp)
        throw DatasetError("\(url.path): cannot write (\(message)); check the folder's permissions and free space")
    }
}

/// Creates or truncates a file and writes data with plain POSIX calls (Foundation's Data.write syncs to disk).
public func writeFile(_ data: Data, to url: URL) throws {
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
        throw DatasetError("\(url.path): cannot create (\(String(cString: strerror(errno)))); check the folder's permissions")
    }
    defer { close(fd) }
    try data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw DatasetError("\(url.path): write failed (\(String(cString: strerror(errno)))); is the disk full?")
            }
            offset += n
        }
    }
}
