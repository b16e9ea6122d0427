// CLIP's byte-level BPE tokenizer (port of openai/CLIP clip/simple_tokenizer.py SimpleTokenizer and clip.tokenize;
// same ids as transformers' CLIPTokenizer): clean → split into words → UTF-8 bytes as printable symbols
// (bytes_to_unicode) → merge the lowest-ranked adjacent pair until none is in merges.txt, "</w>" on each word's last
// symbol → vocabulary ids.
import Foundation

/// CLIP's BPE tokenizer, read from a Hugging Face vocab.json + merges.txt pair.
public final class CLIPTokenizer: @unchecked Sendable {
    /// Ids of <|startoftext|> and <|endoftext|>.
    public let sotToken: Int, eotToken: Int
    /// Token string → id.
    public let vocabulary: [String: Int]
    /// How text is cleaned before splitting.
    public let cleaning: TextCleaning

    private let tokens: [String]                        // id → token string
    private let byteSymbols: [Int]                      // byte → id of its symbol
    private let byteSymbolsEnd: [Int]                   // byte → id of its symbol + "</w>"
    private let merges: [UInt64: (rank: Int32, id: Int32)]   // (left id, right id) → rank and merged id
    private var cache: [[Unicode.Scalar]: [Int]] = [:]
    private let lock = NSLock()

