// `prograd bench`: engine throughput at the ViT-B/16 configuration with random weights.
import ArgumentParser
import Engine
import Foundation

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure CLIP tower throughput (ViT-B/16, random weights): images/s, text forward+backward ms, GFLOP/s, CoOp/ProGrad step ms.")

    @Flag(name: .long, help: "Print one JSON object instead of text lines.")
    var json = false

    @Option(name: .long, help: "Timed runs per figure after one warm-up (medians are reported).")
    var repeats = 3

    @Option(name: .long, help: "Images per batch of the image-tower figure.")
    var batch = 32

    @Option(name: .long, parsing: .upToNextOption, help: "Prompt counts of the text figures.")
    var prompts: [Int] = [10, 100]

    func run() throws {
        let report = BenchmarkReport()
        let log: (String) -> Void = { line in
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        EngineBenchmark.run(into: report, repeats: max(0, repeats), imageBatch: max(1, batch),
                            promptCounts: prompts.map { max(1, $0) }, log: log)
        // One CoOp / ProGrad training step on the text side (M = 16, 3-token class names, 32 image features): medians.
        let steps = try PromptStepBenchmark.run(classCounts: prompts.map { max(1, $0) }, repeats: max(1, repeats), log: log)
        for (key, values) in PromptStepBenchmark.jsonFigures(steps).sorted(by: { $0.key < $1.key }) {
            report.addGroup(key, values.sorted { Int($0.key)! < Int($1.key)! }.map { (key: $0.key, value: $0.value) })
        }
        print(json ? report.json() : report.text())
    }
}
