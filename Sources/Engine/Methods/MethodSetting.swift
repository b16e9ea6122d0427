// One setting of a method or of training, declared once: its key (experiments.json), flag (`prograd run`), label
// (workbench), documentation, type with the allowed range, and default. The spec decoder, the single-run flags, the
// setup screen and the run identity all read these declarations.
import Foundation

/// A setting's value as experiments.json holds it.
public enum SettingValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case int(Int), double(Double), bool(Bool), text(String)

    public var intValue: Int? { if case .int(let v) = self { return v } else { return nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): return v
        case .int(let v): return Double(v)
        default: return nil
        }
    }
    public var boolValue: Bool? { if case .bool(let v) = self { return v } else { return nil } }
    public var textValue: String? { if case .text(let v) = self { return v } else { return nil } }

    /// The value as the workbench and messages show it (numbers as %g).
    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .double(let v): return String(format: "%g", v)
        case .bool(let v): return v ? "true" : "false"
        case .text(let v): return v
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int.self) { self = .int(i) }
        else if let d = try? c.decode(Double.self) { self = .double(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        }
    }
}

/// Settings by key.
public typealias SettingValues = [String: SettingValue]

/// What a setting holds and which values are allowed.
public enum SettingType: Sendable, Equatable {
    /// A whole number in `range`.
    case int(ClosedRange<Int>)
    /// A finite number in `range`; `lowerOpen` excludes the lower bound (e.g. T > 0).
    case double(ClosedRange<Double>, lowerOpen: Bool = false)
    case bool
    /// One of `choices`.
    case choice([String])
    /// Free text; `placeholder` must occur in it when given (a template's "{}").
    case text(placeholder: String?)
}

/// The declaration of one setting.
public struct SettingDeclaration: Sendable, Equatable {
    /// The experiments.json key, e.g. "nCtx".
    public let key: String
    /// The `prograd run` flag without dashes, e.g. "n-ctx".
    public let flag: String
    /// The workbench label, e.g. "n_ctx".
    public let label: String
    /// One line of documentation.
    public let help: String
    public let type: SettingType
    /// The default; nil = none (the setting is optional, e.g. the template: nil = the dataset's).
    public let defaultValue: SettingValue?
    /// What nil means when there is no default, for help texts (e.g. "the dataset's template").
    public let absentMeaning: String?
    /// The same in a word or two, for the workbench's fields (e.g. "dataset's", "auto").
    public let absentLabel: String
    /// Values ←/→ cycle through for a text setting (e.g. the context init: words or random).
    public let alternatives: [String]
    /// The step of ←/→ for numbers.
    public let step: Double

    public init(key: String, flag: String? = nil, label: String? = nil, help: String, type: SettingType,
                default defaultValue: SettingValue?, absentMeaning: String? = nil, absentLabel: String = "auto",
                alternatives: [String] = [], step: Double = 1) {
        self.key = key; self.flag = flag ?? Self.kebab(key); self.label = label ?? key; self.help = help
        self.type = type; self.defaultValue = defaultValue; self.absentMeaning = absentMeaning
        self.absentLabel = absentLabel
        self.alternatives = alternatives; self.step = step
    }

    /// "nCtx" → "n-ctx", "warmupLR" → "warmup-lr".
    static func kebab(_ key: String) -> String {
        var out = ""
        var previousUpper = false
        for ch in key {
            if ch.isUppercase {
                if !out.isEmpty && !previousUpper { out.append("-") }
                out.append(Character(ch.lowercased()))
                previousUpper = true
            } else {
                out.append(ch); previousUpper = false
            }
        }
        return out
    }

    /// The allowed values in words, e.g. "a whole number from 1 to 77".
    public var allowed: String {
        switch type {
        case .int(let r): return r.upperBound == Int.max ? "a whole number ≥ \(r.lowerBound)" : "a whole number from \(r.lowerBound) to \(r.upperBound)"
        case .double(let r, let open):
            return String(format: open ? "a number above %g and at most %g" : "a number from %g to %g", r.lowerBound, r.upperBound)
        case .bool: return "true or false"
        case .choice(let c): return "one of " + c.map { "\"\($0)\"" }.joined(separator: ", ")
        case .text(let p): return p.map { "text containing \($0)" } ?? "non-empty text"
        }
    }

