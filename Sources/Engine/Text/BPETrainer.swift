// Learns a byte-level BPE vocabulary in CLIP's format from a text corpus; semantics follow openai/CLIP
// clip/simple_tokenizer.py (bytes_to_unicode, the pre-tokenizing pattern, "</w>" word ends, vocabulary order).
import Foundation

/// A learned vocabulary: the merges in rank order and every token string in id order (CLIP's layout: 256 byte
/// symbols, the same 256 with "</w>", one token per merge, then <|startoftext|> and <|endoftext|> as the last two ids).
public struct BPEVocabulary: Equatable, Sendable {
    public var merges: [(String, String)]
    public var tokens: [String]

    public init(merges: [(String, String)], tokens: [String]) { self.merges = merges; self.tokens = tokens }

    /// Reads vocab.json and merges.txt as write(to:) leaves them (ids must be 0..<count).
    public static func read(from directory: URL) throws -> BPEVocabulary {
        let vocabURL = directory.appendingPathComponent("vocab.json"), mergesURL = directory.appendingPathComponent("merges.txt")
        guard let data = try? Data(contentsOf: vocabURL),
              let vocab = (try? JSONSerialization.jsonObject(with: data)) as? [String: Int] else {
            throw EngineError.badTokenizer(file: vocabURL.path, message: "not a JSON object of token → id; is this a CLIP vocab.json?")
        }
        var tokens = [String](repeating: "", count: vocab.count)
        for (t, i) in vocab {
            guard i >= 0 && i < vocab.count && tokens[i].isEmpty else {
                throw EngineError.badTokenizer(file: vocabURL.path, message: "id \(i) of token \(t) is out of 0..<\(vocab.count) or repeated")
            }
            tokens[i] = t
        }
        guard let text = try? String(contentsOf: mergesURL, encoding: .utf8) else {
            throw EngineError.badTokenizer(file: mergesURL.path, message: "cannot read merges.txt")
        }
        var merges: [(String, String)] = []
        for line in text.split(separator: "\n").dropFirst() where !line.isEmpty {
            let parts = line.split(separator: " ")
            guard parts.count == 2 else {
                throw EngineError.badTokenizer(file: mergesURL.path, message: "line \"\(line)\" is not a pair \"a b\"")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        return BPEVocabulary(merges: merges, tokens: tokens)
    }

    public static func == (a: BPEVocabulary, b: BPEVocabulary) -> Bool {
        a.tokens == b.tokens && a.merges.count == b.merges.count && zip(a.merges, b.merges).allSatisfy { $0 == $1 }
    }

    /// Number of ids (including the two special tokens).
    public var count: Int { tokens.count }
    /// Id of <|startoftext|> (second to last).
    public var startOfTextId: Int { tokens.count - 2 }
    /// Id of <|endoftext|> (the largest id, so EOT is the argmax of a tokenized text as CLIP assumes).
    public var endOfTextId: Int { tokens.count - 1 }

    /// vocab.json: {"token": id, …} in id order.
    public func vocabJSON() -> Data {
        var s = "{"
        for (i, t) in tokens.enumerated() {
            if i > 0 { s += "," }
            s += BPETrainer.jsonString(t) + ":" + String(i)
        }
        return Data((s + "}").utf8)
    }

    /// merges.txt: "#version: 0.2" then one "a b" merge per line in rank order.
    public func mergesText() -> String {
        "#version: 0.2\n" + merges.map { "\($0.0) \($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// Ids of `text` under this vocabulary (CLIP's pre-tokenization, then merges applied by rank within each word),
    /// without start or end tokens: what a CLIP tokenizer loading vocab.json and merges.txt produces.
    public func encode(_ text: String) -> [Int] {
        let ids = Dictionary(tokens.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
        let ranks = Dictionary(merges.enumerated().map { ($0.element.0 + " " + $0.element.1, $0.offset) },
                               uniquingKeysWith: { a, _ in a })
        var out: [Int] = []
        for word in BPETrainer.pretokenize(text) {
            if word == BPETrainer.startOfText || word == BPETrainer.endOfText { out.append(ids[word]!); continue }
            var s = BPETrainer.byteEncoded(word).map { String($0) }
            s[s.count - 1] += "</w>"
            while s.count > 1 {
                var best: (rank: Int, i: Int)?
                for i in 0..<(s.count - 1) {
                    if let r = ranks[s[i] + " " + s[i + 1]], best == nil || r < best!.rank { best = (r, i) }
                }
                guard let b = best else { break }
                let (x, y) = (s[b.i], s[b.i + 1])
                var merged: [String] = []
                var i = 0
                while i < s.count {
                    if i + 1 < s.count && s[i] == x && s[i + 1] == y { merged.append(x + y); i += 2 } else { merged.append(s[i]); i += 1 }
                }
                s = merged
            }
            out += s.map { ids[$0]! }
        }
        return out
    }

    /// Writes vocab.json and merges.txt into `directory`.
    public func write(to directory: URL) throws {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
            try vocabJSON().write(to: directory.appendingPathComponent("vocab.json"), options: .atomic)
            try Data(mergesText().utf8).write(to: directory.appendingPathComponent("merges.txt"), options: .atomic)
        } catch {
            throw EngineError.io(file: directory.path, message: "cannot write vocab.json/merges.txt: \(error.localizedDescription)")
        }
    }
}

public enum BPETrainer {
    public static let startOfText = "<|startoftext|>"
    public static let endOfText = "<|endoftext|>"

    /// Learns merges from `texts` until the vocabulary has `vocabularySize` ids (at most) or no pair occurs
    /// `minFrequency` times. Ties between equally frequent pairs go to the lexicographically smallest pair,
    /// so the result is deterministic.
    public static func train(texts: [String], vocabularySize: Int, minFrequency: Int = 2) -> BPEVocabulary {
        let symbols = byteSymbols
        var tokens = symbols + symbols.map { $0 + "</w>" }
        var known = Set(tokens)
        // Word frequencies; each word is a list of symbols with "</w>" on its last one.
        var frequency: [String: Int] = [:]
        for text in texts { for word in pretokenize(text) { frequency[word, default: 0] += 1 } }
        var words: [(symbols: [String], count: Int)] = frequency.keys.sorted().map { word in
            var s = Array(word.utf8).map { symbols[Int(byteToSymbolIndex[Int($0)])] }
            s[s.count - 1] += "</w>"
            return (s, frequency[word]!)
        }
        var merges: [(String, String)] = []
        while tokens.count + 2 < vocabularySize {
            var pairs: [Pair: Int] = [:]
            for w in words where w.symbols.count > 1 {
                for i in 0..<(w.symbols.count - 1) { pairs[Pair(a: w.symbols[i], b: w.symbols[i + 1]), default: 0] += w.count }
            }
            guard let best = pairs.max(by: { $0.value != $1.value ? $0.value < $1.value : $1.key < $0.key }),
                  best.value >= minFrequency else { break }
            let (a, b) = (best.key.a, best.key.b)
            merges.append((a, b))
            let merged = a + b
            if known.insert(merged).inserted { tokens.append(merged) }
            for k in words.indices where words[k].symbols.count > 1 {
                var out: [String] = []
                var s = words[k].symbols
                var i = 0
                while i < s.count {
                    if i + 1 < s.count && s[i] == a && s[i + 1] == b { out.append(merged); i += 2 } else { out.append(s[i]); i += 1 }
                }
                s = out
                words[k].symbols = s
            }
        }
        tokens += [startOfText, endOfText]
        return BPEVocabulary(merges: merges, tokens: tokens)
    }

    /// CLIP's pre-tokenization of cleaned text: whitespace collapsed, lowercased, then split by
    /// `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+` (case-insensitive).
    public static func pretokenize(_ text: String) -> [String] {
        let scalars = Array(text.lowercased().unicodeScalars)
        var out: [String] = []
        var i = 0
        func startsWith(_ s: String, at i: Int) -> Bool {
            let t = Array(s.unicodeScalars)
            return i + t.count <= scalars.count && Array(scalars[i..<(i + t.count)]) == t
        }
        outer: while i < scalars.count {
            let c = scalars[i]
            if c.properties.isWhitespace { i += 1; continue }
            for special in [startOfText, endOfText, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"] where startsWith(special, at: i) {
                out.append(special); i += special.unicodeScalars.count; continue outer
            }
            var j = i + 1
            if isLetter(c) {
                while j < scalars.count && isLetter(scalars[j]) { j += 1 }
            } else if isNumber(c) {
                // one digit per token
            } else {
                while j < scalars.count && !scalars[j].properties.isWhitespace && !isLetter(scalars[j]) && !isNumber(scalars[j]) { j += 1 }
            }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[i..<j])
            out.append(String(s))
            i = j
        }
        return out
    }

    /// The 256 byte symbols in CLIP's order: the printable bytes !…~, ¡…¬, ®…ÿ map to themselves, the other 68
    /// bytes to U+0100 onwards in byte order; this list is in that order (printable ranges first).
    public static let byteSymbols: [String] = byteOrder.map { b in
        String(Character(Unicode.Scalar(symbolCodePoint[Int(b)])!))
    }

    /// Bytes in vocabulary order (the printable ranges first, then the remaining bytes ascending).
    static let byteOrder: [UInt8] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        let rest = (0...255).filter { !printable.contains($0) }
        return (printable + rest).map { UInt8($0) }
    }()

    /// Unicode code point standing for each byte value.
    static let symbolCodePoint: [UInt32] = {
        let printable = Set(Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF))
        var cps = [UInt32](repeating: 0, count: 256)
        var n: UInt32 = 0
        for b in 0..<256 {
            if printable.contains(b) { cps[b] = UInt32(b) } else { cps[b] = 256 + n; n += 1 }
        }
        return cps
    }()

    /// Index into byteSymbols of each byte value.
    static let byteToSymbolIndex: [UInt16] = {
        var idx = [UInt16](repeating: 0, count: 256)
        for (i, b) in byteOrder.enumerated() { idx[Int(b)] = UInt16(i) }
        return idx
    }()

    /// Encodes a word's UTF-8 bytes as byte symbols.
    public static func byteEncoded(_ word: String) -> String {
        Array(word.utf8).map { byteSymbols[Int(byteToSymbolIndex[Int($0)])] }.joined()
    }

    private static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    private static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    /// A JSON string literal for `s` (quotes, backslashes and control characters escaped).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    private struct Pair: Hashable, Comparable {
        var a: String, b: String
        static func < (l: Pair, r: Pair) -> Bool { l.a != r.a ? l.a < r.a : l.b < r.b }
    }
}
