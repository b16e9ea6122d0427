// `prograd run`: runs a grid of experiments.json (a single run is a one-run grid) and prints events and the final table.
import ArgumentParser
import Experiments
import Foundation

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the grid of an experiments.json: skips finished runs, resumes interrupted ones, prints progress and the table.")

    @Argument(help: "The experiments file.")
    var experimentsFile: String = "experiments.json"

    @Option(help: "Run only this experiment of the file.")
    var experiment: String?

    @Flag(help: "Print progress lines instead of the terminal UI.")
    var headless = false

    @OptionGroup(title: "Single run (instead of an experiments file)")
    var single: SingleRunOptions

    /// The trainer backend that executes runs (zero-shot, CoOp, ProGrad on the engine).
    nonisolated(unsafe) static var makeExecutor: () throws -> RunExecutor = { EngineRunExecutor() }

    /// The runs to execute: every experiment of the file, or the one named.
    func gridRuns() throws -> [ResolvedRun] {
        let url = URL(fileURLWithPath: (experimentsFile as NSString).expandingTildeInPath).standardizedFileURL
        do {
            let file = try SpecDecoder.load(url)
            return try file.experiment(named: experiment).flatMap { $0.expand(relativeTo: url.deletingLastPathComponent()) }
        } catch let error as SpecError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        if single.isSingleRun {
            let run = try single.resolvedRun()
            let executor = EngineRunExecutor()
            let folder = URL(fileURLWithPath: run.output)
            executor.promptURL = { _ in folder.appendingPathComponent("prompt.safetensors") }
            let failed = try Self.runHeadless([run], executor: executor)
            try SingleRunOptions.writeResult(run, to: folder)
            print("prompt and result.json: \(folder.path)")
            if failed > 0 { throw ExitCode(1) }
            return
        }
        let runs = try gridRuns()
        let failed = try Self.runHeadless(runs, executor: try Self.makeExecutor())
        if failed > 0 { throw ExitCode(1) }
    }

    /// Runs `runs` grouped by results folder, printing one line per event and the final table; returns failed runs.
    static func runHeadless(_ runs: [ResolvedRun], executor: RunExecutor) throws -> Int {
        var outputs: [String] = []
        for r in runs where !outputs.contains(r.output) { outputs.append(r.output) }
        var failed = 0
        for output in outputs {
            let store = try ResultsStore(folder: URL(fileURLWithPath: output))
            let group = runs.filter { $0.output == output }
            let runner = Runner(runs: group, executor: executor, store: store)
            runner.addListener { event in
                if let line = HeadlessPrinter.line(for: event) {
                    print(line)
                    fflush(stdout)
                }
            }
            let interrupt = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
            signal(SIGINT, SIG_IGN)
            interrupt.setEventHandler {
                print("interrupt: stopping after the current step (run again to resume)")
                runner.cancel()
            }
            interrupt.resume()
            runner.start()
            failed += runner.wait()
            interrupt.cancel()
            signal(SIGINT, SIG_DFL)
            var experiments: [String] = []
            for r in group where !experiments.contains(r.experiment) { experiments.append(r.experiment) }
            let ids = Set(group.map(\.specHash))
            let records = try store.records().filter { ids.contains($0.id.specHash) }
            print("")
            print(TableFormatter.markdown(ResultTable.build(from: records)), terminator: "")
            print("results: \(store.url.path)")
        }
        return failed
    }
}
