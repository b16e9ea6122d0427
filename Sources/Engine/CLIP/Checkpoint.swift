// Loads CLIP weights from a Hugging Face folder (config.json + model.safetensors) or from a safetensors file with
// OpenAI/open_clip key names (config inferred from shapes), as fp32 tensors under Hugging Face names.
import Foundation

public enum Checkpoint {
    /// A Hugging Face CLIP folder (config.json + model.safetensors) or a safetensors file with OpenAI/open_clip key
    /// names (config inferred from shapes). Returns the config and Hugging Face-named fp32 tensors.
    public static func read(from url: URL) throws -> (config: CLIPConfig, tensors: [String: TensorData], source: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw EngineError.io(file: url.path, message: "not found; give a CLIP model folder (config.json + model.safetensors) or a .safetensors file")
        }
        if !isDirectory.boolValue, ["pt", "pth", "bin"].contains(url.pathExtension.lowercased()) {
            throw EngineError.badCheckpoint(file: url.path,
                message: "is a PyTorch pickle, which is not read here; convert it with scripts/convert_openai_checkpoint.py (OpenAI/open_clip) or save the Hugging Face model with safetensors")
        }
        let weightsURL = isDirectory.boolValue ? url.appendingPathComponent("model.safetensors") : url
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw EngineError.io(file: weightsURL.path, message: "not found; a CLIP model folder holds config.json and model.safetensors")
        }
        let file = try SafetensorsFile(url: weightsURL)
        if OpenAICheckpoint.looksOpenAI(file) {
            let (config, tensors) = try OpenAICheckpoint.read(file)
            return (config, tensors, weightsURL.path)
        }
        let configURL = weightsURL.deletingLastPathComponent().appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: configURL.path) else {
            throw EngineError.io(file: configURL.path,
                message: "not found; \(weightsURL.lastPathComponent) has Hugging Face tensor names and needs the config.json beside it")
        }
        let config = try CLIPConfig.load(from: configURL)
        try CheckpointLayout.validate(config, configSource: configURL.path)
        let tensors = try readHuggingFace(file, config: config, configSource: configURL.lastPathComponent)
        return (config, tensors, weightsURL.path)
    }

    /// The expected tensors of `config`, converted to fp32 (a 1-element logit_scale is taken as a scalar).
    static func readHuggingFace(_ file: SafetensorsFile, config: CLIPConfig, configSource: String) throws -> [String: TensorData] {
        var tensors: [String: TensorData] = [:]
        for (name, shape) in CheckpointLayout.expectedShapes(for: config) {
            guard var found = file.shape(of: name) else {
                throw EngineError.badCheckpoint(file: file.url.path,
                    message: "tensor \(name) is missing; \(configSource) needs it with shape \(shape); is this a CLIPModel checkpoint?")
            }
            if name == "logit_scale" && found == [1] { found = [] }
            if found != shape {
                throw EngineError.badCheckpoint(file: file.url.path,
                    message: "tensor \(name) is \(found), \(configSource) implies \(shape); is this the right config?")
            }
            var tensor = try file.tensor(name)
            tensor.shape = shape
            tensors[name] = tensor
        }
        return tensors
    }
}
