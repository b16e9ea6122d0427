// `prograd tokenize`: prints CLIP token ids (SOS … EOT) of each text as one JSON array per line.
import ArgumentParser
import Engine
import Foundation

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the CLIP BPE ids (SOS … EOT) of each text, one JSON array per line.")

    @Option(name: .long, help: "Model folder holding vocab.json and merges.txt.")
    var model: String

    @Option(name: .long, help: "Text cleaning: openai (CLIP's SimpleTokenizer, as CoOp) or huggingface (transformers without ftfy).")
    var cleaning: String = TextCleaning.openai.rawValue

    @Option(name: .long, help: "Context length; longer texts are cut with EOT kept last.")
    var contextLength: Int = 77

    @Flag(name: .long, help: "Fail on texts longer than the context length instead of cutting them.")
    var noTruncate = false

    @Argument(help: "Texts to tokenize.")
    var texts: [String]

    func run() throws {
        // Bad values are reported as one line with exit code 1 (thrown from run, not as usage errors).
        guard let cleaningMode = TextCleaning(rawValue: cleaning) else {
            throw EngineError.invalidArgument("--cleaning \(cleaning) is not one of: \(TextCleaning.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard contextLength >= 2 else {
            throw EngineError.invalidArgument("--context-length \(contextLength) cannot hold SOS and EOT; use at least 2")
        }
        let tokenizer = try CLIPTokenizer(directory: URL(fileURLWithPath: model), cleaning: cleaningMode)
        var lines: [String] = []
        for text in texts {
            let ids = try tokenizer.tokenize(text, contextLength: contextLength, truncate: !noTruncate)
            lines.append("[" + ids.map(String.init).joined(separator: ",") + "]")
        }
        print(lines.joined(separator: "\n"))
    }
}
