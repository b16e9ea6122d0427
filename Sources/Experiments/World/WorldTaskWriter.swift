// Writes the world's tasks to disk in the CoOp split-file layout (split_zhou_<Name>.json + PNG images) and a manifest.
import Engine
import Foundation

public enum EmbeddedWorld {
    /// The seed of the default tasks' images.
    public static let defaultSeed: UInt64 = 2026
    /// Image side in pixels.
    public static let defaultSide = 32
    /// The default data folder, relative to the working directory.
    public static let defaultDirectory = URL(fileURLWithPath: "data/world")
    /// Bumped whenever the world's drawing or the task definitions change, so stale folders are rewritten.
    public static let formatVersion = 2
    /// The manifest's file name inside the data folder.
    public static let manifestName = "world.json"

    /// Where a task lives inside the data folder: <dir>/<Name>/split_zhou_<Name>.json and <dir>/<Name>/images/….
    public static func taskDirectory(_ task: WorldTask, in dir: URL) -> URL { dir.appendingPathComponent(task.name) }
    public static func splitFile(_ task: WorldTask, in dir: URL) -> URL {
        taskDirectory(task, in: dir).appendingPathComponent("split_zhou_\(task.name).json")
    }
    public static func imageDirectory(_ task: WorldTask, in dir: URL) -> URL {
        taskDirectory(task, in: dir).appendingPathComponent("images")
    }

    /// Writes the tasks unless `dir` already holds them for the same seed, side and format (its manifest matches).
    /// Returns true when it wrote.
    @discardableResult
    public static func ensureTasks(at dir: URL, tasks: [WorldTask] = WorldTask.defaults, seed: UInt64 = defaultSeed,
                                   side: Int = defaultSide) throws -> Bool {
        let expected = try manifest(tasks: tasks, seed: seed, side: side)
        let manifestURL = dir.appendingPathComponent(manifestName)
        if let existing = try? Data(contentsOf: manifestURL), existing == expected,
           tasks.allSatisfy({ FileManager.default.fileExists(atPath: splitFile($0, in: dir).path) }) {
            return false
        }
        try writeTasks(to: dir, tasks: tasks, seed: seed, side: side)
        return true
    }

    /// Writes every task (images, split file) and then the manifest, replacing what was there.
    public static func writeTasks(to dir: URL, tasks: [WorldTask] = WorldTask.defaults, seed: UInt64 = defaultSeed,
                                  side: Int = defaultSide) throws {
        let fm = FileManager.default
        for task in tasks {
            let taskDir = taskDirectory(task, in: dir)
            if fm.fileExists(atPath: taskDir.path) { try fm.removeItem(at: taskDir) }
            let images = imageDirectory(task, in: dir)
            var split: [String: [[Any]]] = [:]
            for s in WorldSplit.allCases {
                var entries: [[Any]] = []
                var indexInClass = [Int](repeating: 0, count: task.classes.count)
                for example in task.examples(split: s, worldSeed: seed, side: side) {
                    let cls = task.classes[example.label]
                    let folder = cls.name.replacingOccurrences(of: " ", with: "_")
                    let rel = "\(folder)/\(s.rawValue)_\(indexInClass[example.label]).png"
                    indexInClass[example.label] += 1
                    let url = images.appendingPathComponent(rel)
                    try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    let image = WorldRenderer.render(example.scene)
                    do {
                        try PNGEncoder.encode(width: side, height: side, rgb: image.pixels).write(to: url)
                    } catch {
                        throw EngineError.io(file: url.path, message: "cannot write image: \(error.localizedDescription)")
                    }
                    entries.append([rel, example.label, cls.name])
                }
                split[s.rawValue] = entries
            }
            let json = try JSONSerialization.data(withJSONObject: split, options: [.sortedKeys])
            try write(json, to: splitFile(task, in: dir))
        }
        try write(try manifest(tasks: tasks, seed: seed, side: side), to: dir.appendingPathComponent(manifestName))
    }

    /// The manifest: format version, seed, side, and per task its template, class names and split sizes.
    static func manifest(tasks: [WorldTask], seed: UInt64, side: Int) throws -> Data {
        let obj: [String: Any] = [
            "format_version": formatVersion, "seed": seed, "image_size": side,
            "tasks": tasks.map { t -> [String: Any] in
                ["name": t.name, "template": t.template, "classnames": t.classes.map(\.name),
                 "split_file": "\(t.name)/split_zhou_\(t.name).json", "image_dir": "\(t.name)/images",
                 "per_class": ["train": t.trainPerClass, "val": t.valPerClass, "test": t.testPerClass]]
            },
        ]
        return try JSONSerialization.data(withJSONObject: obj, options: [.prettyPrinted, .sortedKeys])
    }

    private static func write(_ data: Data, to url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url, options: .atomic)
        } catch {
            throw EngineError.io(file: url.path, message: "cannot write: \(error.localizedDescription); is the folder writable?")
        }
    }
}
