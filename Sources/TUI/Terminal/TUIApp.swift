// The workbench's loop (≤ 30 frames/s): read a key with a short timeout → drain the engine's events → update → render if changed.
import Foundation
import Experiments

/// Entry points of the terminal workbench.
public enum TUIApp {
    /// True when stdin and stdout are terminals (the workbench needs both).
    public static var isInteractiveTerminal: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Runs the workbench until the user quits; returns the process exit code (0 on a normal quit, Ctrl-C, SIGINT or
    /// SIGTERM; 129 after SIGHUP and 74 when the terminal went away: runs are cancelled and nothing more is drawn).
    /// Engine output and stderr go to the log pane while the terminal is in curses mode.
    public static func run(catalog: ExperimentCatalog, runner: GridRunning, exporter: ResultsExporting,
                           environment: [String: String] = ProcessInfo.processInfo.environment) -> Int32 {
        let experiments: [SetupChoices]
        do { experiments = try catalog.loadAll() } catch {
            FileHandle.standardError.write(Data("prograd: \(error)\n".utf8))
            return 1
        }
        guard !experiments.isEmpty else {
            FileHandle.standardError.write(Data("prograd: \(catalog.source) has no experiments\n".utf8))
            return 1
        }
        let loop = Loop(catalog: catalog, runner: runner, exporter: exporter, experiments: experiments,
                        environment: environment)
        return loop.run()
    }
}

/// One session of the workbench on the terminal.
final class Loop {
    let catalog: ExperimentCatalog
    let runner: GridRunning
    let exporter: ResultsExporting
    let queue = MessageQueue()
    var state: AppState
    let environment: [String: String]
    let latency: LatencyLog?

    init(catalog: ExperimentCatalog, runner: GridRunning, exporter: ResultsExporting, experiments: [SetupChoices],
         environment: [String: String]) {
        self.catalog = catalog; self.runner = runner; self.exporter = exporter; self.environment = environment
        state = AppState(width: 80, height: 24, experiments: experiments, source: catalog.source)
        latency = environment["PROGRAD_TUI_LATENCY_LOG"].map { LatencyLog(path: $0) }
    }

    func run() -> Int32 {
        TerminalGuard.catchTerminateSignals()
        let curses: Curses
        do { curses = try Curses() } catch {
            Curses.defaultTerminateSignals()
            FileHandle.standardError.write(Data("prograd: \(error)\n".utf8))
            return 1
        }
        let capture = OutputCapture(queue: queue)
        defer {
            curses.restore()
            capture?.stop()
            latency?.write()
            Curses.defaultTerminateSignals()
        }
        let theme = Theme.forEnvironment(environment, colorCapable: curses.colorCapable, utf8: curses.utf8)
        curses.apply(theme)
        (state.width, state.height) = curses.size
        var buffer = ScreenBuffer(width: 0, height: 0)
        render(state, into: &buffer, theme: theme)
        if !curses.present(buffer, theme: theme) { return terminalLost() }
        let frameMs: Int32 = 33   // ≤ 30 frames per second
        while !state.shouldQuit {
            var dirty = false
            var keyTime: UInt64?
            if let code = signalled() { return code }
            if let input = curses.readKey(timeoutMs: frameMs) {
                switch input {
                case .lost:
                    return terminalLost()
                case .resize:
                    curses.invalidate()
                    let (w, h) = curses.size
                    dirty = handle(.resize(width: w, height: h)) || dirty
                case .key(let key):
                    keyTime = DispatchTime.now().uptimeNanoseconds
                    dirty = handle(.key(key)) || dirty
                }
            }
            for msg in queue.drain() { dirty = handle(msg) || dirty }
            if let code = signalled() { return code }
            if dirty && !state.shouldQuit {
                render(state, into: &buffer, theme: theme)
                if !curses.present(buffer, theme: theme) { return terminalLost() }
            }
            if let t = keyTime { latency?.record(DispatchTime.now().uptimeNanoseconds - t) }
        }
        return 0
    }

    /// After SIGINT/SIGTERM (exit 0, as a quit) or SIGHUP (exit 129, the terminal is gone): cancels the runs and
    /// returns the exit code; nil when no signal arrived.
    func signalled() -> Int32? {
        let sig = TerminalGuard.pendingSignal
        guard sig != 0 else { return nil }
        if sig == SIGHUP { return terminalLost(code: 128 + SIGHUP) }
        for effect in update(&state, .terminate) { perform(effect) }
        return 0
    }

    /// The terminal went away: marks it lost (nothing more is drawn, the exit watchdog is armed), cancels the runs
    /// (what they already stored is kept) and returns the exit code (74, EX_IOERR, unless given).
    func terminalLost(code: Int32 = 74) -> Int32 {
        TerminalGuard.markTerminalLost()
        if state.hasActiveRuns { runner.cancelAll() }
        return code
    }

    /// Applies one message and performs its effects; returns whether the screen must be redrawn. Engine and other
    /// messages always redraw; a key redraws only when it changed something (comparing the whole state once per key
    /// is cheap, once per engine event of a large grid is not).
    func handle(_ msg: Msg) -> Bool {
        guard case .key = msg else {
            for effect in update(&state, msg) { perform(effect) }
            return true
        }
        let before = state
        let effects = update(&state, msg)
        for effect in effects { perform(effect) }
        return state != before || !effects.isEmpty
    }

    func perform(_ effect: Effect) {
        switch effect {
        case .startGrid(let choices):
            let queue = self.queue
            do { try runner.start(choices) { event in queue.post(.engine(event)) } } catch {
                queue.post(.startFailed("\(error)"))
            }
        case .cancelRun(let id): runner.cancel(run: id)
        case .cancelAll: runner.cancelAll()
        case .export(let request):
            do { queue.post(.exportFinished(.success(try exporter.export(request, tables: state.results)))) } catch {
                queue.post(.exportFinished(.failure(TUIError("export failed: \(error)"))))
            }
        case .save(let choices):
            do { queue.post(.saveFinished(.success("saved \(choices.name) to \(try catalog.save(choices))"))) } catch {
                queue.post(.saveFinished(.failure(TUIError("save failed: \(error)"))))
            }
        case .quit: state.shouldQuit = true
        }
    }
}

/// Key-to-screen times (key read → changed cells written), summarised into a file when the workbench exits.
final class LatencyLog {
    let path: String
    var samples: [UInt64] = []
    init(path: String) { self.path = path }
    func record(_ nanoseconds: UInt64) { samples.append(nanoseconds) }
    func write() {
        guard !samples.isEmpty else { return }
        let ms = samples.map { Double($0) / 1e6 }.sorted()
        func q(_ p: Double) -> Double { ms[min(ms.count - 1, Int(Double(ms.count - 1) * p))] }
        let text = String(format: "keys %d  median %.2f ms  p95 %.2f ms  max %.2f ms\n", ms.count, q(0.5), q(0.95), ms.last!)
        try? text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
