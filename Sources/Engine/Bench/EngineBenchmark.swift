// Throughput of the CLIP towers at the ViT-B/16 configuration with random weights: image tower images/s at batch 32,
// text forward + backward (k cotangents) for 10 and 100 prompts, and the GFLOP/s those reach.
import Foundation

public enum EngineBenchmark {
    /// OpenAI CLIP ViT-B/16: text width 512, 8 heads, 12 layers; vision width 768, 12 heads, patch 16, image 224; proj 512.
    public static func vitB16() -> CLIPConfig {
        var t = CLIPTextConfig()
        t.hiddenSize = 512; t.intermediateSize = 2048; t.numHiddenLayers = 12; t.numAttentionHeads = 8
        var v = CLIPVisionConfig()
        v.hiddenSize = 768; v.intermediateSize = 3072; v.numHiddenLayers = 12; v.numAttentionHeads = 12
        v.patchSize = 16; v.imageSize = 224
        return CLIPConfig(text: t, vision: v, projectionDim: 512)
    }

    /// Multiply-adds ×2 of the matrix products a tower runs over `sequences` sequences of `length` tokens that attend
    /// to `keys` keys each, as the engine runs them: every layer computes q|k|v and attention (q·kᵀ, P·v) for all
    /// rows, out_proj and the MLP for all rows except in the last layer, which keeps one pooled row per sequence.
    static func stackFLOPs(layers: Int, width W: Int, intermediate I: Int, sequences n: Int, length L: Int,
                           keys K: Int) -> (linear: Double, attention: Double) {
        let T = Double(n * L), w = Double(W), rest = w + 2 * Double(I)
        let keptRows = Double(max(0, layers - 1)) * T + (layers > 0 ? Double(n) : 0)
        let linear = 2 * Double(layers) * T * w * 3 * w + 2 * keptRows * w * rest
        return (linear, Double(layers) * 2 * 2 * Double(n * L * K) * w)
    }

    /// Forward FLOPs of the image tower for n images.
    public static func imageForwardFLOPs(_ c: CLIPVisionConfig, projectionDim: Int, images n: Int) -> Double {
        let L = c.numPatches + 1, cpp = c.numChannels * c.patchSize * c.patchSize
        let stack = stackFLOPs(layers: c.numHiddenLayers, width: c.hiddenSize, intermediate: c.intermediateSize,
                               sequences: n, length: L, keys: L)
        return stack.linear + stack.attention
            + 2 * Double(n * c.numPatches * cpp * c.hiddenSize) + 2 * Double(n * c.hiddenSize * projectionDim)
    }

    /// FLOPs of a text forward plus an input-gradient backward for k cotangents: the backward runs each linear layer's
    /// input-gradient product once per cotangent and four attention products (dP, dq, dk, dv) instead of two.
    public static func textForwardBackwardFLOPs(_ c: CLIPTextConfig, prompts n: Int, length L: Int, cotangents k: Int) -> Double {
        let stack = stackFLOPs(layers: c.numHiddenLayers, width: c.hiddenSize, intermediate: c.intermediateSize,
                               sequences: n, length: L, keys: L)
        return stack.linear + stack.attention + Double(k) * (stack.linear + 2 * stack.attention)
    }

    /// The median of samples (the mean of the middle two when their count is even).
    static func median(_ samples: [Double]) -> Double {
        let s = samples.sorted()
        return (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
    }

    /// Wall-clock and process CPU seconds (user + system, all threads) of body.
    static func seconds(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        func cpuNow() -> Double {
            var u = rusage()
            getrusage(RUSAGE_SELF.rawValue, &u)
            return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
        }
        let start = DispatchTime.now().uptimeNanoseconds, cpu0 = cpuNow()
        body()
        return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, cpuNow() - cpu0)
    }

