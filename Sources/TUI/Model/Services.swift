// The services the TUI drives, as protocols: the grid runner, the experiments file, and the results exporter.
import Foundation
import Experiments

/// Runs a grid on a background thread, posting every `RunEvent` in order; can be cancelled.
public protocol GridRunning: AnyObject {
    /// Starts the runs of `choices`; returns at once. Throws when the grid cannot start (the message is shown).
    func start(_ choices: SetupChoices, post: @escaping @Sendable (RunEvent) -> Void) throws
    /// Cancels one run (queued or running); the runner posts `.cancelled` for it.
    func cancel(run: RunID)
    /// Cancels everything still queued or running and returns when the background work has stopped.
    func cancelAll()
}

/// The experiments file: its named experiments as setup choices, and writing choices back.
public protocol ExperimentCatalog {
    /// Where the experiments come from (shown in the title bar).
    var source: String { get }
    /// Every experiment of the file, in file order.
    func loadAll() throws -> [SetupChoices]
    /// Writes `choices` back as the experiment of the same name; returns the path written.
    func save(_ choices: SetupChoices) throws -> String
}

extension ExportFormat {
    /// The usual file extension of the format.
    public var fileExtension: String { self == .latex ? "tex" : rawValue }
}

/// What the export dialog asks for.
public struct ExportRequest: Equatable, Sendable {
    public var format: ExportFormat
    public var path: String
    public var experiment: String
    public init(format: ExportFormat, path: String, experiment: String) {
        self.format = format; self.path = path; self.experiment = experiment
    }
}

/// Writes the results table in a format; returns a one-line confirmation such as "wrote results.csv (12 rows)".
public protocol ResultsExporting {
    func export(_ request: ExportRequest, table: ResultsTableModel) throws -> String
}

/// An exporter made of a closure (the experiments export code is passed in this way).
public struct ClosureExporter: ResultsExporting {
    let body: (ExportRequest, ResultsTableModel) throws -> String
    public init(_ body: @escaping (ExportRequest, ResultsTableModel) throws -> String) { self.body = body }
    public func export(_ request: ExportRequest, table: ResultsTableModel) throws -> String { try body(request, table) }
}
