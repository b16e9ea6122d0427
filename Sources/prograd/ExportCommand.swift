// `prograd export`: the results table as CSV, Markdown, LaTeX or JSON, and per-epoch curves as CSV and SVG.
import ArgumentParser
import Experiments
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export the results table (mean ± std over seeds, average row, best in bold) and per-epoch curves.")

    @Option(help: "The results folder (holds results.sqlite).")
    var results: String = "results"

    @Option(help: "Only this experiment's runs.")
    var experiment: String?

    @Option(help: "The table's format.")
    var format: ExportFormat = .md

    @Option(help: "Write the table to this file instead of standard output.")
    var out: String?

    @Option(help: "Also write per-epoch curves (curves.csv and SVG charts) into this folder.")
    var curves: String?

    func run() throws {
        let store: ResultsStore
        do { store = try ResultsStore(folder: URL(fileURLWithPath: results), readOnly: true) } catch let e as DatasetError {
            throw CommandFailure(e.description)
        }
        let records = try store.records(experiment: experiment)
        if let experiment, records.isEmpty {
            let names = try store.experimentNames()
            throw CommandFailure("no runs of experiment \"\(experiment)\" in \(store.url.path); it has: \(names.joined(separator: ", "))")
        }
        let text = try TableFormatter.render(ResultTable.build(from: records), as: format)
        if let out {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } else {
            print(text, terminator: "")
        }
        if let curves {
            let folder = URL(fileURLWithPath: curves)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let export = CurveExport(records: records)
            try export.csv().write(to: folder.appendingPathComponent("curves.csv"), atomically: true, encoding: .utf8)
            for chart in export.charts() {
                try chart.svg.write(to: folder.appendingPathComponent(chart.fileName), atomically: true, encoding: .utf8)
            }
        }
    }
}
