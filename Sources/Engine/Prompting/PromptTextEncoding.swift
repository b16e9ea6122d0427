// What prompt tuning needs from a text tower and a tokenizer: embeddings in, features out, and the vector–Jacobian
// product back to the input embeddings. TextEncoder and CLIPTokenizer conform; tests can supply small exact towers.
import Foundation

/// The saved state of one prompt forward pass: features [count, featureDimension] plus the tower's tape.
public struct PromptPass {
    public let features: [Float]
    public let count: Int
    public let tape: AnyObject?
    public init(features: [Float], count: Int, tape: AnyObject?) {
        self.features = features; self.count = count; self.tape = tape
    }
}

/// A frozen text tower that takes input embeddings (the contract of TextEncoder.forward/backward).
public protocol PromptTextEncoding: AnyObject {
    /// Token-embedding width (the text hidden size).
    var tokenWidth: Int { get }
    /// Width of the projected text features.
    var featureDimension: Int { get }
    /// Token embeddings of ids → [ids.count, tokenWidth].
    func tokenEmbeddings(_ ids: [Int]) -> [Float]
    /// Projected (not normalized) features of tokenized texts, pooled at each text's EOT → [n, featureDimension].
    func encodeTexts(_ tokenIds: [[Int]]) -> [Float]
    /// Forward from input embeddings [n, L, tokenWidth], pooled at eot[i].
    func forwardPrompts(inputs: [Float], count n: Int, length L: Int, eot: [Int], saveForBackward: Bool) -> PromptPass
    /// k stacked cotangents dFeatures [k, n, featureDimension] → dInputs [k, n, L, tokenWidth].
    func backwardPrompts(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int) -> [Float]
    /// Forward of prefix [P, w] (shared by all n sequences) ++ suffix_i [S, w]; eot indexes the full sequence.
    func forwardPromptsSharedPrefix(prefix: [Float], prefixLength P: Int, suffix: [Float], count n: Int,
                                    suffixLength S: Int, eot: [Int], saveForBackward: Bool) -> PromptPass
    /// Backward of the shared-prefix forward: dPrefix [k, P, w] (summed over sequences), dSuffix [k, n, S, w].
    func backwardPromptsSharedPrefix(_ pass: PromptPass, dFeatures: [Float], cotangents k: Int)
        -> (dPrefix: [Float], dSuffix: [Float])
}

/// The tokenizer calls prompt building needs (CLIPTokenizer's signatures).
public protocol PromptTokenizing: AnyObject {
    /// BPE ids of cleaned, lowercased text, without SOS/EOT.
    func encode(_ text: String) -> [Int]
    /// SOS + ids + EOT, not padded; throws when longer than contextLength and truncate is false.
    func tokenize(_ text: String, contextLength: Int, truncate: Bool) throws -> [Int]
}
