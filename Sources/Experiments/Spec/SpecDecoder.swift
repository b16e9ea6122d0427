// Reads experiments.json through JSONDocumentParser: fills defaults, rejects unknown keys and wrong types with the
// JSON path, line and column of the offending value.
import Engine
import Foundation

/// A spec problem: `file:line:column: path: message`.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, path: String, line: Int, column: Int, message: String) {
        self.file = file; self.path = path; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(path): \(message)" }
}

/// Decodes an experiments file.
public enum SpecDecoder {
    /// Reads and validates the file at `url`.
    public static func load(_ url: URL) throws -> ExperimentsFile {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpecError(file: url.path, path: "$", line: 1, column: 1,
                            message: "file not found; pass the path of an experiments.json (see docs/experiments-schema.md)")
        }
        return try decode(String(decoding: data, as: UTF8.self), file: url.path)
    }

    /// Validates JSON text; `file` only names the source in errors.
    public static func decode(_ text: String, file: String = "experiments.json") throws -> ExperimentsFile {
        let root: JSONNode
        do { root = try JSONDocumentParser.parse(text) } catch let e as JSONSyntaxError {
            throw SpecError(file: file, path: "$", line: e.line, column: e.column, message: "invalid JSON: \(e.message)")
        }
        let reader = Reader(file: file)
        var top = try reader.object(root, path: "$")
        let list = try top.require("experiments") { try reader.array($0, path: $1) }
        var experiments: [ExperimentSpec] = []
        for (i, node) in list.enumerated() {
            experiments.append(try reader.experiment(node, path: "experiments[\(i)]"))
        }
        try top.finish()
        if experiments.isEmpty {
            throw SpecError(file: file, path: "experiments", line: root.line, column: root.column,
                            message: "no experiments; add at least one")
        }
        var names = Set<String>()
        for (i, e) in experiments.enumerated() where !names.insert(e.name).inserted {
            let node = list[i]
            throw SpecError(file: file, path: "experiments[\(i)].name", line: node.line, column: node.column,
                            message: "duplicate experiment name \"\(e.name)\"")
        }
        return ExperimentsFile(experiments: experiments)
    }
}

/// Typed access to JSON nodes, each failure a SpecError at the node.
struct Reader {
    let file: String

    func fail(_ node: JSONNode, _ path: String, _ message: String) -> SpecError {
        SpecError(file: file, path: path, line: node.line, column: node.column, message: message)
    }

    func object(_ node: JSONNode, path: String) throws -> ObjectReader {
        guard case .object(let members) = node.value else { throw fail(node, path, "expected an object, found \(node.kindName)") }
        return ObjectReader(reader: self, node: node, members: members, path: path)
    }

    func array(_ node: JSONNode, path: String) throws -> [JSONNode] {
        guard case .array(let items) = node.value else { throw fail(node, path, "expected an array, found \(node.kindName)") }
        return items
    }

    func string(_ node: JSONNode, path: String) throws -> String {
        guard case .string(let s) = node.value else { throw fail(node, path, "expected a string, found \(node.kindName)") }
        return s
    }

    func int(_ node: JSONNode, path: String) throws -> Int {
        guard case .number(let v, _) = node.value, v == v.rounded(), abs(v) < 1e15 else {
            throw fail(node, path, "expected an integer, found \(node.kindName)")
        }
        return Int(v)
    }

    func double(_ node: JSONNode, path: String) throws -> Double {
        guard case .number(let v, _) = node.value else { throw fail(node, path, "expected a number, found \(node.kindName)") }
        return v
    }

    func bool(_ node: JSONNode, path: String) throws -> Bool {
        guard case .bool(let b) = node.value else { throw fail(node, path, "expected true or false, found \(node.kindName)") }
        return b
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ node: JSONNode, path: String, as: E.Type) throws -> E
        where E.RawValue == String {
        let s = try string(node, path: path)
        guard let e = E(rawValue: s) else {
            throw fail(node, path, "\"\(s)\" is not one of \(E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))")
        }
        return e
    }

    func positive(_ node: JSONNode, path: String, allowZero: Bool = false) throws -> Int {
        let v = try int(node, path: path)
        guard v > 0 || (allowZero && v == 0) else { throw fail(node, path, "must be \(allowZero ? "≥ 0" : "≥ 1"), found \(v)") }
        return v
    }