    /// Runs the engine's figures into `report`; `repeats` timed runs after one warm-up, medians kept (with repeats 0,
    /// the single run).
    public static func run(into report: BenchmarkReport, repeats: Int = 2, imageBatch: Int = 32,
                           promptCounts: [Int] = [10, 100], promptLength: Int = 24, cotangents: Int = 2,
                           log: (String) -> Void = { _ in }) {
        let config = vitB16()
        report.note("configuration", "ViT-B/16 (text 512×12, vision 768×12, patch 16, image 224, proj 512), random weights")
        report.note("machine", "\(ProcessInfo.processInfo.activeProcessorCount) cores, OpenBLAS \(Platform.blasThreads) threads")
        log("initializing a random ViT-B/16 CLIP …")
        let model = randomUniformModel(config: config, seed: 0)

        // Image tower, batch 32.
        let pixels = randomPixels(count: imageBatch * 3 * 224 * 224)
        var walls: [Double] = [], cpus: [Double] = []
        for r in 0...repeats {
            let t = seconds { _ = model.vision.encode(pixels: pixels, count: imageBatch) }
            log(String(format: "image tower, batch %d, run %d: %.2f s wall, %.2f s CPU", imageBatch, r, t.wall, t.cpu))
            if r > 0 || repeats == 0 { walls.append(t.wall); cpus.append(t.cpu) }
        }
        let wall = median(walls), cpu = median(cpus)
        let imageFLOPs = imageForwardFLOPs(config.vision, projectionDim: config.projectionDim, images: imageBatch)
        report.add("image_tower_images_per_s", Double(imageBatch) / wall)
        report.add("image_tower_gflops", imageFLOPs / wall / 1e9)
        // Per CPU-second of all threads: what the cores deliver when the machine is shared.
        report.add("image_tower_gflops_per_cpu_s", imageFLOPs / cpu / 1e9)

        // Text forward + backward with k cotangents (input-embedding gradients only, as prompt tuning runs it).
        for n in promptCounts {
            let inputs = randomPixels(count: n * promptLength * config.text.hiddenSize, scale: 0.02)
            let eot = [Int](repeating: promptLength - 1, count: n)
            let dFeatures = randomPixels(count: cotangents * n * config.projectionDim)
            var walls: [Double] = [], cpus: [Double] = []
            for r in 0...repeats {
                let t = seconds {
                    let pass = model.text.forward(inputs: inputs, count: n, length: promptLength, eot: eot,
                                                  saveForBackward: true)
                    _ = model.text.backward(pass, dFeatures: dFeatures, cotangents: cotangents)
                }
                log(String(format: "text forward + backward, %d prompts × %d tokens, k=%d, run %d: %.1f ms wall, %.1f ms CPU",
                           n, promptLength, cotangents, r, t.wall * 1e3, t.cpu * 1e3))
                if r > 0 || repeats == 0 { walls.append(t.wall); cpus.append(t.cpu) }
            }
            let textWall = median(walls), textCPU = median(cpus)
            let flops = textForwardBackwardFLOPs(config.text, prompts: n, length: promptLength, cotangents: cotangents)
            report.add("text_fwd_bwd_ms_\(n)", textWall * 1e3)
            report.add("text_fwd_bwd_gflops_\(n)", flops / textWall / 1e9)
            report.add("text_fwd_bwd_gflops_per_cpu_s_\(n)", flops / textCPU / 1e9)
        }
    }

    /// A model with uniform random weights of transformers' init stds (LayerNorm weights 1, biases 0): the timings do
    /// not depend on the values, and uniform samples are much cheaper than normal ones at 150 M parameters.
    static func randomUniformModel(config: CLIPConfig, seed: UInt64) -> CLIPModel {
        let model = CLIPModel(config: config)
        var rng = SplitMix64(seed: seed)
        for entry in model.store.layout.entries {
            let p = model.store.pointer(entry.offset)
            if let std = CLIPModel.initStd(name: entry.name, config: config) {
                let half = std * Float(3).squareRoot()   // U(−a, a) has std a/√3
                for i in 0..<entry.count { p[i] = half * (2 * Float(rng.next() >> 40) * 0x1p-24 - 1) }
            } else if entry.name.hasSuffix("weight") {
                p.update(repeating: 1, count: entry.count)
            }
        }
        model.logitScale = Float(config.logitScaleInitValue)
        return model
    }

    /// Deterministic values in [-scale, scale] (inputs of the timed passes; their values do not affect the timing).
    static func randomPixels(count: Int, scale: Float = 1) -> [Float] {
        var rng = SplitMix64(seed: 42)
        return (0..<count).map { _ in scale * Float(rng.nextUniform() * 2 - 1) }
    }
}
