// Reads the CoOp dataset layouts and plain class-folder trees into a `Dataset`.
// Port of KaiyangZhou/CoOp datasets/{oxford_pets.read_split, fgvc_aircraft, imagenet, imagenetv2, imagenet_sketch,
// imagenet_a, imagenet_r, dtd.read_and_split_data, caltech101, eurosat} semantics (item order, labels, class names).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loads datasets; every failure is a `DatasetError` naming the path and what to do.
public enum DatasetLoader {
    /// Caltech101 folders CoOp leaves out, and its class renames.
    public static let caltechIgnored: Set<String> = ["BACKGROUND_Google", "Faces_easy"]
    public static let caltechRenames = ["airplanes": "airplane", "Faces": "face", "Leopards": "leopard",
                                       "Motorbikes": "motorbike"]
    /// EuroSAT folder → class name, as CoOp's eurosat.py.
    public static let eurosatRenames = [
        "AnnualCrop": "Annual Crop Land", "Forest": "Forest", "HerbaceousVegetation": "Herbaceous Vegetation Land",
        "Highway": "Highway or Road", "Industrial": "Industrial Buildings", "Pasture": "Pasture Land",
        "PermanentCrop": "Permanent Crop Land", "Residential": "Residential Buildings", "River": "River",
        "SeaLake": "Sea or Lake",
    ]
    /// File extensions a class folder's images may have (folders layout).
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff"]

    /// Loads `source`, resolving a relative root against `base`.
    public static func load(_ source: DatasetSource, relativeTo base: URL? = nil) throws -> Dataset {
        let root = source.rootURL(relativeTo: base)
        if source.layout == .world {
            try EmbeddedWorld.ensureTasks(forTaskAt: root, named: source.name)
        }
        guard isDirectory(root) else {
            throw DatasetError("\(root.path): dataset folder not found for \(source.name); point the dataset's root (\"root\" in experiments.json, or --dataset) "
                + "at the folder that holds it (e.g. the one with split_zhou_\(source.name).json)")
        }
        let layout = source.layout == .auto ? detectLayout(root) : source.layout
        let dataset: Dataset
        switch layout {
        case .auto: throw DatasetError("\(root.path): cannot tell the layout of \(source.name); set \"layout\"")
        case .splitFile, .world: dataset = try loadSplitFile(source, root: root)
        case .fgvcAircraft: dataset = try loadAircraft(source, root: root)
        case .imagenet: dataset = try loadImageNet(source, root: root)
        case .imagenetV2: dataset = try loadImageNetV2(source, root: root)
        case .imagenetSketch:
            dataset = try loadImageNetVariant(source, root: root, imageDir: "images", ignored: [])
        case .imagenetA:
            dataset = try loadImageNetVariant(source, root: root, imageDir: "imagenet-a", ignored: ["README.txt"])
        case .imagenetR:
            dataset = try loadImageNetVariant(source, root: root, imageDir: "imagenet-r", ignored: ["README.txt"])
        case .folders: dataset = try loadFolders(source, root: root)
        }
        if dataset.train.isEmpty && dataset.test.isEmpty {
            throw DatasetError("\(root.path): dataset \(source.name) has no images (layout \(layout.rawValue)); "
                + "check that the image folder and split lists are filled in")
        }
        return dataset
    }

