// Renders result tables as CSV, Markdown, LaTeX and JSON (best per column in bold in Markdown and LaTeX).
import Foundation

/// The export formats of `prograd export`.
public enum ExportFormat: String, Sendable, CaseIterable { case csv, md, latex, json }

/// Text renderings of result tables.
public enum TableFormatter {
    /// Renders tables in `format`.
    public static func render(_ tables: [ResultTable], as format: ExportFormat) throws -> String {
        switch format {
        case .csv: return csv(tables)
        case .md: return markdown(tables)
        case .latex: return latex(tables)
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(tables), as: UTF8.self) + "\n"
        }
    }

    static func number(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Long format: one line per (row, column) statistic.
    public static func csv(_ tables: [ResultTable]) -> String {
        var out = "protocol,dataset,shots,method,seeds,metric,mean,std,best\n"
        for table in tables {
            for row in table.rows {
                for (c, cell) in row.cells.enumerated() {
                    guard let cell else { continue }
                    let fields = [table.protocolName, csvField(row.dataset), String(row.shots), csvField(row.method),
                                  String(row.seeds), table.columns[c], number(cell.mean),
                                  cell.std.map(number) ?? "", cell.best ? "1" : "0"]
                    out += fields.joined(separator: ",") + "\n"
                }
            }
        }
        return out
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func cellText(_ cell: SeedStatistic?, plusMinus: String) -> String {
        guard let cell else { return "–" }
        guard let std = cell.std, cell.count > 1 else { return number(cell.mean) }
        return "\(number(cell.mean)) \(plusMinus) \(number(std))"
    }

    public static func markdown(_ tables: [ResultTable]) -> String {
        var out = ""
        for table in tables {
            if !out.isEmpty { out += "\n" }
            out += "### \(table.protocolName) (top-1 %, mean ± std over seeds)\n\n"
            out += "| Dataset | Shots | Method | " + table.columns.joined(separator: " | ") + " |\n"
            out += "|---|---:|---|" + table.columns.map { _ in "---:|" }.joined() + "\n"
            for row in table.rows {
                let cells = row.cells.map { cell -> String in
                    let text = cellText(cell, plusMinus: "±")
                    return cell?.best == true ? "**\(text)**" : text
                }
                let dataset = row.isAverage ? "*Average*" : row.dataset
                out += "| \(dataset) | \(row.shots) | \(row.method) | " + cells.joined(separator: " | ") + " |\n"
            }
        }
        return out
    }

    static func latexEscape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "_", "%", "&", "#", "$", "{", "}": out += "\\\(ch)"
            default: out.append(ch)
            }
        }
        return out
    }

    public static func latex(_ tables: [ResultTable]) -> String {
        var out = ""
        for table in tables {
            if !out.isEmpty { out += "\n" }
            out += "% \(table.protocolName): top-1 accuracy (%), mean $\\pm$ std over seeds; best per column in bold\n"
            out += "\\begin{tabular}{lrl" + String(repeating: "r", count: table.columns.count) + "}\n\\toprule\n"
            out += "Dataset & Shots & Method & " + table.columns.joined(separator: " & ") + " \\\\\n\\midrule\n"
            var previousAverage = false
            for row in table.rows {
                if row.isAverage && !previousAverage { out += "\\midrule\n" }
                previousAverage = row.isAverage
                let cells = row.cells.map { cell -> String in
                    let text = cellText(cell, plusMinus: "$\\pm$")
                    return cell?.best == true ? "\\textbf{\(text)}" : text
                }
                out += "\(latexEscape(row.dataset)) & \(row.shots) & \(latexEscape(row.method)) & "
                    + cells.joined(separator: " & ") + " \\\\\n"
            }
            out += "\\bottomrule\n\\end{tabular}\n"
        }
        return out
    }
}
