// HTML character-reference decoding with the semantics of CPython's html.unescape (port of python/cpython
// Lib/html/__init__.py unescape): named references (longest known prefix when the ';' is missing), decimal and hex
// references with the HTML5 replacement rules.

enum HTMLUnescape {
    private static let named: [String: [Unicode.Scalar]] = {
        var table: [String: [Unicode.Scalar]] = [:]
        for line in HTMLEntityTable.named.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            table[String(line[..<eq])] = scalars(line[line.index(after: eq)...])
        }
        return table
    }()

    private static let replacedNumeric: [UInt32: [Unicode.Scalar]] = {
        var table: [UInt32: [Unicode.Scalar]] = [:]
        for line in HTMLEntityTable.replacedNumeric.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "="), let code = UInt32(line[..<eq], radix: 16) else { continue }
            table[code] = scalars(line[line.index(after: eq)...])
        }
        return table
    }()

    private static let droppedNumeric: Set<UInt32> =
        Set(HTMLEntityTable.droppedNumeric.split(separator: " ").compactMap { UInt32($0, radix: 16) })

    private static func scalars(_ hex: Substring) -> [Unicode.Scalar] {
        hex.split(separator: " ").compactMap { UInt32($0, radix: 16).flatMap(Unicode.Scalar.init) }
    }

    /// `text` with every character reference replaced, exactly as Python's html.unescape(text).
    static func unescape(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        guard text.contains("&") else { return text }
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == "&", let (replacement, end) = reference(text, at: i + 1) {
                out += replacement
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
    private static func isHexDigit(_ c: Unicode.Scalar) -> Bool {
        isDigit(c) || (c.value >= 0x41 && c.value <= 0x46) || (c.value >= 0x61 && c.value <= 0x66)
    }

    /// The replacement of the reference starting after '&' at `start` and the index after it, or nil if the text there
    /// is not a reference (the pattern `#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?`).
    private static func reference(_ t: [Unicode.Scalar], at start: Int) -> ([Unicode.Scalar], Int)? {
        guard start < t.count else { return nil }
        if t[start] == "#" {
            var j = start + 1
            var hex = false
            if j < t.count, t[j] == "x" || t[j] == "X", j + 1 < t.count, isHexDigit(t[j + 1]) {
                hex = true; j += 1
            }
            let digitsStart = j
            while j < t.count, hex ? isHexDigit(t[j]) : isDigit(t[j]) { j += 1 }
            guard j > digitsStart else { return nil }
            let digits = String(String.UnicodeScalarView(t[digitsStart..<j]))
            if j < t.count, t[j] == ";" { j += 1 }
            return (numeric(digits, radix: hex ? 16 : 10), j)
        }
        // Named: 1…32 characters other than tab, newline, form feed, space, '<', '&', '#', ';', then an optional ';'.
        var j = start
        while j < t.count, j - start < 32, !"\t\n\u{0C} <&#;".unicodeScalars.contains(t[j]) { j += 1 }
        guard j > start else { return nil }
        if j < t.count, t[j] == ";" { j += 1 }
        let name = Array(t[start..<j])
        if let value = named[String(String.UnicodeScalarView(name))] { return (value, j) }
        // The longest known prefix (at least 2 characters) is replaced and the rest kept.
        var x = name.count - 1
        while x > 1 {
            if let value = named[String(String.UnicodeScalarView(name[0..<x]))] { return (value + name[x...], j) }
            x -= 1
        }
        return (["&"] + name, j)
    }

    private static func numeric(_ digits: String, radix: Int) -> [Unicode.Scalar] {
        // Values too large for UInt32 are past U+10FFFF anyway.
        let trimmed = digits.drop { $0 == "0" }
        let code: UInt32 = trimmed.count > 8 ? UInt32.max : (UInt32(trimmed.isEmpty ? "0" : String(trimmed), radix: radix) ?? .max)
        if let r = replacedNumeric[code] { return r }
        if (0xD800...0xDFFF).contains(code) || code > 0x10FFFF { return ["\u{FFFD}"] }
        if droppedNumeric.contains(code) { return [] }
        return [Unicode.Scalar(code)!]
    }
}
