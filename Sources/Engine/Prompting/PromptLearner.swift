// CoOp's prompt learner: learnable context vectors placed around each class name's token embeddings, and the
// backward that gathers the context's gradient from the input-embedding gradient (port of BeierZhu/Prompt-align
// ProGrad.public/trainers/prograd.py PromptLearner semantics, which is KaiyangZhou/CoOp trainers/coop.py's plus its
// word initialization).
//
// Word initialization follows ProGrad's code exactly, traps included: with words w (e.g. "a type of pet, a photo of a")
// the number of slots filled is the number of SPACE-separated words p (Python's split(" ")), but the vectors copied are
// the embeddings of the first p BPE TOKENS of w, written into the LAST p slots; the other slots are zero. The prompt text
// is "X … X w <class>." with n_ctx − p X's, and the frozen suffix starts at token position 1 + n_ctx. When w has more
// tokens than words (a comma is its own token), the tokens past position p − 1 of w (e.g. the final "a") stay in the frozen
// suffix before the class name, and for middle/front positions the "class tokens" (the first name_len suffix tokens)
// start with that leftover token and lose the name's last tokens, exactly as the reference slices them.
import Foundation

/// Where the class-name tokens go relative to the context.
public enum ClassTokenPosition: String, Codable, CaseIterable, Sendable {
    case end, middle, front
}

/// How the context starts.
public enum ContextInitialization: Codable, Equatable, Sendable {
    /// N(0, 0.02²) from a SplitMix64 stream seeded with `seed`.
    case random(seed: UInt64)
    /// The token embeddings of these words (ProGrad's rule, see the file header).
    case words(String)
}

/// The shape and placement of the learned prompt.
public struct PromptSettings: Codable, Equatable, Sendable {
    public var contextLength: Int = 16                     // n_ctx (M)
    public var classSpecific: Bool = false                 // CSC: one context per class
    public var position: ClassTokenPosition = .end
    public var initialization: ContextInitialization = .random(seed: 1)

    public init(contextLength: Int = 16, classSpecific: Bool = false, position: ClassTokenPosition = .end,
                initialization: ContextInitialization = .random(seed: 1)) {
        self.contextLength = contextLength; self.classSpecific = classSpecific
        self.position = position; self.initialization = initialization
    }
}

/// Builds the prompt embeddings of a set of classes from the context, and maps their gradient back to the context.
public final class PromptLearner {
    public let classNames: [String]
    public let settings: PromptSettings
    public let width: Int
    /// The learnable context: [n_ctx, width] (unified) or [classes, n_ctx, width] (class-specific).
    public var context: [Float]
    /// The prompt text before the class name ("X X … X" or "X … X <words>").
    public let promptPrefix: String
    /// Token ids of each full prompt (SOS … EOT, unpadded).
    public let tokenIds: [[Int]]
    /// EOT position of each prompt (the index of its largest id).
    public let eot: [Int]
    /// Number of BPE tokens of each class name.
    public let nameLengths: [Int]
    /// Sequence length the tower runs: max(eot) + 1 (EOT truncation; later positions cannot reach any EOT).
    public let length: Int
    /// Use the shared [SOS, ctx] prefix path (unified context at the end only).
    public var useSharedPrefix: Bool

    let sos: [Float]                 // [width]
    let suffixes: [[Float]]          // per class [len_i − 1 − n_ctx, width]: tokens from position 1 + n_ctx to EOT
    /// For each class, the input position of each context slot j (0..<n_ctx).
    let slotPositions: [[Int]]

    public var classCount: Int { classNames.count }
    public var contextCount: Int { settings.classSpecific ? classCount * settings.contextLength * width : settings.contextLength * width }
    /// The shared-prefix path applies: unified context with the class tokens at the end.
    public var sharedPrefixApplies: Bool { !settings.classSpecific && settings.position == .end }

