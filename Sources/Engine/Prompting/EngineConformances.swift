// The CLIP text tower and tokenizer as prompt tuning uses them.
import Foundation

extension TextEncoder: PromptTextEncoding {
    public var tokenWidth: Int { config.hiddenSize }
    public var featureDimension: Int { projectionDim }
    public func tokenEmbeddings(_ ids: [Int]) -> [Float] { embed(ids) }
    public func encodeTexts(_ tokenIds: [[Int]]) -> [Float] { encode(tokenIds: tokenIds) }

    public func forwardPrompts(inputs: [Float], count n: Int, length L: Int, eot: [Int], saveForBackward: Bool) -> PromptPass {
        let pass = forward(inputs: inputs, count: n, length: L, eot: eot, saveForBackward: saveForBackward)
        return PromptPass(features: pass.features, count: n, tape: pass)
    }

    public func backwardPrompts(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int) -> [Float] {
        backward(pass.tape as! TextPass, dFeatures: dFeatures, cotangents: k)
    }

    public func forwardPromptsSharedPrefix(prefix: [Float], prefixLength P: Int, suffix: [Float], count n: Int,
                                           suffixLength S: Int, eot: [Int], saveForBackward: Bool) -> PromptPass {
        let pass = forwardSharedPrefix(prefix: prefix, prefixLength: P, suffix: suffix, count: n, suffixLength: S,
                                       eot: eot, saveForBackward: saveForBackward)
        return PromptPass(features: pass.features, count: n, tape: pass)
    }

    public func backwardPromptsSharedPrefix(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int)
        -> (dPrefix: [Float], dSuffix: [Float]) {
        backwardSharedPrefix(pass.tape as! TextPass, dFeatures: dFeatures, cotangents: k)
    }
}

extension CLIPTokenizer: PromptTokenizing {}
