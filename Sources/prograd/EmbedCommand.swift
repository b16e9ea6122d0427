// `prograd embed`: projected (not normalized) CLIP features of texts and images as one JSON object.
import ArgumentParser
import Engine
import Foundation

struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Print {\"text\": [[…]], \"image\": [[…]], \"logit_scale\": x}: projected CLIP features in input order.")

    @Option(name: .long, help: "A Hugging Face CLIP folder (config.json, model.safetensors, vocab.json, merges.txt) or an OpenAI-named .safetensors file.")
    var model: String

    @Option(name: .long, help: "A text to encode (repeatable).")
    var text: [String] = []

    @Option(name: .long, help: "A JPEG or PNG image to encode (repeatable).")
    var image: [String] = []

    @Option(name: .long, help: "Folder with vocab.json and merges.txt when --model is a single safetensors file.")
    var tokenizer: String?

    func run() throws {
        let modelURL = URL(fileURLWithPath: model)
        let clip = try CLIPModel.load(from: modelURL)
        var textFeatures: [[Float]] = []
        if !text.isEmpty {
            let tokDir = tokenizer.map { URL(fileURLWithPath: $0) } ?? modelURL
            let tok = try CLIPTokenizer(directory: tokDir)
            let ids = try text.map { try tok.tokenize($0, contextLength: clip.config.text.maxPositionEmbeddings) }
            let feats = clip.text.encode(tokenIds: ids)
            textFeatures = rows(feats, count: text.count, dim: clip.config.projectionDim)
        }
        var imageFeatures: [[Float]] = []
        if !image.isEmpty {
            let pre = CLIPPreprocessor(size: clip.config.vision.imageSize)
            var pixels: [Float] = []
            for path in image {
                pixels += pre(try ImageDecoder.decode(url: URL(fileURLWithPath: path)))
            }
            let feats = clip.vision.encode(pixels: pixels, count: image.count)
            imageFeatures = rows(feats, count: image.count, dim: clip.config.projectionDim)
        }
        let out: [String: Any] = ["text": textFeatures.map { $0.map(Double.init) },
                                  "image": imageFeatures.map { $0.map(Double.init) },
                                  "logit_scale": Double(clip.logitScale)]
        let data = try JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    private func rows(_ flat: [Float], count: Int, dim: Int) -> [[Float]] {
        (0..<count).map { Array(flat[$0 * dim ..< ($0 + 1) * dim]) }
    }
}
