// Writes the TUI's results table as CSV, Markdown, LaTeX or JSON (used where no results store backs the grid).
import Foundation
import Experiments

/// Exports a `ResultsTableModel` to a file in the requested format.
public struct TableExporter: ResultsExporting {
    public init() {}

    public func export(_ request: ExportRequest, table: ResultsTableModel) throws -> String {
        let text = TableExporter.render(table, format: request.format)
        do { try text.write(toFile: request.path, atomically: true, encoding: .utf8) } catch {
            throw TUIError("cannot write \(request.path): \(error.localizedDescription); is the folder writable?")
        }
        return "wrote \(request.path) (\(request.format.rawValue), \(table.rows.count) rows)"
    }

    /// The table as text in `format`; best values are bold in Markdown and LaTeX, flagged in CSV and JSON.
    public static func render(_ table: ResultsTableModel, format: ExportFormat) -> String {
        let metrics = table.hasNew ? ["Base", "New", "H"] : ["Accuracy"]
        func stats(_ r: ResultsRow) -> [(SeedStat?, Bool)] {
            table.hasNew ? [(r.base, r.bestBase), (r.new, r.bestNew), (r.harmonic, r.bestHarmonic)] : [(r.base, r.bestBase)]
        }
        func num(_ v: Double) -> String { String(format: "%.2f", v) }
        switch format {
        case .csv:
            var lines = [(["dataset", "shots", "method", "seeds"]
                          + metrics.flatMap { [$0.lowercased() + "_mean", $0.lowercased() + "_std", $0.lowercased() + "_best"] })
                .joined(separator: ",")]
            for r in table.rows {
                var f = [csvField(r.dataset), "\(r.shots)", csvField(MethodNames.display(r.method)), "\(r.seeds.count)"]
                for (s, best) in stats(r) { f += [s.map { num($0.mean) } ?? "", s?.std.map(num) ?? "", best ? "1" : "0"] }
                lines.append(f.joined(separator: ","))
            }
            return lines.joined(separator: "\n") + "\n"
        case .md:
            var lines = ["| Dataset | Shots | Method | " + metrics.joined(separator: " | ") + " |",
                         "|---|---:|---|" + metrics.map { _ in "---:|" }.joined()]
            for r in table.rows {
                let cells = stats(r).map { s, best in s.map { best ? "**\($0.formatted)**" : $0.formatted } ?? "-" }
                lines.append("| \(r.dataset) | \(r.shots) | \(MethodNames.display(r.method)) | " + cells.joined(separator: " | ") + " |")
            }
            return lines.joined(separator: "\n") + "\n"
        case .latex:
            var lines = ["\\begin{tabular}{lrl" + String(repeating: "r", count: metrics.count) + "}", "\\toprule",
                         "Dataset & Shots & Method & " + metrics.joined(separator: " & ") + " \\\\", "\\midrule"]
            for r in table.rows {
                let cells = stats(r).map { s, best -> String in
                    guard let s else { return "--" }
                    let v = s.std.map { "\(num(s.mean)) $\\pm$ \(num($0))" } ?? num(s.mean)
                    return best ? "\\textbf{\(v)}" : v
                }
                lines.append("\(latexEscape(r.dataset)) & \(r.shots) & \(latexEscape(MethodNames.display(r.method))) & "
                             + cells.joined(separator: " & ") + " \\\\")
            }
            lines += ["\\bottomrule", "\\end{tabular}"]
            return lines.joined(separator: "\n") + "\n"
        case .json:
            let rows: [[String: Any]] = table.rows.map { r in
                var o: [String: Any] = ["dataset": r.dataset, "shots": r.shots, "method": r.method, "seeds": r.seeds]
                for (name, (s, best)) in zip(metrics, stats(r)) {
                    if let s { o[name.lowercased()] = ["mean": s.mean, "std": s.std.map { $0 as Any } ?? NSNull(), "best": best] as [String: Any] }
                }
                return o
            }
            let data = (try? JSONSerialization.data(withJSONObject: ["rows": rows], options: [.prettyPrinted, .sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self) + "\n"
        }
    }
}

func csvField(_ s: String) -> String {
    s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
}

func latexEscape(_ s: String) -> String {
    var out = ""
    for c in s {
        switch c {
        case "&", "%", "$", "#", "_", "{", "}": out += "\\" + String(c)
        default: out.append(c)
        }
    }
    return out
}
