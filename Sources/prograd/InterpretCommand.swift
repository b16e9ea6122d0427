// `prograd interpret`: the nearest vocabulary tokens to each learned context vector (as interpret_prompt.py).
import ArgumentParser
import Engine
import Foundation

struct InterpretCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interpret",
        abstract: "Show the vocabulary tokens nearest (Euclidean, token-embedding space) to each learned context vector.")

    @Option(help: "A learned prompt (prompt.safetensors written by `prograd run`).")
    var prompt: String

    @Option(help: "The CLIP model folder (config.json + model.safetensors + vocab.json + merges.txt) or checkpoint file.")
    var model: String

    @Option(name: .customLong("topk"), help: "How many nearest tokens to list per context vector.")
    var topK: Int = 3

    func run() throws {
        let learned = try LearnedPrompt.load(from: URL(fileURLWithPath: prompt))
        let (clip, tokenizer) = try CLIPModel.loadWithTokenizer(from: URL(fileURLWithPath: model))
        let (vocab, width) = (clip.config.text.vocabSize, clip.config.text.hiddenSize)
        guard learned.context.shape.last == width else {
            throw ValidationError("\(prompt): ctx width \(learned.context.shape.last ?? 0) differs from the model's token width \(width); was the prompt learned on another model?")
        }
        let table = clip.text.embed(Array(0..<vocab))      // [vocab, width]
        var decoder = [Int: String]()
        for (t, i) in tokenizer.vocabulary { decoder[i] = t }
        print("Return the top-\(topK) matched words")
        print("Size of token embedding: [\(vocab), \(width)]")
        print("Size of context: \(learned.context.shape)")
        let m = learned.settings.contextLength
        let groups = learned.settings.classSpecific ? learned.classNames.count : 1
        for g in 0..<groups {
            if learned.settings.classSpecific { print("Class \(g): \(learned.classNames[g])") }
            let ctx = Array(learned.context.values[(g * m * width)..<((g + 1) * m * width)])
            let near = PromptInterpreter.nearest(context: ctx, rows: m, embeddings: table, vocab: vocab,
                                                 width: width, topK: topK)
            for (j, list) in near.enumerated() {
                let words = list.map { "'\(decoder[$0.id] ?? "<\($0.id)>")'" }.joined(separator: ", ")
                let dists = list.map { String(format: "'%.4f'", $0.distance) }.joined(separator: ", ")
                print("\(j + 1): [\(words)] [\(dists)]")
            }
        }
    }
}
