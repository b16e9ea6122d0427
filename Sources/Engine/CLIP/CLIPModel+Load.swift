// Loading a CLIPModel from disk: a Hugging Face folder or an OpenAI-named safetensors file, through Checkpoint.
import Foundation

extension CLIPModel {
    /// Loads a Hugging Face CLIP folder (config.json + model.safetensors) or a safetensors file with OpenAI/open_clip
    /// key names; every error names the file and the tensor.
    public static func load(from url: URL) throws -> CLIPModel {
        let checkpoint = try Checkpoint.read(from: url)
        return try CLIPModel(config: checkpoint.config, tensors: checkpoint.tensors, source: checkpoint.source)
    }

    /// Loads a model as `load(from:)` does, and the tokenizer from the folder that holds it (vocab.json + merges.txt
    /// beside a checkpoint file, or in the model folder).
    public static func loadWithTokenizer(from url: URL) throws -> (model: CLIPModel, tokenizer: CLIPTokenizer) {
        let model = try load(from: url)
        var isDir: ObjCBool = false
        _ = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir)
        return (model, try CLIPTokenizer(directory: isDir.boolValue ? url : url.deletingLastPathComponent()))
    }

    /// Writes a Hugging Face CLIP folder: config.json and model.safetensors (fp32, Hugging Face names).
    public func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try config.jsonData().write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try SafetensorsWriter.write(namedTensors(), metadata: ["format": "pt"],
                                    to: directory.appendingPathComponent("model.safetensors"))
    }
}