    /// GPT-2's reversible map from bytes to printable characters: printable Latin-1 bytes stand for themselves,
    /// the other 68 take the code points 256, 257, … in byte order.
    static let byteToUnicode: [Unicode.Scalar] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        for b in printable { table[b] = Unicode.Scalar(UInt32(b))! }
        var next: UInt32 = 256
        for b in 0..<256 where !printable.contains(b) {
            table[b] = Unicode.Scalar(next)!
            next += 1
        }
        return table
    }()

    /// Reads vocab.json and merges.txt; errors name the file and the entry that is wrong.
    public init(vocabURL: URL, mergesURL: URL, cleaning: TextCleaning = .openai) throws {
        self.cleaning = cleaning
        func read(_ url: URL) throws -> Data {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw EngineError.io(file: url.path, message: "not found; a CLIP model folder holds vocab.json and merges.txt")
            }
            do { return try Data(contentsOf: url) } catch {
                throw EngineError.io(file: url.path, message: "cannot read: \(error.localizedDescription)")
            }
        }
        let vocabPath = vocabURL.path, mergesPath = mergesURL.path
        let vocabulary: [String: Int]
        do { vocabulary = try VocabularyParser.parseVocabulary([UInt8](try read(vocabURL))) } catch let f as VocabularyParser.Failure {
            throw EngineError.badTokenizer(file: vocabPath, message: "is not a JSON object of token → integer id: \(f.message)")
        }
        let size = (vocabulary.values.max() ?? -1) + 1
        var tokens = [String?](repeating: nil, count: size)
        for (token, id) in vocabulary {
            if let other = tokens[id] {
                throw EngineError.badTokenizer(file: vocabPath, message: "tokens \(other) and \(token) share id \(id)")
            }
            tokens[id] = token
        }
        if let gap = tokens.firstIndex(where: { $0 == nil }) {
            throw EngineError.badTokenizer(file: vocabPath, message: "no token has id \(gap); ids must run 0..<\(size)")
        }
        self.tokens = tokens.map { $0! }
        self.vocabulary = vocabulary
        guard let sot = vocabulary["<|startoftext|>"], let eot = vocabulary["<|endoftext|>"] else {
            throw EngineError.badTokenizer(file: vocabPath, message: "lacks <|startoftext|> or <|endoftext|>; is this CLIP's vocabulary?")
        }
        sotToken = sot; eotToken = eot

        var symbols: [Int] = [], symbolsEnd: [Int] = []
        for b in 0..<256 {
            let s = String(Self.byteToUnicode[b])
            guard let id = vocabulary[s], let idEnd = vocabulary[s + "</w>"] else {
                throw EngineError.badTokenizer(file: vocabPath,
                    message: "lacks the byte symbol \(s.debugDescription) or \((s + "</w>").debugDescription); is this a byte-level CLIP vocabulary?")
            }
            symbols.append(id); symbolsEnd.append(idEnd)
        }
        byteSymbols = symbols; byteSymbolsEnd = symbolsEnd

        let mergeBytes = [UInt8](try read(mergesURL))
        guard String(bytes: mergeBytes, encoding: .utf8) != nil else {
            throw EngineError.badTokenizer(file: mergesPath, message: "is not UTF-8 text")
        }
        var merges: [UInt64: (rank: Int32, id: Int32)] = [:]
        merges.reserveCapacity(mergeBytes.count / 8)
        var rank: Int32 = 0
        var lineIndex = 0
        var lineStart = 0
        while lineStart < mergeBytes.count {
            var lineEnd = lineStart
            while lineEnd < mergeBytes.count, mergeBytes[lineEnd] != 0x0A { lineEnd += 1 }
            defer { lineStart = lineEnd + 1; lineIndex += 1 }
            var end = lineEnd
            if end > lineStart, mergeBytes[end - 1] == 0x0D { end -= 1 }
            let line = mergeBytes[lineStart..<end]
            if line.isEmpty || (lineIndex == 0 && line.starts(with: Array("#version".utf8))) { continue }
            let spaces = line.indices.filter { mergeBytes[$0] == 0x20 }
            guard spaces.count == 1, let space = spaces.first, space > lineStart, space < end - 1 else {
                throw EngineError.badTokenizer(file: mergesPath,
                    message: "line \(lineIndex + 1) is not two symbols separated by one space: \(String(decoding: line, as: UTF8.self).debugDescription)")
            }
            let a = String(decoding: mergeBytes[lineStart..<space], as: UTF8.self)
            let b = String(decoding: mergeBytes[(space + 1)..<end], as: UTF8.self)
            guard let left = vocabulary[a], let right = vocabulary[b], let merged = vocabulary[a + b] else {
                throw EngineError.badTokenizer(file: mergesPath, message: "line \(lineIndex + 1): \(a) \(b) uses a symbol that vocab.json lacks; do the two files belong together?")
            }
            merges[UInt64(left) << 32 | UInt64(right)] = (rank, Int32(merged))   // a repeated pair keeps its last rank, as dict(zip(merges, ranks)) does
            rank += 1
        }
        self.merges = merges
    }

    /// Reads vocab.json and merges.txt from `directory` (a Hugging Face model folder).
    public convenience init(directory: URL, cleaning: TextCleaning = .openai) throws {
        try self.init(vocabURL: directory.appendingPathComponent("vocab.json"),
                      mergesURL: directory.appendingPathComponent("merges.txt"), cleaning: cleaning)
    }

    /// BPE ids of the cleaned, lowercased text, without SOS/EOT.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for piece in WordSplitter.split(cleaning.clean(text)) {
            switch piece {
            case .special(let token): ids.append(vocabulary[token]!)
            case .word(let scalars): ids += bpe(scalars)
            }
        }
        return ids
    }

    /// SOS + ids + EOT; longer than `contextLength` is cut to it with EOT kept last when `truncate`, else an error.
    /// Not padded.
    public func tokenize(_ text: String, contextLength: Int = 77, truncate: Bool = true) throws -> [Int] {
        guard contextLength >= 2 else {
            throw EngineError.invalidArgument("context length \(contextLength) cannot hold SOS and EOT")
        }
        var ids = [sotToken] + encode(text) + [eotToken]
        if ids.count > contextLength {
            guard truncate else {
                throw EngineError.invalidArgument("text is \(ids.count) tokens with SOS and EOT, longer than the context length \(contextLength): \(text.prefix(60).debugDescription)")
            }
            ids.removeLast(ids.count - contextLength)
            ids[contextLength - 1] = eotToken
        }
        return ids
    }

    /// The text of `ids`: symbols back to bytes, UTF-8 decoded (invalid sequences → U+FFFD), "</w>" → " ".
    /// Unknown ids are skipped.
    public func decode(_ ids: [Int]) -> String {
        var bytes: [UInt8] = []
        for id in ids where id >= 0 && id < tokens.count {
            for c in tokens[id].unicodeScalars {
                if let b = Self.unicodeToByte[c] { bytes.append(b) } else { bytes += Array(String(c).utf8) }
            }
        }
        return String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "</w>", with: " ")
    }

    private static let unicodeToByte: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (b, c) in byteToUnicode.enumerated() { map[c] = UInt8(b) }
        return map
    }()

    /// The BPE ids of one word (cached).
    private func bpe(_ word: [Unicode.Scalar]) -> [Int] {
        lock.lock()
        if let hit = cache[word] { lock.unlock(); return hit }
        lock.unlock()

        var bytes: [UInt8] = []
        for c in word { bytes += Array(String(c).utf8) }
        var symbols = bytes.dropLast().map { byteSymbols[Int($0)] }
        symbols.append(byteSymbolsEnd[Int(bytes.last!)])
        // Merge the lowest-ranked adjacent pair everywhere it occurs (left to right), until no pair is a merge.
        while symbols.count > 1 {
            var best: (rank: Int32, id: Int32)? = nil
            var bestKey: UInt64 = 0
            for i in 0..<(symbols.count - 1) {
                let key = UInt64(symbols[i]) << 32 | UInt64(symbols[i + 1])
                if let m = merges[key], best == nil || m.rank < best!.rank { best = m; bestKey = key }
            }
            guard let merge = best else { break }
            let left = Int(bestKey >> 32), right = Int(bestKey & 0xFFFF_FFFF)
            var merged: [Int] = []
            merged.reserveCapacity(symbols.count)
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count, symbols[i] == left, symbols[i + 1] == right {
                    merged.append(Int(merge.id)); i += 2
                } else {
                    merged.append(symbols[i]); i += 1
                }
            }
            symbols = merged
        }
        lock.lock()
        if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
        cache[word] = symbols
        lock.unlock()
        return symbols
    }
}
