// The `"layout": "world"` dataset entries of experiments.json: the embedded tasks, written the first time they are needed.
import Foundation

extension EmbeddedWorld {
    /// Makes sure the world task `name` exists at `root` (= <world folder>/<name>), writing every default task into
    /// the world folder when they are missing or were written with other settings.
    public static func ensureTasks(forTaskAt root: URL, named name: String) throws {
        guard WorldTask.defaults.contains(where: { $0.name == name }) else {
            let names = WorldTask.defaults.map(\.name).joined(separator: ", ")
            throw DatasetError("\(root.path): \(name) is not a task of the embedded world; \"layout\": \"world\" takes one of \(names)")
        }
        guard root.lastPathComponent == name else {
            throw DatasetError("\(root.path): a world task's root must end in its name (e.g. data/world/\(name))")
        }
        if try ensureTasks(at: root.deletingLastPathComponent()) {
            FileHandle.standardError.write(Data("wrote the embedded world's tasks to \(root.deletingLastPathComponent().path)\n".utf8))
        }
    }
}