    /// Builds prompts for `classNames`; `context` overrides the initialization (e.g. a learned prompt evaluated on
    /// new classes; it must have contextCount values).
    public init(classNames: [String], settings: PromptSettings, tokenizer: PromptTokenizing,
                tower: PromptTextEncoding, context: [Float]? = nil, contextLimit: Int = 77) throws {
        let m = settings.contextLength, w = tower.tokenWidth
        guard !classNames.isEmpty else { throw EngineError.invalidArgument("prompt learner: no class names given") }
        guard m >= 1 else { throw EngineError.invalidArgument("prompt learner: n_ctx must be at least 1, got \(m)") }
        self.classNames = classNames; self.settings = settings; self.width = w
        let n = classNames.count
        let names = classNames.map(PromptTemplates.displayName)

        var ctx: [Float]
        switch settings.initialization {
        case .words(let raw):
            let words = raw.replacingOccurrences(of: "_", with: " ")
            let p = words.components(separatedBy: " ").count          // Python's len(s.split(" "))
            guard m >= p else {
                throw EngineError.invalidArgument("prompt learner: n_ctx \(m) is smaller than the \(p) words of the context initialization \"\(words)\"; raise --n-ctx to at least \(p)")
            }
            var ids = try tokenizer.tokenize(words, contextLength: contextLimit, truncate: true)
            if ids.count < contextLimit { ids += [Int](repeating: 0, count: contextLimit - ids.count) }  // clip.tokenize pads with 0
            let emb = tower.tokenEmbeddings(Array(ids[1..<(1 + p)]))  // [p, w]: the first p TOKENS
            var one = [Float](repeating: 0, count: m * w)
            for i in 0..<(p * w) { one[(m - p) * w + i] = emb[i] }
            ctx = settings.classSpecific ? Array([[Float]](repeating: one, count: n).joined()) : one
            let xs = [String](repeating: "X", count: m - p).joined(separator: " ")
            promptPrefix = "\(xs) \(words)"
        case .random(let seed):
            ctx = [Float](repeating: 0, count: (settings.classSpecific ? n : 1) * m * w)
            var rng = SplitMix64(seed: seed)
            ctx.withUnsafeMutableBufferPointer { rng.fillNormal($0, std: 0.02) }
            promptPrefix = [String](repeating: "X", count: m).joined(separator: " ")
        }
        if let given = context {
            let want = (settings.classSpecific ? n : 1) * m * w
            guard given.count == want else {
                throw EngineError.invalidArgument("prompt learner: the given context has \(given.count) values, the settings need \(want) (\(settings.classSpecific ? "\(n) classes × " : "")\(m) × \(w)); is it a prompt of this model and these classes?")
            }
            ctx = given
        }
        self.context = ctx

        var allIds: [[Int]] = [], eots: [Int] = [], lens: [Int] = []
        for name in names {
            let text = "\(promptPrefix) \(name)."
            let ids: [Int]
            do { ids = try tokenizer.tokenize(text, contextLength: contextLimit, truncate: false) } catch {
                throw EngineError.invalidArgument("prompt learner: the prompt \"\(text)\" is longer than \(contextLimit) tokens; shorten the class name or lower --n-ctx")
            }
            allIds.append(ids)
            eots.append(ids.indices.max(by: { ids[$0] < ids[$1] })!)
            lens.append(tokenizer.encode(name).count)
        }
        tokenIds = allIds; eot = eots; nameLengths = lens
        length = eots.max()! + 1
        guard eots.allSatisfy({ $0 > m }) else {
            throw EngineError.invalidArgument("prompt learner: a prompt's EOT lies inside the context slots; the tokenizer produced fewer tokens than n_ctx + 2")
        }

        let sosEmb = tower.tokenEmbeddings([allIds[0][0]])
        sos = sosEmb
        suffixes = allIds.indices.map { i in tower.tokenEmbeddings(Array(allIds[i][(1 + m)...eots[i]])) }
        // Slot placement per class (reference forward): end [SOS, ctx, suffix]; middle [SOS, ctx[:m/2], class,
        // ctx[m/2:], rest]; front [SOS, class, ctx, rest]; "class" = the first name_len suffix tokens.
        slotPositions = (0..<n).map { i in
            switch settings.position {
            case .end: return (0..<m).map { 1 + $0 }
            case .middle:
                let half = m / 2, nl = min(lens[i], eots[i] - m)
                return (0..<m).map { $0 < half ? 1 + $0 : 1 + nl + $0 }
            case .front:
                let nl = min(lens[i], eots[i] - m)
                return (0..<m).map { 1 + nl + $0 }
            }
        }
        useSharedPrefix = !settings.classSpecific && settings.position == .end
    }

