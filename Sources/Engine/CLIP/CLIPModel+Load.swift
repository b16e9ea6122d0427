// Loading a CLIPModel from disk: a Hugging Face folder or an OpenAI-named safetensors file, through Checkpoint.
import Foundation

extension CLIPModel {
    /// Loads a Hugging Face CLIP folder (config.json + model.safetensors) or a safetensors file with OpenAI/open_clip
    /// key names; every error names the file and the tensor.
    public static func load(from url: URL) throws -> CLIPModel {
        let checkpoint = try Checkpoint.read(from: url)
        return try CLIPModel(config: checkpoint.config, tensors: checkpoint.tensors, source: checkpoint.source)
    }

    /// Writes a Hugging Face CLIP folder: config.json and model.safetensors (fp32, Hugging Face names).
    public func save(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try config.jsonData().write(to: directory.appendingPathComponent("config.json"), options: .atomic)
        try SafetensorsWriter.write(namedTensors(), metadata: ["format": "pt"],
                                    to: directory.appendingPathComponent("model.safetensors"))
    }
}
