// `prograd pretrain`: contrastive pretraining of the compact embedded CLIP on the procedural world.
import ArgumentParser
import Engine
import Experiments
import Foundation

struct PretrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretrain",
        abstract: "Pretrain a compact CLIP on the procedural world and write it as a Hugging Face CLIP folder.",
        discussion: """
        Learns a byte-level BPE vocabulary from the world's captions (vocab.json, merges.txt), then trains both towers \
        with symmetric InfoNCE, AdamW and warm-up + cosine on fresh random image–caption batches, printing progress and \
        zero-shot accuracy on the world's tasks. Writes config.json, model.safetensors and PRETRAIN.md into --out; \
        a resumable checkpoint lives in <out>/checkpoint (--resume continues from it).
        """)

    @Option(help: "Output model folder.") var out: String
    @Option(help: "Optimizer steps.") var steps = 500
    @Option(help: "Seed of the initialization and the data stream.") var seed: UInt64 = 1
    @Option(help: "Image–caption pairs per step.") var batchSize = 128
    @Option(help: "Peak learning rate.") var lr: Float = 2e-3
    @Option(help: "Warm-up steps.") var warmup = 50
    @Option(help: "AdamW weight decay (not applied to biases, LayerNorms, embeddings, logit scale).") var weightDecay: Float = 0.1
    @Option(help: "Width of both towers.") var width = 128
    @Option(help: "Transformer layers of each tower.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "Vision patch size (images are 32 pixels).") var patch = 8
    @Option(help: "Text positions (context length).") var contextLength = 40
    @Option(help: "Shared embedding dimension.") var projection = 128
    @Option(help: "Largest BPE vocabulary (ids, including the two special tokens).") var vocabSize = 1024
    @Option(help: "Captions the vocabulary is learned from.") var corpusSize = 20000
    @Option(help: "Evaluate zero-shot accuracy every N steps (0: only at the end).") var evalEvery = 50
    @Option(help: "Test images per class in each evaluation.") var evalPerClass = 10
    @Option(help: "Save a resumable checkpoint every N steps.") var checkpointEvery = 50
    @Option(help: "Print a progress line every N steps.") var logEvery = 10
    @Option(help: "OpenBLAS threads.") var threads = 2
    @Flag(help: "Continue from <out>/checkpoint.") var resume = false
    @Option(help: "Stop after this step, leaving a checkpoint to --resume from.") var stopAfter: Int?

    func run() throws {
        var o = WorldPretrainingOptions(out: URL(fileURLWithPath: out))
        o.steps = steps; o.seed = seed; o.batchSize = batchSize; o.lr = lr; o.warmup = warmup
        o.weightDecay = weightDecay; o.width = width; o.layers = layers; o.heads = heads; o.patch = patch
        o.contextLength = contextLength; o.projection = projection; o.vocabularySize = vocabSize
        o.corpusSize = corpusSize; o.evalEvery = evalEvery; o.evalPerClass = evalPerClass
        o.checkpointEvery = checkpointEvery; o.logEvery = logEvery; o.threads = threads; o.resume = resume
        o.stopAfter = stopAfter
        o.commandLine = (["prograd"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        let context = contextLength
        _ = try WorldPretrainingRun.run(o, makeTokenizer: { dir in
            let tokenizer = try CLIPTokenizer(directory: dir)
            return { try tokenizer.tokenize($0, contextLength: context, truncate: true) }
        }, log: { print($0); fflush(stdout) })
    }
}
