// Learned prompts on disk: safetensors with the tensor `ctx` ([n_ctx, width] unified, [classes, n_ctx, width]
// class-specific) and metadata naming the classes and the settings, so a prompt can be evaluated or interpreted later.
import Foundation

/// A learned context with what is needed to use it again.
public struct LearnedPrompt: Equatable {
    public var context: TensorData
    public var classNames: [String]
    public var settings: PromptSettings
    /// Free-form provenance (method, template, model, dataset, …), stored as metadata.
    public var info: [String: String]

    public static let format = "prograd-workbench-prompt/1"

    public init(context: TensorData, classNames: [String], settings: PromptSettings, info: [String: String] = [:]) {
        self.context = context; self.classNames = classNames; self.settings = settings; self.info = info
    }

    /// The prompt of a trained learner.
    public init(learner: PromptLearner, info: [String: String] = [:]) {
        let m = learner.settings.contextLength, w = learner.width
        let shape = learner.settings.classSpecific ? [learner.classCount, m, w] : [m, w]
        self.init(context: TensorData(shape: shape, values: learner.context), classNames: learner.classNames,
                  settings: learner.settings, info: info)
    }

    /// Writes `ctx` and the metadata (atomically).
    public func save(to url: URL) throws {
        var meta = info
        meta["format"] = Self.format
        meta["class_names"] = String(decoding: try JSONEncoder().encode(classNames), as: UTF8.self)
        meta["settings"] = String(decoding: try JSONEncoder().encode(settings), as: UTF8.self)
        meta["n_ctx"] = String(settings.contextLength)
        meta["csc"] = settings.classSpecific ? "true" : "false"
        meta["class_token_position"] = settings.position.rawValue
        switch settings.initialization {
        case .random(let seed): meta["ctx_init"] = "random (seed \(seed))"
        case .words(let w): meta["ctx_init"] = w
        }
        try SafetensorsWriter.write([(name: "ctx", tensor: context)], metadata: meta, to: url)
    }

    /// Reads a prompt written by `save`; errors name the file and what is missing.
    public static func load(from url: URL) throws -> LearnedPrompt {
        let file = try SafetensorsFile(url: url)
        let name = url.path
        guard let shape = file.shape(of: "ctx") else {
            throw EngineError.badCheckpoint(file: name, message: "no tensor ctx; is this a prompt saved by prograd (prompt.safetensors)?")
        }
        let meta = file.metadata
        guard let namesJSON = meta["class_names"], let settingsJSON = meta["settings"] else {
            throw EngineError.badCheckpoint(file: name, message: "metadata class_names/settings missing; the file was not written by prograd's prompt saver")
        }
        let names = try JSONDecoder().decode([String].self, from: Data(namesJSON.utf8))
        let settings = try JSONDecoder().decode(PromptSettings.self, from: Data(settingsJSON.utf8))
        let want = settings.classSpecific ? 3 : 2
        guard shape.count == want, shape[shape.count - 2] == settings.contextLength,
              !settings.classSpecific || shape[0] == names.count else {
            throw EngineError.badCheckpoint(file: name, message: "tensor ctx is \(shape), the metadata says n_ctx \(settings.contextLength)\(settings.classSpecific ? ", class-specific over \(names.count) classes" : ", unified"); the file is inconsistent")
        }
        var info = meta
        for k in ["format", "class_names", "settings", "n_ctx", "csc", "class_token_position", "ctx_init"] { info[k] = nil }
        return LearnedPrompt(context: try file.tensor("ctx"), classNames: names, settings: settings, info: info)
    }
}

extension TrainerState {
    /// Writes the resume state: tensors `ctx` and `momentum` (when the optimizer has stepped), epoch and seed metadata.
    public func save(to url: URL, contextShape: [Int]) throws {
        var tensors = [(name: "ctx", tensor: TensorData(shape: contextShape, values: context))]
        if let m = momentumBuffer { tensors.append((name: "momentum", tensor: TensorData(shape: contextShape, values: m))) }
        try SafetensorsWriter.write(tensors, metadata: ["format": "prograd-workbench-trainer-state/1",
                                                        "epochs_done": String(epochsDone),
                                                        "shuffle_seed": String(shuffleSeed)], to: url)
    }

    /// Reads a state written by `save`.
    public static func load(from url: URL) throws -> TrainerState {
        let file = try SafetensorsFile(url: url)
        guard file.shape(of: "ctx") != nil, let e = file.metadata["epochs_done"].flatMap(Int.init),
              let s = file.metadata["shuffle_seed"].flatMap(UInt64.init) else {
            throw EngineError.badCheckpoint(file: url.path, message: "not a trainer state (needs tensor ctx and metadata epochs_done, shuffle_seed); delete it to restart the run")
        }
        let momentum = file.shape(of: "momentum") == nil ? nil : try file.tensor("momentum").values
        return TrainerState(context: try file.tensor("ctx").values, momentumBuffer: momentum, epochsDone: e, shuffleSeed: s)
    }
}

extension TrainerState {
    private struct Header: Codable { var epochsDone: Int; var shuffleSeed: UInt64; var count: Int; var momentum: Bool }

    /// A compact byte form for checkpoint stores: one JSON header line, then ctx (and momentum) as little-endian fp32.
    public func encoded() -> Data {
        let header = Header(epochsDone: epochsDone, shuffleSeed: shuffleSeed, count: context.count, momentum: momentumBuffer != nil)
        var data = (try? JSONEncoder().encode(header)) ?? Data()
        data.append(0x0A)
        for array in [context] + (momentumBuffer.map { [$0] } ?? []) {
            array.withUnsafeBufferPointer { data.append(UnsafeBufferPointer(start: UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: UInt8.self), count: $0.count * 4)) }
        }
        return data
    }

    /// Reads `encoded()` bytes.
    public init(encoded data: Data) throws {
        guard let nl = data.firstIndex(of: 0x0A),
              let header = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<nl]) else {
            throw EngineError.invalidArgument("trainer checkpoint: unreadable header; the checkpoint is from another version, delete the run's results to restart it")
        }
        let body = data[(nl + 1)...]
        let arrays = header.momentum ? 2 : 1
        guard body.count == arrays * header.count * 4 else {
            throw EngineError.invalidArgument("trainer checkpoint: \(body.count) bytes of tensors, expected \(arrays * header.count * 4)")
        }
        func floats(_ k: Int) -> [Float] {
            var out = [Float](repeating: 0, count: header.count)
            out.withUnsafeMutableBytes { dst in
                _ = body.copyBytes(to: dst, from: (body.startIndex + k * header.count * 4)..<(body.startIndex + (k + 1) * header.count * 4))
            }
            return out
        }
        self.init(context: floats(0), momentumBuffer: header.momentum ? floats(1) : nil, epochsDone: header.epochsDone,
                  shuffleSeed: header.shuffleSeed)
    }
}
