// An ordered set of named benchmark figures that several parts of the engine fill and `prograd bench` prints.
import Foundation

/// Named figures in insertion order, rendered as one JSON object or as aligned text lines.
public final class BenchmarkReport {
    public private(set) var entries: [(key: String, value: Double)] = []
    public private(set) var notes: [(key: String, value: String)] = []
    /// Figures with sub-keys, e.g. "prograd_step_ms": {"10": …, "100": …}.
    public private(set) var groups: [(key: String, values: [(key: String, value: Double)])] = []

    public init() {}

    /// Adds (or replaces) a numeric figure.
    public func add(_ key: String, _ value: Double) {
        if let i = entries.firstIndex(where: { $0.key == key }) { entries[i].value = value } else { entries.append((key, value)) }
    }

    /// Adds (or replaces) a figure with sub-keys, rendered as a nested JSON object.
    public func addGroup(_ key: String, _ values: [(key: String, value: Double)]) {
        if let i = groups.firstIndex(where: { $0.key == key }) { groups[i].values = values } else { groups.append((key, values)) }
    }

    /// Adds (or replaces) a descriptive string (machine, configuration).
    public func note(_ key: String, _ value: String) {
        if let i = notes.firstIndex(where: { $0.key == key }) { notes[i].value = value } else { notes.append((key, value)) }
    }

    /// One JSON object: notes as strings, figures as numbers, in insertion order.
    public func json() -> String {
        func quote(_ s: String) -> String {
            let data = try! JSONSerialization.data(withJSONObject: [s], options: [.fragmentsAllowed])
            // JSONSerialization escapes "/"; JSON does not require it.
            return String(decoding: data, as: UTF8.self).dropFirst().dropLast().description
                .replacingOccurrences(of: "\\/", with: "/")
        }
        func number(_ v: Double) -> String { v.isFinite ? String(format: "%.4g", v) : "null" }
        let parts = notes.map { "  \(quote($0.key)): \(quote($0.value))" } + entries.map { "  \(quote($0.key)): \(number($0.value))" }
            + groups.map { g in
                "  \(quote(g.key)): {" + g.values.map { "\(quote($0.key)): \(number($0.value))" }.joined(separator: ", ") + "}"
            }
        return "{\n" + parts.joined(separator: ",\n") + "\n}"
    }

    /// Aligned `key  value` lines for a terminal.
    public func text() -> String {
        let grouped = groups.flatMap { g in g.values.map { (key: "\(g.key)[\($0.key)]", value: $0.value) } }
        let width = (notes.map(\.key.count) + entries.map(\.key.count) + grouped.map(\.key.count)).max() ?? 0
        func pad(_ s: String) -> String { s + String(repeating: " ", count: width - s.count) }
        return (notes.map { "\(pad($0.key))  \($0.value)" } + (entries + grouped).map { "\(pad($0.key))  \(String(format: "%.4g", $0.value))" })
            .joined(separator: "\n")
    }
}