    func experiment(_ node: JSONNode, path: String) throws -> ExperimentSpec {
        var o = try object(node, path: path)
        let name = try o.require("name") { try string($0, path: $1) }
        let model = try o.require("model") { try string($0, path: $1) }
        let datasetNodes = try o.require("datasets") { try array($0, path: $1) }
        var datasets: [DatasetSource] = []
        for (i, d) in datasetNodes.enumerated() { datasets.append(try dataset(d, path: "\(path).datasets[\(i)]")) }
        if datasets.isEmpty { throw fail(node, "\(path).datasets", "no datasets; add at least one") }
        let proto = try o.optional("protocol") { try enumeration($0, path: $1, as: ExperimentProtocol.self) } ?? ExperimentSpec.defaultProtocol
        if proto.hasTargets && datasets.count < 2 {
            throw fail(node, "\(path).datasets", "\(proto.rawValue) needs a source dataset first and at least one target after it")
        }
        let shots = try o.optional("shots") { n, p in try array(n, path: p).enumerated().map { try positive($1, path: "\(p)[\($0)]") } } ?? ExperimentSpec.defaultShots
        let seeds = try o.optional("seeds") { n, p in try array(n, path: p).enumerated().map { try int($1, path: "\(p)[\($0)]") } } ?? ExperimentSpec.defaultSeeds
        let methodNodes = try o.require("methods") { try array($0, path: $1) }
        var methods: [MethodSpec] = []
        for (i, m) in methodNodes.enumerated() { methods.append(try method(m, path: "\(path).methods[\(i)]")) }
        if methods.isEmpty { throw fail(node, "\(path).methods", "no methods; add one of \(MethodRegistry.namesList)") }
        var labels = Set<String>()
        for (i, m) in methods.enumerated() where !labels.insert(m.displayName).inserted {
            throw fail(methodNodes[i], "\(path).methods[\(i)]",
                       "two methods are called \"\(m.displayName)\"; give one a distinct \"label\"")
        }
        if shots.isEmpty { throw fail(node, "\(path).shots", "no shot counts") }
        if seeds.isEmpty { throw fail(node, "\(path).seeds", "no seeds") }
        let training = try settings(TrainingSettings.declarations, in: &o)
        let spec = ExperimentSpec(name: name, model: model, datasets: datasets, protocol: proto, shots: shots, seeds: seeds,
                                  methods: methods, training: training,
                                  output: try o.optional("output") { try string($0, path: $1) } ?? ExperimentSpec.defaultOutput)
        try o.finish()
        return spec
    }

    /// The declared settings present in an object, each read by its type and checked against its declaration.
    func settings(_ declarations: [SettingDeclaration], in o: inout ObjectReader) throws -> SettingValues {
        var values: SettingValues = [:]
        for d in declarations {
            values[d.key] = try o.optional(d.key) { n, p in try setting(n, path: p, d) }
        }
        return values
    }

    /// One setting's value: the JSON type its declaration asks for, within its range.
    func setting(_ node: JSONNode, path: String, _ d: SettingDeclaration) throws -> SettingValue {
        let value: SettingValue
        switch d.type {
        case .int: value = .int(try int(node, path: path))
        case .double: value = .double(try double(node, path: path))
        case .bool: value = .bool(try bool(node, path: path))
        case .choice, .text: value = .text(try string(node, path: path))
        }
        if let problem = d.problem(with: value) { throw fail(node, path, problem) }
        return value
    }

    func dataset(_ node: JSONNode, path: String) throws -> DatasetSource {
        var o = try object(node, path: path)
        let d = DatasetSource(
            name: try o.require("name") { try string($0, path: $1) },
            root: try o.require("root") { try string($0, path: $1) },
            layout: try o.optional("layout") { try enumeration($0, path: $1, as: DatasetLayout.self) } ?? .auto,
            imageDir: try o.optional("imageDir") { try string($0, path: $1) },
            splitFile: try o.optional("splitFile") { try string($0, path: $1) },
            splitSeed: try o.optional("splitSeed") { try int($0, path: $1) })
        try o.finish()
        return d
    }

    func method(_ node: JSONNode, path: String) throws -> MethodSpec {
        var o = try object(node, path: path)
        let declaration = try o.require("method") { n, p -> MethodDeclaration in
            let name = try string(n, path: p)
            guard let d = MethodRegistry.declaration(named: name) else {
                throw fail(n, p, "\"\(name)\" is not one of \(MethodRegistry.namesList)")
            }
            return d
        }
        var m = MethodSpec(declaration.kind)
        m.label = try o.optional("label") { try string($0, path: $1) }
        // A method that trains may override the experiment's training settings; one that does not takes none.
        m.settings = try settings(declaration.settings + (declaration.trains ? TrainingSettings.declarations : []), in: &o)
        try o.finish()
        if let problem = declaration.validate(m.resolved.settings) { throw fail(node, path, problem) }
        return m
    }
}

/// Reads the members of one object and remembers which were used; finish() rejects the rest.
struct ObjectReader {
    let reader: Reader
    let node: JSONNode
    let members: [JSONNode.Member]
    let path: String
    var used = Set<String>()

    mutating func optional<T>(_ key: String, _ read: (JSONNode, String) throws -> T) throws -> T? {
        used.insert(key)
        guard let member = members.first(where: { $0.key == key }) else { return nil }
        if case .null = member.value.value { return nil }
        return try read(member.value, "\(path == "$" ? "" : path + ".")\(key)")
    }

    mutating func require<T>(_ key: String, _ read: (JSONNode, String) throws -> T) throws -> T {
        guard let value = try optional(key, read) else {
            throw reader.fail(node, path, "missing required key \"\(key)\"")
        }
        return value
    }

    func finish() throws {
        for member in members where !used.contains(member.key) {
            let known = used.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            throw SpecError(file: reader.file, path: "\(path == "$" ? "" : path + ".")\(member.key)",
                            line: member.keyLine, column: member.keyColumn,
                            message: "unknown key \"\(member.key)\"; allowed here: \(known)")
        }
    }
}
