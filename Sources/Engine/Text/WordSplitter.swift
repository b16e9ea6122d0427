// CLIP's pre-tokenizer: the pattern
// <\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+ (case-insensitive) as
// re.findall applies it (port of openai/CLIP clip/simple_tokenizer.py SimpleTokenizer.pat): at each position the first
// alternative that matches wins; whitespace between matches is skipped.

enum WordSplitter {
    /// A piece of text the pattern matched: a special token or a word to byte-encode and BPE.
    enum Piece: Equatable {
        case special(String)
        case word([Unicode.Scalar])
    }

    static let specialTokens = ["<|startoftext|>", "<|endoftext|>"]
    private static let specialScalars = specialTokens.map { Array($0.unicodeScalars) }

    static func isLetter(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    static func isNumber(_ c: Unicode.Scalar) -> Bool {
        switch c.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    static func isSpace(_ c: Unicode.Scalar) -> Bool { TextCleaning.isPythonSpace(c) || c.properties.isWhitespace }

    private static func lower(_ c: Unicode.Scalar) -> Unicode.Scalar {
        (c.value >= 0x41 && c.value <= 0x5A) ? Unicode.Scalar(c.value + 32)! : c
    }

    /// Length of the contraction ('s 't 're 've 'm 'll 'd) at `i`, or 0.
    private static func contraction(_ t: [Unicode.Scalar], _ i: Int) -> Int {
        guard t[i] == "'", i + 1 < t.count else { return 0 }
        let a = lower(t[i + 1])
        if a == "s" || a == "t" || a == "m" || a == "d" { return 2 }
        guard i + 2 < t.count else { return 0 }
        let b = lower(t[i + 2])
        if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return 3 }
        return 0
    }

    /// The pieces of cleaned text, in order.
    static func split(_ t: [Unicode.Scalar]) -> [Piece] {
        var pieces: [Piece] = []
        var i = 0
        while i < t.count {
            let c = t[i]
            if c == "<", let k = specialScalars.firstIndex(where: { s in
                i + s.count <= t.count && zip(s, t[i..<(i + s.count)]).allSatisfy { $0 == lower($1) }
            }) {
                pieces.append(.special(specialTokens[k]))
                i += specialScalars[k].count
                continue
            }
            let n = contraction(t, i)
            if n > 0 {
                pieces.append(.word(Array(t[i..<(i + n)])))
                i += n
                continue
            }
            var j = i + 1
            if isLetter(c) {
                while j < t.count, isLetter(t[j]) { j += 1 }
            } else if isNumber(c) {
                // one digit per piece
            } else if isSpace(c) {
                i += 1
                continue
            } else {
                while j < t.count, !isLetter(t[j]), !isNumber(t[j]), !isSpace(t[j]) { j += 1 }
            }
            pieces.append(.word(Array(t[i..<j])))
            i = j
        }
        return pieces
    }
}
