// The export dialog's backend for real grids: the same table code as `prograd export`, read from the results store.
import Foundation
import Experiments

/// Exports the experiment's results table from its results store (ResultTable + TableFormatter).
public struct StoreExporter: ResultsExporting {
    let catalog: SpecCatalog

    public init(catalog: SpecCatalog) { self.catalog = catalog }

    public func export(_ request: ExportRequest, tables _: [ResultTable]) throws -> String {
        guard let folder = catalog.outputFolder(of: request.experiment) else {
            throw TUIError("no results folder for experiment \(request.experiment)")
        }
        let store = try ResultsStore(folder: folder, readOnly: true)
        let records = try store.records(experiment: request.experiment)
        let tables = ResultTable.build(from: records)
        return try writeExport(try TableFormatter.render(tables, as: request.format), request: request, tables: tables)
    }
}
