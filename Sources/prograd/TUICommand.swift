// `prograd tui [FILE]`: the terminal workbench on an experiments file (headless without a terminal);
// `--demo` tries the interface on a scripted grid of synthetic runs.
import ArgumentParser
import Foundation
import Experiments
import TUI

struct TUICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Open the terminal workbench: set up a grid, watch the methods train side by side, export the table.",
        discussion: """
            Without a terminal (or with --headless) the same grid runs as `prograd run` does. In the workbench ? lists \
            every key. --demo opens it on a scripted grid of synthetic runs (made-up numbers, no model or data needed) \
            to try the interface; its w key writes the choices to prograd-demo-choices.json.
            """)

    @Argument(help: "The experiments file.")
    var file: String = "experiments.json"

    @Flag(help: "Run the grid without the terminal UI (printing progress lines), as `prograd run` does.")
    var headless = false

    @Flag(help: "Try the workbench on a scripted grid of synthetic runs (made-up numbers, no model or data).")
    var demo = false

    @Option(help: "Seconds per synthetic epoch with --demo.")
    var demoEpochSeconds: Double = 0.15

    func run() throws {
        let interactive = TUIApp.isInteractiveTerminal
        if demo {
            guard interactive else { throw ValidationError("prograd tui --demo needs a terminal") }
            throw ExitCode(TUIApp.run(catalog: DemoCatalog(), runner: DemoGrid(epochDelay: demoEpochSeconds),
                                      exporter: TableFileExporter()))
        }
        if headless || !interactive {
            try RunCommand.runGrid(file: file, experiment: nil)
            return
        }
        let catalog = SpecCatalog(url: URL(fileURLWithPath: (file as NSString).expandingTildeInPath))
        let runner = SpecGridRunner(catalog: catalog, makeExecutor: { EngineRunExecutor() })
        throw ExitCode(TUIApp.run(catalog: catalog, runner: runner, exporter: StoreExporter(catalog: catalog)))
    }
}
