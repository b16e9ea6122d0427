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

/// Writes the results tables in a format; returns a one-line confirmation such as "wrote results.csv (12 rows)".
public protocol ResultsExporting {
    func export(_ request: ExportRequest, tables: [ResultTable]) throws -> String
}

/// Renders the tables it is given with `TableFormatter` (the code `prograd export` uses) and writes the file; for
/// grids without a results store (the demo).
public struct TableFileExporter: ResultsExporting {
    public init() {}

    public func export(_ request: ExportRequest, tables: [ResultTable]) throws -> String {
        try writeExport(try TableFormatter.render(tables, as: request.format), request: request, tables: tables)
    }
}

/// Writes rendered tables to the request's path; the confirmation names the file, format and row count.
func writeExport(_ text: String, request: ExportRequest, tables: [ResultTable]) throws -> String {
    let path = (request.path as NSString).expandingTildeInPath
    do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
        throw TUIError("cannot write \(path): \(error.localizedDescription); is the folder writable?")
    }
    let rows = tables.reduce(0) { $0 + $1.rows.count }
    return "wrote \(request.path) (\(request.format.rawValue), \(rows) \(rows == 1 ? "row" : "rows"))"
}

/// An exporter made of a closure.
public struct ClosureExporter: ResultsExporting {
    let body: (ExportRequest, [ResultTable]) throws -> String
    public init(_ body: @escaping (ExportRequest, [ResultTable]) throws -> String) { self.body = body }
    public func export(_ request: ExportRequest, tables: [ResultTable]) throws -> String { try body(request, tables) }
}
