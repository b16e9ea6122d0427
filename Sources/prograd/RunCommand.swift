// `prograd run`: runs a grid of experiments.json (a single run is a one-run grid) and prints events and the final table.
import ArgumentParser
import Experiments
import Foundation

struct RunCommand: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "run",
            abstract: "Run the grid of an experiments.json: skips finished runs, resumes interrupted ones, prints progress and the table.",
            discussion: SingleRunOptions.settingsHelp)
    }

    @Option(help: "Run only this experiment of the file.")
    var experiment: String?

    @OptionGroup(title: "Single run (instead of an experiments file)")
    var single: SingleRunOptions

    /// The experiments file, or for a single run its method and training settings (`--<flag> VALUE`, declared in
    /// Engine and listed below). One array because settings are not known to the parser.
    @Argument(parsing: .allUnrecognized,
              help: ArgumentHelp("The experiments file (default: experiments.json); for a single run, its settings as --<flag> VALUE.",
                                 valueName: "experiments-file | settings"))
    var arguments: [String] = []

    /// The runs of an experiments file in grid order: every experiment, or the one named; relative paths start at
    /// the file's folder.
    static func gridRuns(file: String, experiment: String?) throws -> [ResolvedRun] {
        let url = URL(fileURLWithPath: (file as NSString).expandingTildeInPath).standardizedFileURL
        do {
            let specs = try SpecDecoder.load(url).experiment(named: experiment, file: url.path)
            return specs.flatMap { $0.expand(relativeTo: url.deletingLastPathComponent()) }
        } catch let error as SpecError {
            throw CommandFailure(error.description)
        }
    }

    /// Runs an experiments file's grid headless; exits 1 when a run failed.
    static func runGrid(file: String, experiment: String?) throws {
        let failed = try runHeadless(try gridRuns(file: file, experiment: experiment), executor: EngineRunExecutor())
        if failed > 0 { throw ExitCode(1) }
    }

    func run() throws {
        if single.isSingleRun {
            let run = try single.resolvedRun(settingFlags: arguments)
            let folder = URL(fileURLWithPath: run.output)
            let executor = EngineRunExecutor(promptFile: folder.appendingPathComponent("prompt.safetensors"))
            let failed = try Self.runHeadless([run], executor: executor)
            try SingleRunOptions.writeResult(run, to: folder)
            print("prompt and result.json: \(folder.path)")
            if failed > 0 { throw ExitCode(1) }
            return
        }
        let files = arguments.filter { !$0.hasPrefix("-") }
        if let option = arguments.first(where: { $0.hasPrefix("-") }) {
            throw ValidationError("unknown option \(option): method and training settings apply to a single run (--model and --dataset); a grid takes them from its experiments file")
        }
        guard files.count <= 1 else { throw ValidationError("one experiments file, not \(files.count): \(files.joined(separator: " "))") }
        try Self.runGrid(file: files.first ?? "experiments.json", experiment: experiment)
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
                if case .progress(let p) = event, !lastDone.advance(to: p.done) { return }
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
