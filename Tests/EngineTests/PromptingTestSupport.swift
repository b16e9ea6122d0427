// Small exact stand-ins for the text tower and the tokenizer, so prompt-tuning maths is tested at tiny shapes with
// finite differences independently of the CLIP engine.
import Foundation
@testable import Engine

/// A word-level tokenizer: lowercase words, "," and "." are their own tokens; ids grow as words appear.
final class WordTokenizer: PromptTokenizing {
    let sot = 998, eot = 999
    private(set) var vocabulary: [String: Int] = [:]

    func encode(_ text: String) -> [Int] {
        var words: [String] = []
        var cur = ""
        for ch in text.lowercased() {
            if ch == " " { if !cur.isEmpty { words.append(cur); cur = "" } }
            else if ch == "," || ch == "." { if !cur.isEmpty { words.append(cur); cur = "" }; words.append(String(ch)) }
            else { cur.append(ch) }
        }
        if !cur.isEmpty { words.append(cur) }
        return words.map { w in
            if let id = vocabulary[w] { return id }
            let id = vocabulary.count + 1
            vocabulary[w] = id
            return id
        }
    }

    func tokenize(_ text: String, contextLength: Int, truncate: Bool) throws -> [Int] {
        var ids = [sot] + encode(text) + [eot]
        if ids.count > contextLength {
            guard truncate else { throw EngineError.invalidArgument("too long: \(text)") }
            ids = Array(ids[0..<(contextLength - 1)]) + [eot]
        }
        return ids
    }
}

/// A causal, position-aware toy tower with an exact backward: h_t = tanh(x_t + pos_t),
/// feature = W · (mean over t ≤ eot of h_t). Shared-prefix calls run the concatenated sequences.
final class ToyTower: PromptTextEncoding {
    let tokenWidth: Int
    let featureDimension: Int
    var table: [Float]      // [1000, w]
    let pos: [Float]        // [77, w]
    var proj: [Float]       // [D, w]

    init(width: Int = 6, dim: Int = 5, seed: UInt64 = 7) {
        tokenWidth = width; featureDimension = dim
        var rng = SplitMix64(seed: seed)
        func randn(_ n: Int, _ s: Float) -> [Float] { (0..<n).map { _ in s * Float(rng.nextNormal()) } }
        table = randn(1000 * width, 0.5); pos = randn(77 * width, 0.3); proj = randn(dim * width, 0.7)
    }

    final class Tape { let inputs: [Float]; let n: Int; let l: Int; let eot: [Int]
        init(_ x: [Float], _ n: Int, _ l: Int, _ e: [Int]) { inputs = x; self.n = n; self.l = l; eot = e } }
    final class PrefixTape { let inner: PromptPass; let p: Int; let s: Int
        init(_ i: PromptPass, _ p: Int, _ s: Int) { inner = i; self.p = p; self.s = s } }

    func tokenEmbeddings(_ ids: [Int]) -> [Float] { ids.flatMap { Array(table[($0 * tokenWidth)..<(($0 + 1) * tokenWidth)]) } }

    func encodeTexts(_ tokenIds: [[Int]]) -> [Float] {
        let l = tokenIds.map(\.count).max()!
        var x = [Float](repeating: 0, count: tokenIds.count * l * tokenWidth)
        var eot: [Int] = []
        for (i, ids) in tokenIds.enumerated() {
            let e = tokenEmbeddings(ids)
            for k in e.indices { x[i * l * tokenWidth + k] = e[k] }
            eot.append(ids.indices.max(by: { ids[$0] < ids[$1] })!)
        }
        return forwardPrompts(inputs: x, count: tokenIds.count, length: l, eot: eot, saveForBackward: false).features
    }

    func forwardPrompts(inputs: [Float], count n: Int, length l: Int, eot: [Int], saveForBackward: Bool) -> PromptPass {
        let w = tokenWidth, d = featureDimension
        var f = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            var u = [Float](repeating: 0, count: w)
            for t in 0...eot[i] { for c in 0..<w { u[c] += tanh(inputs[(i * l + t) * w + c] + pos[t * w + c]) } }
            for c in 0..<w { u[c] /= Float(eot[i] + 1) }
            for o in 0..<d { var s: Float = 0; for c in 0..<w { s += proj[o * w + c] * u[c] }; f[i * d + o] = s }
        }
        return PromptPass(features: f, count: n, tape: Tape(inputs, n, l, eot))
    }

    func backwardPrompts(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int) -> [Float] {
        let t = pass.tape as! Tape, w = tokenWidth, d = featureDimension, n = t.n, l = t.l
        var dx = [Float](repeating: 0, count: k * n * l * w)
        for j in 0..<k { for i in 0..<n {
            var du = [Float](repeating: 0, count: w)
            for o in 0..<d { for c in 0..<w { du[c] += dFeatures[(j * n + i) * d + o] * proj[o * w + c] } }
            for s in 0...t.eot[i] { for c in 0..<w {
                let h = tanh(t.inputs[(i * l + s) * w + c] + pos[s * w + c])
                dx[((j * n + i) * l + s) * w + c] += du[c] / Float(t.eot[i] + 1) * (1 - h * h)
            } }
        } }
        return dx
    }

    func forwardPromptsSharedPrefix(prefix: [Float], prefixLength p: Int, suffix: [Float], count n: Int,
                                    suffixLength s: Int, eot: [Int], saveForBackward: Bool) -> PromptPass {
        var x: [Float] = []
        for i in 0..<n { x += prefix; x += suffix[(i * s * tokenWidth)..<((i + 1) * s * tokenWidth)] }
        let inner = forwardPrompts(inputs: x, count: n, length: p + s, eot: eot, saveForBackward: saveForBackward)
        return PromptPass(features: inner.features, count: n, tape: PrefixTape(inner, p, s))
    }

    func backwardPromptsSharedPrefix(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int) -> (dPrefix: [Float], dSuffix: [Float]) {
        let t = pass.tape as! PrefixTape, w = tokenWidth, n = pass.count, l = t.p + t.s
        let dx = backwardPrompts(t.inner, dFeatures: dFeatures, cotangents: k)
        var dp = [Float](repeating: 0, count: k * t.p * w), ds = [Float](repeating: 0, count: k * n * t.s * w)
        for j in 0..<k { for i in 0..<n { for q in 0..<l { for c in 0..<w {
            let v = dx[((j * n + i) * l + q) * w + c]
            if q < t.p { dp[(j * t.p + q) * w + c] += v } else { ds[((j * n + i) * t.s + q - t.p) * w + c] = v }
        } } } }
        return (dp, ds)
    }
}

/// Relative agreement of two vectors: max|a − b| / max(max|b|, tiny).
func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0, s: Float = 1e-12
    for i in a.indices { m = max(m, abs(a[i] - b[i])); s = max(s, abs(b[i])) }
    return m / s
}
