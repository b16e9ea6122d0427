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

    @Flag(help: "Print one line per event and the final table (the terminal UI is `prograd tui FILE`).")
    var headless = false

    @OptionGroup(title: "Single run (instead of an experiments file)")
    var single: SingleRunOptions

    /// The trainer backend that executes runs (zero-shot, CoOp, ProGrad on the engine).
    nonisolated(unsafe) static var makeExecutor: () throws -> RunExecutor = { EngineRunExecutor() }

    /// The experiments to run and the folder their relative paths start from: every experiment of the file, or the
    /// one named. A single run from command-line flags is one more source here: an ExperimentSpec with one dataset,
    /// one shot count, one seed and one method (relative to the working directory), expanded like any grid.
    func experiments() throws -> (specs: [ExperimentSpec], base: URL) {
        let url = URL(fileURLWithPath: (experimentsFile as NSString).expandingTildeInPath).standardizedFileURL
        do {
            let file = try SpecDecoder.load(url)
            return (try file.experiment(named: experiment), url.deletingLastPathComponent())
        } catch let error as SpecError {
            throw CommandFailure(error.description)
        }
    }

    /// The grid's runs in order.
    func gridRuns() throws -> [ResolvedRun] {
        let (specs, base) = try experiments()
        return specs.flatMap { $0.expand(relativeTo: base) }
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
            // Progress is posted after every epoch (for the workbench's ETA); print it only when a run completes.
            let lastDone = LockedCounter()
            runner.addListener { event in
                if case .progress(let done, _, _) = event, !lastDone.advance(to: done) { return }
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

/// The last value seen, advanced from the runner's listener thread.
final class LockedCounter: @unchecked Sendable {
    private var value = -1
    private let lock = NSLock()

    /// Records `v` and says whether it differs from the last value.
    func advance(to v: Int) -> Bool {
        lock.lock(); defer { lock.unlock() }
        if v == value { return false }
        value = v
        return true
    }
}
