// `prograd tui [FILE]`: the terminal workbench; `--demo` tries it on a scripted synthetic grid.
import ArgumentParser
import Foundation
import TUI

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal workbench: set up a grid, watch the methods train side by side, export the table.",
        discussion: """
            Keys: ? shows them all. --demo opens the workbench on a scripted grid of synthetic runs (no model or \
            data needed; the numbers are made up) to try the interface.
            """)

    @Argument(help: "The experiments file.")
    var file: String = "experiments.json"

    @Flag(help: "Try the workbench on a scripted grid of synthetic runs (made-up numbers, no model or data).")
    var demo = false

    @Option(help: "Seconds per synthetic epoch in --demo.")
    var demoEpochSeconds: Double = 0.15

    func run() throws {
        guard TUIApp.isInteractiveTerminal else {
            throw ValidationError("prograd tui needs a terminal (stdin and stdout); use `prograd run` without one")
        }
        if demo {
            let code = TUIApp.run(catalog: DemoCatalog(), runner: DemoGrid(epochDelay: demoEpochSeconds),
                                  exporter: TableExporter())
            throw ExitCode(code)
        }
        throw ValidationError("\(file): the experiments runner is not part of this build yet; try `prograd tui --demo`")
    }
}
