// A whole pretraining run of the embedded CLIP on the world: vocabulary, model, loop with progress, zero-shot
// evaluation and resumable checkpoints, and the final Hugging Face folder with PRETRAIN.md.
import Engine
import Foundation

/// Settings of a pretraining run (the `prograd pretrain` options).
public struct WorldPretrainingOptions: Sendable {
    public var out: URL
    public var steps = 500
    public var seed: UInt64 = 1
    public var batchSize = 128
    public var lr: Float = 2e-3
    public var warmup = 50
    public var weightDecay: Float = 0.1
    public var width = 128
    public var layers = 4
    public var heads = 4
    public var patch = 8
    public var contextLength = 40
    public var projection = 128
    public var vocabularySize = 1024
    public var corpusSize = 20000
    public var evalEvery = 50
    public var evalPerClass = 10
    public var checkpointEvery = 50
    public var logEvery = 10
    public var threads = 2
    public var resume = false
    /// Stop after this step (its checkpoint saved) without writing the final folder; --resume continues.
    public var stopAfter: Int?
    /// The command line recorded in PRETRAIN.md.
    public var commandLine = ""

    public init(out: URL) { self.out = out }
}

public enum WorldPretrainingRun {
    /// Runs (or resumes) pretraining; `makeTokenizer` loads the tokenizer from the folder holding vocab.json and
    /// merges.txt and returns a function giving SOS + ids + EOT for a text; `log` receives progress lines.
    public static func run(_ o: WorldPretrainingOptions,
                           makeTokenizer: (URL) throws -> (String) throws -> [Int],
                           log: (String) -> Void) throws -> [WorldZeroShotResult] {
        Platform.setBLASThreads(o.threads)
        let dir = o.out
        let checkpointDir = dir.appendingPathComponent("checkpoint")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let started = Date()

        let vocabURL = dir.appendingPathComponent("vocab.json")
        if !(o.resume && FileManager.default.fileExists(atPath: vocabURL.path)) {
            let corpus = WorldPretraining.corpus(count: o.corpusSize, seed: o.seed)
            let vocabulary = BPETrainer.train(texts: corpus, vocabularySize: o.vocabularySize)
            try vocabulary.write(to: dir)
            log("tokenizer: \(vocabulary.count) ids (\(vocabulary.merges.count) merges) from \(corpus.count) captions")
        }
        let vocabularySize = try (JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)) as? [String: Int])?.count ?? 0
        let tokenize = try makeTokenizer(dir)
        let config = WorldPretraining.config(vocabularySize: vocabularySize, patch: o.patch, width: o.width, layers: o.layers,
                                             heads: o.heads, maxPositions: o.contextLength, projection: o.projection)
        let model = CLIPModel.random(config: config, seed: o.seed)
        let schedule = WarmupCosineSchedule(baseLR: o.lr, warmupSteps: o.warmup, totalSteps: o.steps)
        let trainer = ContrastivePretrainer(model: model, schedule: schedule,
                                            optimizer: AdamW.Settings(weightDecay: o.weightDecay))
        if o.resume && FileManager.default.fileExists(atPath: checkpointDir.appendingPathComponent("optimizer.safetensors").path) {
            try trainer.restoreCheckpoint(from: checkpointDir)
            log("resumed at step \(trainer.step) from \(checkpointDir.path)")
        }
        let parameterCount = model.parameters().reduce(0) { $0 + $1.buffer.count }
        log("model: \(parameterCount) parameters; vision \(config.vision.imageSize) px, patch \(o.patch), width \(o.width), \(o.layers) layers; text \(o.contextLength) positions, vocabulary \(vocabularySize)")

        var history: [String] = []
        var window: [PretrainStepReport] = []
        var clock = Date()
        func evaluate(_ label: String) throws -> [WorldZeroShotResult] {
            let results = try WorldZeroShot.evaluate(model: model, tokenize: tokenize, tasks: WorldTask.defaults,
                                                     perClass: o.evalPerClass)
            let line = results.map { String(format: "%@ all %.0f%% base %.0f%% new %.0f%%", $0.task, 100 * $0.all, 100 * $0.base, 100 * $0.new) }
                .joined(separator: " | ")
            log("zero-shot @\(label): \(line)")
            history.append("zero-shot @\(label): \(line)")
            return results
        }
        while trainer.step < o.steps {
            let (batch, _) = try WorldPretraining.batch(step: trainer.step, size: o.batchSize, seed: o.seed, tokenize: tokenize)
            let report = trainer.train(on: batch)
            window.append(report)
            if report.step % o.logEvery == 0 || report.step == o.steps {
                let seconds = Date().timeIntervalSince(clock) / Double(window.count)
                let loss = window.map(\.loss).reduce(0, +) / Float(window.count)
                let acc = window.map(\.accuracy).reduce(0, +) / Float(window.count)
                let line = String(format: "step %5d/%d  loss %.4f  batch acc %.3f  lr %.2e  scale %.1f  |g| %.2f  %.2f s/step  eta %.1f min",
                                  report.step, o.steps, loss, acc, report.lr, exp(report.logitScale), report.gradientNorm,
                                  seconds, seconds * Double(o.steps - report.step) / 60)
                log(line)
                history.append(line)
                window.removeAll(keepingCapacity: true)
                clock = Date()
            }
            if o.evalEvery > 0 && report.step % o.evalEvery == 0 && report.step < o.steps { _ = try evaluate(String(report.step)) }
            if report.step % o.checkpointEvery == 0 || report.step == o.steps || report.step == o.stopAfter {
                try trainer.saveCheckpoint(to: checkpointDir)
            }
            if report.step == o.stopAfter {
                log("stopped after step \(report.step); checkpoint in \(checkpointDir.path) (continue with --resume)")
                return []
            }
        }

        try config.jsonData().write(to: dir.appendingPathComponent("config.json"), options: .atomic)
        try SafetensorsWriter.write(model.namedTensors(), metadata: ["format": "pt"],
                                    to: dir.appendingPathComponent("model.safetensors"))
        let results = try evaluate("final")
        let minutes = Date().timeIntervalSince(started) / 60
        var md = "# Embedded CLIP: how it was made\n\n"
        md += "Made by (from the repository root, release build):\n\n    \(o.commandLine)\n\n"
        md += String(format: "Wall time of this invocation: %.1f min with %d OpenBLAS threads on a shared 2-core machine; ", minutes, o.threads)
        md += "\(o.steps) steps of \(o.batchSize) fresh image–caption pairs; \(parameterCount) parameters.\n\n"
        md += "Zero-shot accuracy on \(o.evalPerClass) test images per class of each world task (template \"a photo of a {}.\"; "
        md += "base and new are each ranked within their own half, as in base-to-new evaluation):\n\n"
        md += WorldZeroShot.table(results) + "\n"
        md += "Log (loss: symmetric InfoNCE averaged over the last \(o.logEvery) steps; batch acc: image→text top-1 within the batch):\n\n"
        md += history.map { "    " + $0 }.joined(separator: "\n") + "\n"
        try Data(md.utf8).write(to: dir.appendingPathComponent("PRETRAIN.md"), options: .atomic)
        log(WorldZeroShot.table(results))
        log(String(format: "wrote %@ (%.1f min)", dir.path, minutes))
        return results
    }
}