    /// The context vector of class `i`, slot `j` (a pointer offset into `context`).
    @inline(__always) func contextOffset(classIndex i: Int, slot j: Int) -> Int {
        ((settings.classSpecific ? i * settings.contextLength : 0) + j) * width
    }

    /// The prompt input embeddings [classes, length, width] (positions past each EOT are zero).
    public func promptEmbeddings() -> [Float] {
        let n = classCount, l = length, w = width, m = settings.contextLength
        var x = [Float](repeating: 0, count: n * l * w)       // [n, L, w]
        x.withUnsafeMutableBufferPointer { xb in context.withUnsafeBufferPointer { cb in
            let xp = xb.baseAddress!, cp = cb.baseAddress!
            for i in 0..<n {
                let row = xp + i * l * w
                for c in 0..<w { row[c] = sos[c] }
                // non-context positions take the suffix tokens in order
                var isSlot = [Bool](repeating: false, count: eot[i] + 1)
                for j in 0..<m {
                    let pos = slotPositions[i][j]
                    isSlot[pos] = true
                    let src = cp + contextOffset(classIndex: i, slot: j)
                    for c in 0..<w { row[pos * w + c] = src[c] }
                }
                var s = 0
                suffixes[i].withUnsafeBufferPointer { sb in
                    for pos in 1...eot[i] where !isSlot[pos] {
                        for c in 0..<w { row[pos * w + c] = sb[s * w + c] }
                        s += 1
                    }
                }
            }
        } }
        return x
    }

    /// Text features of all classes [classes, featureDimension] (unnormalized) and the pass for backward.
    public func forward(tower: PromptTextEncoding, saveForBackward: Bool) -> PromptPass {
        let n = classCount, w = width, m = settings.contextLength
        if useSharedPrefix && sharedPrefixApplies {
            let p = 1 + m, s = length - p
            var prefix = sos
            prefix += context
            var suffix = [Float](repeating: 0, count: n * s * w)   // [n, S, w]
            for i in 0..<n {
                let src = suffixes[i]
                for k in 0..<src.count { suffix[i * s * w + k] = src[k] }
            }
            return tower.forwardPromptsSharedPrefix(prefix: prefix, prefixLength: p, suffix: suffix, count: n,
                                                    suffixLength: s, eot: eot, saveForBackward: saveForBackward)
        }
        return tower.forwardPrompts(inputs: promptEmbeddings(), count: n, length: length, eot: eot,
                                    saveForBackward: saveForBackward)
    }

    /// Gradients w.r.t. the context for k stacked cotangents dFeatures [k, classes, featureDimension]
    /// → [k, contextCount]; unified context sums the slots of all classes.
    public func backward(tower: PromptTextEncoding, pass: PromptPass, dFeatures: [Float], cotangents k: Int) -> [Float] {
        let n = classCount, w = width, m = settings.contextLength, l = length, cc = contextCount
        var dCtx = [Float](repeating: 0, count: k * cc)
        if useSharedPrefix && sharedPrefixApplies {
            let (dPrefix, _) = tower.backwardPromptsSharedPrefix(pass, dFeatures: dFeatures, cotangents: k)
            let p = 1 + m
            for j in 0..<k { for t in 0..<(m * w) { dCtx[j * cc + t] = dPrefix[j * p * w + w + t] } }
            return dCtx
        }
        let dx = tower.backwardPrompts(pass, dFeatures: dFeatures, cotangents: k)   // [k, n, L, w]
        dx.withUnsafeBufferPointer { db in dCtx.withUnsafeMutableBufferPointer { gb in
            for j in 0..<k {
                for i in 0..<n {
                    let src = db.baseAddress! + (j * n + i) * l * w
                    for s in 0..<m {
                        let dst = gb.baseAddress! + j * cc + contextOffset(classIndex: i, slot: s)
                        let row = src + slotPositions[i][s] * w
                        for c in 0..<w { dst[c] += row[c] }
                    }
                }
            }
        } }
        return dCtx
    }
}
