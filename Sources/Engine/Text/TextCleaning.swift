// The two text-cleaning paths in front of CLIP's BPE: OpenAI's SimpleTokenizer (port of openai/CLIP
// clip/simple_tokenizer.py basic_clean + whitespace_clean, with ftfy's NFC but none of its other repairs) and
// transformers' CLIPTokenizer without ftfy (port of transformers models/bert BasicTokenizer with
// strip_accents=False, do_split_on_punc=False).
import Foundation

/// How a tokenizer cleans text before splitting it into words.
public enum TextCleaning: String, Sendable, CaseIterable {
    /// OpenAI CLIP's SimpleTokenizer (what CoOp and ProGrad use): NFC, html.unescape twice, strip, collapse whitespace,
    /// lowercase.
    case openai
    /// transformers' CLIPTokenizer when ftfy is absent: drop control/format characters, whitespace → " ", spaces
    /// around CJK ideographs, NFC, lowercase, split on whitespace and rejoin with single spaces.
    case huggingface

    /// The cleaned, lowercased text as Unicode scalars.
    func clean(_ text: String) -> [Unicode.Scalar] {
        switch self {
        case .openai: return Self.openaiClean(text)
        case .huggingface: return Self.huggingfaceClean(text)
        }
    }

    private static func openaiClean(_ text: String) -> [Unicode.Scalar] {
        var s = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        s = HTMLUnescape.unescape(HTMLUnescape.unescape(s))
        // strip(), then re.sub(r"\s+", " "), then strip() again: together, whitespace runs become one space and the
        // ends lose theirs.
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        var pendingSpace = false
        for c in s {
            if isPythonSpace(c) { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(c)
        }
        return lowercase(out)
    }

    private static func huggingfaceClean(_ text: String) -> [Unicode.Scalar] {
        var cleaned = String.UnicodeScalarView()
        for c in text.unicodeScalars {
            if c.value == 0 || c.value == 0xFFFD || isBERTControl(c) { continue }
            if isBERTWhitespace(c) { cleaned.append(" "); continue }
            if isCJKIdeograph(c) {
                cleaned.append(" "); cleaned.append(c); cleaned.append(" ")
            } else {
                cleaned.append(c)
            }
        }
        let normalized = String(cleaned).precomposedStringWithCanonicalMapping
        // Split on whitespace (str.split()), lowercase each word, rejoin with single spaces.
        var out: [Unicode.Scalar] = []
        var word: [Unicode.Scalar] = []
        func flush() {
            guard !word.isEmpty else { return }
            if !out.isEmpty { out.append(" ") }
            out += lowercase(word)
            word.removeAll(keepingCapacity: true)
        }
        for c in normalized.unicodeScalars {
            if isPythonSpace(c) { flush() } else { word.append(c) }
        }
        flush()
        return out
    }

    /// Full Unicode lowercasing, as Python's str.lower(), including its Final_Sigma rule: Σ becomes ς after a cased
    /// letter (case-ignorable characters skipped) when no cased letter follows, else σ.
    static func lowercase(_ s: [Unicode.Scalar]) -> [Unicode.Scalar] {
        if s.allSatisfy({ $0.isASCII && !($0.value >= 0x41 && $0.value <= 0x5A) }) { return s }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(s.count)
        for (i, c) in s.enumerated() {
            if c.isASCII {
                out.append((c.value >= 0x41 && c.value <= 0x5A) ? Unicode.Scalar(c.value + 32)! : c)
            } else if c.value == 0x3A3 {
                out.append(isFinalSigma(s, at: i) ? "\u{3C2}" : "\u{3C3}")
            } else {
                out += c.properties.lowercaseMapping.unicodeScalars
            }
        }
        return out
    }

    private static func isFinalSigma(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, s[j].properties.isCased else { return false }
        j = i + 1
        while j < s.count, s[j].properties.isCaseIgnorable { j += 1 }
        return j == s.count || !s[j].properties.isCased
    }

    /// Python's str.isspace() (and `\s` of its re module): bidirectional class WS, B or S, or category Zs.
    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// BERT's _is_whitespace: space, tab, newline, carriage return, or category Zs.
    private static func isBERTWhitespace(_ c: Unicode.Scalar) -> Bool {
        c == " " || c == "\t" || c == "\n" || c == "\r" || c.properties.generalCategory == .spaceSeparator
    }

    /// BERT's _is_control: any category C* except tab, newline and carriage return.
    private static func isBERTControl(_ c: Unicode.Scalar) -> Bool {
        if c == "\t" || c == "\n" || c == "\r" { return false }
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }

    /// BERT's _is_chinese_char: the CJK Unified Ideographs blocks and their extensions and compatibility forms.
    private static func isCJKIdeograph(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F, 0x2B740...0x2B81F,
             0x2B820...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
