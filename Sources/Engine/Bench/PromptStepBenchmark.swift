// Timing of one CoOp and one ProGrad training step on the text side at the ViT-B/16 text configuration (random
// weights): M = 16 unified context at the end, 3-token class names, 32 cached image features, batch 32.
import Foundation

public enum PromptStepBenchmark {
    /// A tokenizer for timing only: every class name "class<i>" becomes 3 distinct ids, other words one id each.
    final class SyntheticTokenizer: PromptTokenizing {
        let sos = 49406, eot = 49407
        func encode(_ text: String) -> [Int] {
            text.lowercased().split(separator: " ").flatMap { w -> [Int] in
                var word = String(w), tail: [Int] = []
                if word.hasSuffix(".") { word.removeLast(); tail = [269] }
                if word.hasPrefix("class"), let i = Int(word.dropFirst(5)) { return [1000 + 3 * i, 1001 + 3 * i, 1002 + 3 * i] + tail }
                return [400 + abs(word.hashValue % 1000)] + tail
            }
        }
        func tokenize(_ text: String, contextLength: Int, truncate: Bool) throws -> [Int] { [sos] + encode(text) + [eot] }
    }

    /// The ViT-B/16 text tower (width 512, 8 heads, 12 layers, projection 512) with a minimal vision tower.
    public static func textConfig() -> CLIPConfig {
        var v = CLIPVisionConfig()
        v.hiddenSize = 32; v.intermediateSize = 64; v.numHiddenLayers = 1; v.numAttentionHeads = 2
        v.patchSize = 16; v.imageSize = 32
        return CLIPConfig(text: EngineBenchmark.vitB16().text, vision: v, projectionDim: 512)
    }

    /// Process CPU time in seconds (all threads): on a machine shared with other work this still measures our work.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Median step times in milliseconds per figure and class count: "coop_step_ms", "prograd_step_ms" (wall clock) and
    /// "coop_step_cpu_ms", "prograd_step_cpu_ms" (process CPU time of the step, all threads), each [10: ms, 100: ms].
    /// `sharedPrefix` false times the plain path (every class runs its own [SOS, ctx] positions).
    public static func run(classCounts: [Int] = [10, 100], repeats: Int = 3, sharedPrefix: Bool = true,
                           log: (String) -> Void = { _ in }) throws -> [String: [Int: Double]] {
        log("initializing a random ViT-B/16 text tower …")
        let model = CLIPModel.random(config: textConfig(), seed: 0)
        let tok = SyntheticTokenizer()
        var rng = SplitMix64(seed: 5)
        let features = (0..<(32 * 512)).map { _ in Float(rng.nextNormal()) }
        var out: [String: [Int: Double]] = [:]
        for n in classCounts {
            let names = (0..<n).map { "class\($0)" }
            let labels = (0..<32).map { $0 % n }
            let teacher = try ZeroShotClassifier(classNames: names, templates: ["a photo of a {}."], tokenizer: tok,
                                                 tower: model.text, logitScale: model.logitScale)
            for method in [MethodKind.coop, .prograd] {
                let learner = try PromptLearner(classNames: names, settings: PromptSettings(contextLength: 16),
                                                tokenizer: tok, tower: model.text)
                learner.useSharedPrefix = sharedPrefix
                let trainer = try PromptTrainer(learner: learner, tower: model.text, tokenizer: tok,
                                                logitScale: model.logitScale, trainFeatures: features, labels: labels,
                                                alignment: method == .prograd ? GradientAlignment(teacher: teacher) : nil,
                                                training: TrainingSettings(epochs: 1))
                var wall: [Double] = [], cpu: [Double] = []
                for r in 0...repeats {
                    let start = DispatchTime.now().uptimeNanoseconds, cpu0 = cpuSeconds()
                    _ = try trainer.step(batch: Array(0..<32), lr: 0.002)
                    let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6, cms = (cpuSeconds() - cpu0) * 1e3
                    log(String(format: "%@ step, %d classes, run %d: %.1f ms wall, %.1f ms CPU", method.name, n, r, ms, cms))
                    if r > 0 { wall.append(ms); cpu.append(cms) }      // run 0 warms up
                }
                out["\(method.name)_step_ms", default: [:]][n] = EngineBenchmark.median(wall)
                out["\(method.name)_step_cpu_ms", default: [:]][n] = EngineBenchmark.median(cpu)
            }
        }
        return out
    }
}

extension PromptStepBenchmark {
    /// The figures as `prograd bench --json` nests them: {"coop_step_ms": {"10": ms, "100": ms}, "prograd_step_ms": …,
    /// "coop_step_cpu_ms": …, "prograd_step_cpu_ms": …}.
    public static func jsonFigures(_ figures: [String: [Int: Double]]) -> [String: [String: Double]] {
        figures.mapValues { Dictionary(uniqueKeysWithValues: $0.map { (String($0.key), $0.value) }) }
    }
}