    /// Nil when `value` is allowed, else what is wrong (without the setting's name).
    public func problem(with value: SettingValue) -> String? {
        switch (type, value) {
        case (.int(let r), .int(let v)):
            return r.contains(v) ? nil : "\(v) is out of range: use \(allowed)"
        case (.double(let r, let open), _):
            guard let v = value.doubleValue else { return "expected a number, found \(value)" }
            guard v.isFinite else { return "\(v) is not a finite number: use \(allowed)" }
            return r.contains(v) && !(open && v == r.lowerBound) ? nil : String(format: "%g is out of range: use %@", v, allowed)
        case (.bool, .bool): return nil
        case (.choice(let c), .text(let v)): return c.contains(v) ? nil : "\"\(v)\" is not \(allowed)"
        case (.text(let p), .text(let v)):
            if v.trimmingCharacters(in: .whitespaces).isEmpty { return "empty: use \(allowed)" }
            if let p, !v.contains(p) { return "\"\(v)\" has no \(p): use \(allowed)" }
            return nil
        default: return "expected \(allowed), found \(value)"
        }
    }

    /// Reads a value typed by a user (a flag's argument, a workbench field); throws the problem.
    public func parse(_ raw: String) throws -> SettingValue {
        let t = raw.trimmingCharacters(in: .whitespaces)
        let value: SettingValue
        switch type {
        case .int:
            guard let v = Int(t) else { throw SettingProblem("\(label) must be \(allowed), got \"\(raw)\"") }
            value = .int(v)
        case .double:
            guard let v = Double(t) else { throw SettingProblem("\(label) must be \(allowed), got \"\(raw)\"") }
            value = .double(v)
        case .bool:
            switch t.lowercased() {
            case "true", "yes", "on", "1": value = .bool(true)
            case "false", "no", "off", "0": value = .bool(false)
            default: throw SettingProblem("\(label) must be true or false, got \"\(raw)\"")
            }
        case .choice, .text: value = .text(t)
        }
        if let p = problem(with: value) { throw SettingProblem("\(label): \(p)") }
        return value
    }

    /// The value one ←/→ step away (numbers by `step` within range, booleans flipped, choices and alternatives cycled).
    public func stepped(_ value: SettingValue?, by delta: Int) -> SettingValue? {
        switch type {
        case .int(let r):
            let v = (value?.intValue ?? defaultValue?.intValue ?? r.lowerBound) + delta * Int(step)
            return .int(min(max(v, r.lowerBound), r.upperBound))
        case .double(let r, let open):
            let current = value?.doubleValue ?? defaultValue?.doubleValue ?? r.lowerBound
            var v = ((current + Double(delta) * step) / step).rounded() * step
            v = min(max(v, r.lowerBound), r.upperBound)
            if open && v == r.lowerBound { v = current }
            return .double(v)
        case .bool: return .bool(!(value?.boolValue ?? defaultValue?.boolValue ?? false))
        case .choice(let c):
            let i = c.firstIndex(of: value?.textValue ?? "") ?? 0
            return .text(c[((i + delta) % c.count + c.count) % c.count])
        case .text:
            guard !alternatives.isEmpty else { return value }
            let i = alternatives.firstIndex(of: value?.textValue ?? "") ?? -1
            return .text(alternatives[((i + delta) % alternatives.count + alternatives.count) % alternatives.count])
        }
    }

    /// `value` in this setting's own type (a whole number written where a number is declared becomes a number).
    public func coerced(_ value: SettingValue) -> SettingValue {
        if case .double = type, case .int(let v) = value { return .double(Double(v)) }
        return value
    }

    /// The default as help texts show it.
    public var defaultText: String { defaultValue?.description ?? absentMeaning ?? "none" }
}

/// A setting value that is not allowed; the message names the setting and what is allowed.
public struct SettingProblem: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ message: String) { description = message }
}

extension Array where Element == SettingDeclaration {
    /// The declaration with `key`.
    public func declaration(_ key: String) -> SettingDeclaration? { first { $0.key == key } }

    /// `values` with every declared default filled in and keys that are not declared here dropped.
    public func resolve(_ values: SettingValues) -> SettingValues {
        var out: SettingValues = [:]
        for d in self { if let v = values[d.key] ?? d.defaultValue { out[d.key] = d.coerced(v) } }
        return out
    }
}