    /// Guesses the layout from marker files.
    public static func detectLayout(_ root: URL) -> DatasetLayout {
        let has = { (name: String) in FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path) }
        if has("images_variant_train.txt") || has("images_variant_test.txt") { return .fgvcAircraft }
        if has("imagenetv2-matched-frequency-format-val") { return .imagenetV2 }
        if has("imagenet-a") && has("classnames.txt") { return .imagenetA }
        if has("imagenet-r") && has("classnames.txt") { return .imagenetR }
        if has("classnames.txt") && has("images/train") { return .imagenet }
        if has("classnames.txt") && has("images") { return .imagenetSketch }
        if splitFiles(in: root).count > 0 { return .splitFile }
        return .folders
    }

    // MARK: - split_zhou_*.json

    static func splitFiles(in root: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0.hasPrefix("split_") && $0.hasSuffix(".json") }.sorted()
    }

    static func loadSplitFile(_ source: DatasetSource, root: URL) throws -> Dataset {
        let known = coopSplitFileTable[source.name]
        let splitName: String
        if let given = source.splitFile ?? known?.splitFile {
            splitName = given
        } else {
            let found = splitFiles(in: root)
            guard found.count == 1 else {
                throw DatasetError(found.isEmpty
                    ? "\(root.path): no split_*.json file for \(source.name); put the CoOp split file there or set \"layout\""
                    : "\(root.path): several split files (\(found.joined(separator: ", "))); set \"splitFile\" for \(source.name)")
            }
            splitName = found[0]
        }
        let splitURL = root.appendingPathComponent(splitName)
        guard let data = FileManager.default.contents(atPath: splitURL.path) else {
            throw DatasetError("\(splitURL.path): split file not found for \(source.name); download CoOp's "
                + "\(splitName) into \(root.path) or set \"splitFile\"")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw DatasetError("\(splitURL.path): not a JSON object {\"train\": [...], \"val\": [...], \"test\": [...]}")
        }
        func parse(_ key: String) throws -> [DatasetItem] {
            guard let raw = object[key] else { return [] }
            guard let rows = raw as? [[Any]] else {
                throw DatasetError("\(splitURL.path): \"\(key)\" must be a list of [path, label, classname]")
            }
            return try rows.enumerated().map { index, row in
                guard row.count == 3, let path = row[0] as? String, let label = (row[1] as? NSNumber)?.intValue,
                      let name = row[2] as? String else {
                    throw DatasetError("\(splitURL.path): \(key)[\(index)] must be [path, label, classname]")
                }
                return DatasetItem(path: path, label: label, className: cleanClassName(name))
            }
        }
        let train = try parse("train"), val = try parse("val"), test = try parse("test")
        let imageRoot = try resolveImageDir(source, root: root, known: known?.imageDir, probe: train.first ?? test.first)
        return Dataset(name: source.name, imageRoot: imageRoot, train: train, val: val, test: test)
    }

    /// The image folder: the explicit one, else the first candidate in which the probe item exists.
    static func resolveImageDir(_ source: DatasetSource, root: URL, known: String?, probe: DatasetItem?) throws -> URL {
        if let explicit = source.imageDir {
            let url = explicit.isEmpty ? root : root.appendingPathComponent(explicit)
            guard isDirectory(url) else {
                throw DatasetError("\(url.path): image folder of \(source.name) not found; fix \"imageDir\"")
            }
            return url
        }
        var candidates = [known, "images", "jpg", ""].compactMap { $0 }
        var seen = Set<String>()
        candidates = candidates.filter { seen.insert($0).inserted }
        guard let probe else { return root.appendingPathComponent(candidates[0]) }
        for candidate in candidates {
            let dir = candidate.isEmpty ? root : root.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(probe.path).path) { return dir }
        }
        let first = candidates[0].isEmpty ? root : root.appendingPathComponent(candidates[0])
        throw DatasetError("\(first.appendingPathComponent(probe.path).path): image not found for \(source.name) "
            + "(looked in \(candidates.map { $0.isEmpty ? "." : $0 }.joined(separator: ", ")) under \(root.path)); "
            + "unpack the images there or set \"imageDir\"")
    }

    // MARK: - FGVCAircraft

    static func loadAircraft(_ source: DatasetSource, root: URL) throws -> Dataset {
        let variants = try readLines(root.appendingPathComponent("variants.txt"), dataset: source.name)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var labelOf: [String: Int] = [:]
        for (i, name) in variants.enumerated() { labelOf[name] = i }
        func read(_ file: String) throws -> [DatasetItem] {
            let url = root.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: url.path) else { return [] }
            return try readLines(url, dataset: source.name).enumerated().compactMap { index, raw in
                let line = raw.trimmingCharacters(in: .whitespaces)
                if line.isEmpty { return nil }
                let parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                let name = parts.dropFirst().joined(separator: " ")
                guard let label = labelOf[name] else {
                    throw DatasetError("\(url.path): line \(index + 1): variant \"\(name)\" is not in variants.txt")
                }
                return DatasetItem(path: parts[0] + ".jpg", label: label, className: cleanClassName(name))
            }
        }
        return Dataset(name: source.name, imageRoot: root.appendingPathComponent(source.imageDir ?? "images"),
                       train: try read("images_variant_train.txt"), val: try read("images_variant_val.txt"),
                       test: try read("images_variant_test.txt"))
    }

    // MARK: - ImageNet and its variants

    /// classnames.txt: "<folder> <class name words…>" per line, in order.
    static func readClassNames(_ root: URL, dataset: String) throws -> [(folder: String, name: String)] {
        try readLines(root.appendingPathComponent("classnames.txt"), dataset: dataset).compactMap { raw in
            let parts = raw.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            guard let folder = parts.first else { return nil }
            return (folder, parts.dropFirst().joined(separator: " "))
        }
    }

    static func loadImageNet(_ source: DatasetSource, root: URL) throws -> Dataset {
        let names = Dictionary(try readClassNames(root, dataset: source.name).map { ($0.folder, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        let images = root.appendingPathComponent("images")
        func read(_ split: String) throws -> [DatasetItem] {
            let dir = images.appendingPathComponent(split)
            guard isDirectory(dir) else {
                throw DatasetError("\(dir.path): ImageNet \(split) folder not found; expected images/\(split)/<wnid>/…")
            }
            // Folders sorted by name; files in directory order (os.listdir), as CoOp's imagenet.py.
            let folders = try listDirectory(dir).filter { isDirectory(dir.appendingPathComponent($0)) }.sorted()
            var items: [DatasetItem] = []
            for (label, folder) in folders.enumerated() {
                guard let name = names[folder] else {
                    throw DatasetError("\(root.appendingPathComponent("classnames.txt").path): no class name for folder \(folder)")
                }
                for file in try listDirectory(dir.appendingPathComponent(folder)) {
                    items.append(DatasetItem(path: "\(split)/\(folder)/\(file)", label: label, className: cleanClassName(name)))
                }
            }
            return items
        }
        let train = try read("train"), test = try read("val")
        return Dataset(name: source.name, imageRoot: images, train: train, val: test, test: test)
    }

    static func loadImageNetV2(_ source: DatasetSource, root: URL) throws -> Dataset {
        let names = try readClassNames(root, dataset: source.name)
        let dir = root.appendingPathComponent(source.imageDir ?? "imagenetv2-matched-frequency-format-val")
        var items: [DatasetItem] = []
        for (label, entry) in names.enumerated() {
            let classDir = dir.appendingPathComponent(String(label))
            guard isDirectory(classDir) else { continue }
            for file in try listDirectory(classDir) {
                items.append(DatasetItem(path: "\(label)/\(file)", label: label, className: cleanClassName(entry.name)))
            }
        }
        return Dataset(name: source.name, imageRoot: dir, train: items, val: [], test: items)
    }

    static func loadImageNetVariant(_ source: DatasetSource, root: URL, imageDir: String,
                                    ignored: Set<String>) throws -> Dataset {
        let names = Dictionary(try readClassNames(root, dataset: source.name).map { ($0.folder, $0.name) },
                               uniquingKeysWith: { a, _ in a })
        let dir = root.appendingPathComponent(source.imageDir ?? imageDir)
        guard isDirectory(dir) else {
            throw DatasetError("\(dir.path): image folder of \(source.name) not found; expected \(imageDir)/<wnid>/…")
        }
        let folders = try listDirectory(dir).filter { !ignored.contains($0) }.sorted()
        var items: [DatasetItem] = []
        for (label, folder) in folders.enumerated() {
            guard let name = names[folder] else {
                throw DatasetError("\(root.appendingPathComponent("classnames.txt").path): no class name for folder \(folder)")
            }
            for file in try listDirectory(dir.appendingPathComponent(folder)) {
                items.append(DatasetItem(path: "\(folder)/\(file)", label: label, className: cleanClassName(name)))
            }
        }
        return Dataset(name: source.name, imageRoot: dir, train: items, val: [], test: items)
    }

    // MARK: - Class folders

    static func loadFolders(_ source: DatasetSource, root: URL) throws -> Dataset {
        let renames = source.name == "Caltech101" ? caltechRenames : source.name == "EuroSAT" ? eurosatRenames : [:]
        let ignored = source.name == "Caltech101" ? caltechIgnored : []
        func className(_ folder: String) -> String { cleanClassName(renames[folder] ?? folder) }
        func images(in dir: URL) throws -> [String] {
            try listDirectory(dir).filter { imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        }
        func classFolders(_ dir: URL) throws -> [String] {
            try listDirectory(dir).filter { isDirectory(dir.appendingPathComponent($0)) && !ignored.contains($0) }.sorted()
        }
        let trainDir = root.appendingPathComponent("train")
        if isDirectory(trainDir) {
            // train/ (val/) test/ subfolders; labels from the sorted class folders of train/.
            let classes = try classFolders(trainDir)
            var labelOf: [String: Int] = [:]
            for (i, c) in classes.enumerated() { labelOf[c] = i }
            func read(_ split: String) throws -> [DatasetItem] {
                let dir = root.appendingPathComponent(split)
                guard isDirectory(dir) else { return [] }
                var items: [DatasetItem] = []
                for folder in try classFolders(dir) {
                    guard let label = labelOf[folder] else {
                        throw DatasetError("\(dir.appendingPathComponent(folder).path): class \(folder) is not in train/; "
                            + "every class needs a train folder")
                    }
                    for file in try images(in: dir.appendingPathComponent(folder)) {
                        items.append(DatasetItem(path: "\(split)/\(folder)/\(file)", label: label, className: className(folder)))
                    }
                }
                return items
            }
            return Dataset(name: source.name, imageRoot: root, train: try read("train"), val: try read("val"),
                           test: try read("test"))
        }
        // Class folders only: CoOp's read_and_split_data (50% train, 20% val, rest test per class, Python round),
        // shuffled by a Python `random` seeded with splitSeed (default 1); file names sorted first for reproducibility.
        var rng = PythonRandom(seed: source.splitSeed ?? 1)
        var train: [DatasetItem] = [], val: [DatasetItem] = [], test: [DatasetItem] = []
        for (label, folder) in try classFolders(root).enumerated() {
            var files = try images(in: root.appendingPathComponent(folder))
            rng.shuffle(&files)
            let total = files.count
            let nTrain = Int((Double(total) * 0.5).rounded(.toNearestOrEven))
            let nVal = Int((Double(total) * 0.2).rounded(.toNearestOrEven))
            let name = className(folder)
            for (i, file) in files.enumerated() {
                let item = DatasetItem(path: "\(folder)/\(file)", label: label, className: name)
                if i < nTrain { train.append(item) } else if i < nTrain + nVal { val.append(item) } else { test.append(item) }
            }
        }
        return Dataset(name: source.name, imageRoot: root, train: train, val: val, test: test)
    }

    // MARK: - Files

    static func isDirectory(_ url: URL) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
    }

    static func readLines(_ url: URL, dataset: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw DatasetError("\(url.path): file not found or not UTF-8 text for \(dataset); it is part of the dataset's layout")
        }
        return text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            .map(String.init)
    }

    /// Non-hidden entries in directory (readdir) order, as Python's os.listdir with Dassl's listdir_nohidden.
    static func listDirectory(_ url: URL) throws -> [String] {
        guard let dir = opendir(url.path) else {
            throw DatasetError("\(url.path): cannot read folder (\(String(cString: strerror(errno))))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names
    }
}
