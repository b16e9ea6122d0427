// The whole state of the workbench (no terminal types): what update changes and render draws.
import Foundation
import Experiments

/// The editable settings on the setup screen.
public enum SettingField: CaseIterable, Sendable {
    case nCtx, ctxInit, lambda, temperature, epochs, augmentViews

    public var label: String {
        switch self {
        case .nCtx: return "n_ctx"
        case .ctxInit: return "init"
        case .lambda: return "λ"
        case .temperature: return "T"
        case .epochs: return "epochs"
        case .augmentViews: return "aug. views"
        }
    }
}

/// One selectable row of the setup screen.
public enum SetupRow: Equatable, Sendable {
    case experiment
    case dataset(Int), shots(Int), method(Int), seed(Int)
    case setting(SettingField)

    /// The section heading the row belongs to.
    public var section: String {
        switch self {
        case .experiment: return "Experiment"
        case .dataset: return "Datasets"
        case .shots: return "Shots"
        case .method: return "Methods"
        case .seed: return "Seeds"
        case .setting: return "Settings (CoOp, ProGrad)"
        }
    }
}

/// A one-line text field being edited.
public struct TextField: Equatable, Sendable {
    public var text: String
    public init(_ text: String) { self.text = text }
}

/// The export dialog.
public struct ExportDialog: Equatable, Sendable {
    public var format: ExportFormat = .csv
    public var fileName: String
    /// 0: the format row, 1: the file-name row.
    public var row = 0
    public init(fileName: String) { self.fileName = fileName }
}

/// A modal dialog over the screen.
public enum Dialog: Equatable, Sendable {
    case confirmQuit
    case export(ExportDialog)
}

/// The setup screen's state.
public struct SetupState: Equatable, Sendable {
    public var experiments: [SetupChoices]
    public var selected = 0
    public var cursor = 0
    public var editing: TextField?

    public init(experiments: [SetupChoices]) { self.experiments = experiments }

    /// The experiment being edited.
    public var choices: SetupChoices {
        get { experiments.isEmpty ? SetupChoices(name: "-", datasets: [], shots: [], methods: [], seeds: []) : experiments[selected] }
        set { if !experiments.isEmpty { experiments[selected] = newValue } }
    }

    /// The rows of the setup screen, in cursor order.
    public var rows: [SetupRow] {
        let c = choices
        return [.experiment] + c.datasets.indices.map { .dataset($0) } + c.shots.indices.map { .shots($0) }
            + c.methods.indices.map { .method($0) } + c.seeds.indices.map { .seed($0) }
            + SettingField.allCases.map { .setting($0) }
    }
}

/// Everything the TUI shows.
public struct AppState: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var focus: Pane = .setup
    /// The pane shown beside the log when the log has focus (runs/panels or results).
    public var lastMainPane: Pane = .setup
    public var setup: SetupState
    public var source: String

    /// Runs in the order the runner queued them.
    public var runOrder: [RunID] = []
    public var runs: [RunID: LiveRun] = [:]
    /// Index into `visibleRuns` of the selected run.
    public var runCursor = 0
    public var filter = ""
    public var filterEditing: TextField?
    /// The group the live panels show.
    public var shownGroup: RunGroup?
    /// The panels follow the run that starts last until the user picks a group.
    public var followRunning = true

    public var log: [LogLine] = []
    /// Lines scrolled up from the newest log line.
    public var logScroll = 0
    public var resultsScroll = 0

    public var gridActive = false
    /// The experiment the grid was started from.
    public var runningExperiment: String?
    /// Method label → kind of the running grid (see `SetupChoices.methodKinds`).
    public var methodKinds: [String: String] = [:]
    public var progress: (done: Int, total: Int, eta: Double?) = (0, 0, nil)

    public var showHelp = false
    public var dialog: Dialog?
    public var status: String?
    public var shouldQuit = false

    public init(width: Int, height: Int, experiments: [SetupChoices], source: String) {
        self.width = width; self.height = height; self.source = source
        setup = SetupState(experiments: experiments)
    }

    public static func == (a: AppState, b: AppState) -> Bool {
        a.width == b.width && a.height == b.height && a.focus == b.focus && a.lastMainPane == b.lastMainPane
            && a.setup == b.setup && a.source == b.source && a.runOrder == b.runOrder && a.runs == b.runs
            && a.runCursor == b.runCursor && a.filter == b.filter && a.filterEditing == b.filterEditing
            && a.shownGroup == b.shownGroup && a.followRunning == b.followRunning && a.log == b.log && a.logScroll == b.logScroll
            && a.resultsScroll == b.resultsScroll && a.gridActive == b.gridActive
            && a.runningExperiment == b.runningExperiment && a.methodKinds == b.methodKinds && a.progress.done == b.progress.done
            && a.progress.total == b.progress.total && a.progress.eta == b.progress.eta && a.showHelp == b.showHelp
            && a.dialog == b.dialog && a.status == b.status && a.shouldQuit == b.shouldQuit
    }

    /// Runs matching the filter (case-insensitive substring of "dataset shots-shot method seedN"), in queue order.
    public var visibleRuns: [LiveRun] {
        let all = runOrder.compactMap { runs[$0] }
        let f = filter.lowercased().trimmingCharacters(in: .whitespaces)
        guard !f.isEmpty else { return all }
        return all.filter {
            "\($0.id.dataset) \($0.id.shots)-shot \($0.id.method) \(MethodNames.display($0.id.method)) seed\($0.id.seed) \($0.status.rawValue)"
                .lowercased().contains(f)
        }
    }

    /// The kind ("zeroshot", "coop", "prograd") of a method name of the running grid.
    public func kind(of method: String) -> String { methodKinds[method] ?? method }

    /// The run under the cursor in the run list.
    public var selectedRun: LiveRun? {
        let v = visibleRuns
        return v.isEmpty ? nil : v[min(max(0, runCursor), v.count - 1)]
    }

    /// The runs of the shown group, one per method, in queue order.
    public var shownRuns: [LiveRun] {
        guard let g = shownGroup ?? selectedRun?.group else { return [] }
        return runOrder.compactMap { runs[$0] }.filter { $0.group == g }
    }

    /// All groups in queue order.
    public var groups: [RunGroup] {
        var seen = Set<RunGroup>(), out: [RunGroup] = []
        for id in runOrder { if let r = runs[id], seen.insert(r.group).inserted { out.append(r.group) } }
        return out
    }

    /// True while any run is queued or running.
    public var hasActiveRuns: Bool { gridActive || runs.values.contains { $0.status.isActive } }

    /// The results table of the finished runs.
    public var results: ResultsTableModel { ResultsTableModel.build(from: runOrder.compactMap { runs[$0] }) }

    /// Which screen the focus puts on display.
    public var screen: Pane {
        switch focus {
        case .log: return lastMainPane == .setup ? .runs : lastMainPane
        default: return focus
        }
    }
}
