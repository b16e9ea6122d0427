// The whole state of the workbench (no terminal types): what update changes and render draws.
import Foundation
import Experiments

/// One selectable row of the setup screen.
public enum SetupRow: Equatable, Sendable {
    case experiment
    case dataset(Int), shots(Int), method(Int), seed(Int)
    /// A setting of method `method` (shown under it while it is switched on).
    case methodSetting(method: Int, key: String)
    /// A training setting of the experiment.
    case training(String)

    /// The section heading the row belongs to.
    public var section: String {
        switch self {
        case .experiment: return "Experiment"
        case .dataset: return "Datasets"
        case .shots: return "Shots"
        case .method, .methodSetting: return "Methods"
        case .seed: return "Seeds"
        case .training: return "Training"
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
    /// The method whose settings are listed under it (the one the cursor is on or was last on).
    public var expandedMethod: Int?

    public init(experiments: [SetupChoices]) { self.experiments = experiments }

    /// The experiment being edited.
    public var choices: SetupChoices {
        get { experiments.isEmpty ? SetupChoices(name: "-", datasets: [], shots: [], methods: [], seeds: []) : experiments[selected] }
        set { if !experiments.isEmpty { experiments[selected] = newValue } }
    }

    /// The rows of the setup screen, in cursor order.
    public var rows: [SetupRow] {
        let c = choices
        let methods = c.methods.indices.flatMap { i -> [SetupRow] in
            [.method(i)] + (expandedMethod == i ? c.methods[i].fields.map { .methodSetting(method: i, key: $0.key) } : [])
        }
        return [.experiment] + c.datasets.indices.map { .dataset($0) } + c.shots.indices.map { .shots($0) } + methods
            + c.seeds.indices.map { .seed($0) } + SetupChoices.trainingFields.map { .training($0.key) }
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
    public var progress = GridProgress()

    public var showHelp = false
    public var dialog: Dialog?
    public var status: String?
    public var shouldQuit = false

    public init(width: Int, height: Int, experiments: [SetupChoices], source: String) {
        self.width = width; self.height = height; self.source = source
        setup = SetupState(experiments: experiments)
    }

    /// Runs matching the filter (case-insensitive substring of "dataset shots-shot method seedN"), in queue order.
    public var visibleRuns: [LiveRun] {
        let all = runOrder.compactMap { runs[$0] }
        let f = filter.lowercased().trimmingCharacters(in: .whitespaces)
        guard !f.isEmpty else { return all }
        return all.filter {
            "\($0.id.dataset) \($0.id.shots)-shot \($0.id.label) \($0.id.methodName) seed\($0.id.seed) \($0.status.rawValue)"
                .lowercased().contains(f)
        }
    }

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

    /// The results tables of the finished runs (one per protocol), as `prograd export` builds them.
    public var results: [ResultTable] {
        ResultTable.build(entries: runOrder.compactMap { id in
            guard let r = runs[id], r.status == .done || r.status == .skipped, let f = r.final else { return nil }
            return ResultEntry(id: id, final: f)
        })
    }

    /// Which screen the focus puts on display.
    public var screen: Pane {
        switch focus {
        case .log: return lastMainPane == .setup ? .runs : lastMainPane
        default: return focus
        }
    }
}
