import XCTest
@testable import Experiments

final class ExportTests: XCTestCase {}

/// A results database with known numbers: a base-to-new grid (2 datasets × coop/prograd × 2 seeds, 3 epochs) and a
/// cross-dataset grid (source Alpha, targets Beta and Gamma; 1 seed), written through the store's own API.
func makeKnownResults(_ folder: URL) throws -> ResultsStore {
    let store = try ResultsStore(folder: folder)
    let b2n = """
    {"experiments": [
      {"name": "b2n", "model": "/m", "datasets": [{"name": "Alpha", "root": "/a"}, {"name": "Beta_set", "root": "/b"}],
       "shots": [2], "seeds": [1, 2], "epochs": 3, "methods": [{"method": "coop"}, {"method": "prograd"}]},
      {"name": "xd", "model": "/m", "protocol": "cross-dataset", "shots": [16], "seeds": [1], "epochs": 2,
       "datasets": [{"name": "Alpha", "root": "/a"}, {"name": "Beta_set", "root": "/b"}, {"name": "Gamma", "root": "/g"}],
       "methods": [{"method": "zeroshot"}, {"method": "prograd"}]}
    ]}
    """
    let file = try SpecDecoder.decode(b2n)
    var time = 100.0
    for experiment in file.experiments {
        for (position, run) in experiment.expand(relativeTo: URL(fileURLWithPath: "/")).enumerated() {
            time += 1
            let d = run.identity.dataset.name == "Alpha" ? 0.0 : 0.1
            let p = run.identity.method.kind == .prograd ? 0.02 : 0.0
            let s = Double(run.identity.seed) * 0.01
            try store.beginRun(run, position: position, modelFingerprint: "model-fp", datasetFingerprint: "data-fp",
                               warnings: [], resumedFrom: 0, at: time)
            let epochs = run.identity.training.epochs
            let b2nRun = run.identity.protocol == .baseToNew
            for e in stride(from: 1, through: epochs, by: 1) {
                let t = Double(e) / Double(max(epochs, 1))
                let m = EpochMetrics(epoch: e, epochs: epochs, lossCE: 2 - t, lossKL: p > 0 ? 0.5 * t : nil, lr: 0.002 * t,
                                     baseAccuracy: 0.5 + 0.3 * t + d + s, newAccuracy: b2nRun ? 0.7 - 0.1 * t + p - d + s : nil,
                                     conflictRate: p > 0 ? 0.1 * Double(e) + s : nil, meanCosine: p > 0 ? 0.2 - 0.1 * Double(e) : nil,
                                     seconds: 1)
                try store.recordEpoch(run.specHash, m, checkpoint: RunCheckpoint(epoch: e, state: Data([UInt8(e)])))
            }
            let targets = run.identity.targets.isEmpty ? nil
                : Dictionary(uniqueKeysWithValues: run.identity.targets.enumerated().map { ($1.name, 0.4 + 0.05 * Double($0) + p) })
            let final = FinalMetrics(baseAccuracy: 0.8 + d + s + (epochs == 0 ? -0.2 : 0),
                                     newAccuracy: b2nRun ? 0.6 + p - d + s : nil, seconds: 3,
                                     skippedImages: 0, targetAccuracies: targets)
            try store.finishRun(run.specHash, final: final, at: time)
        }
    }
    return store
}

extension ExportTests {
    /// Compares with Tests/Fixtures/export/<name>; RECORD_GOLDEN=1 rewrites the file.
    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = fixturesFolder.appendingPathComponent("export/\(name)")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs from its golden file (RECORD_GOLDEN=1 re-records)", file: file, line: line)
    }
}

// MARK: - Golden files
extension ExportTests {
    func testTableFormatsMatchGoldenFiles() throws {
        let tmp = TempFolder()
        let records = try makeKnownResults(tmp.url).records()
        let tables = ResultTable.build(from: records)
        try assertGolden(try TableFormatter.render(tables, as: .csv), "table.csv")
        try assertGolden(try TableFormatter.render(tables, as: .md), "table.md")
        try assertGolden(try TableFormatter.render(tables, as: .latex), "table.tex")
        try assertGolden(try TableFormatter.render(tables, as: .json), "table.json")
    }

    func testCurvesMatchGoldenFiles() throws {
        let tmp = TempFolder()
        let records = try makeKnownResults(tmp.url).records(experiment: "b2n")
        let curves = CurveExport(records: records)
        try assertGolden(curves.csv(), "curves.csv")
        let charts = curves.charts()
        XCTAssertEqual(charts.map(\.fileName), ["Alpha-2shot-accuracy.svg", "Alpha-2shot-conflict.svg",
                                                "Beta_set-2shot-accuracy.svg", "Beta_set-2shot-conflict.svg"])
        try assertGolden(charts[0].svg, "Alpha-2shot-accuracy.svg")
        try assertGolden(charts[1].svg, "Alpha-2shot-conflict.svg")
    }
}

// MARK: - Table semantics
extension ExportTests {
    func testMeanStdAverageRowAndBestMarks() throws {
        let tmp = TempFolder()
        let tables = ResultTable.build(from: try makeKnownResults(tmp.url).records(experiment: "b2n"))
        XCTAssertEqual(tables.count, 1)
        let t = tables[0]
        XCTAssertEqual(t.columns, ["Base", "New", "H"])
        XCTAssertEqual(t.rows.map { "\($0.dataset)/\($0.method)" },
                       ["Alpha/coop", "Alpha/prograd", "Beta_set/coop", "Beta_set/prograd", "Average/coop", "Average/prograd"])
        let alphaCoop = t.rows[0]
        // Base over seeds 1, 2: 81 and 82 → 81.5 ± 0.5 (population std).
        XCTAssertEqual(alphaCoop.cells[0]!.mean, 81.5, accuracy: 1e-9)
        XCTAssertEqual(alphaCoop.cells[0]!.std!, 0.5, accuracy: 1e-9)
        XCTAssertEqual(alphaCoop.cells[2]!.mean, harmonicMeanOf(81.5, 61.5), accuracy: 1e-9)
        // ProGrad's New is higher by 2 points, Base equal: New and H bold for prograd, Base bold for both (tie).
        XCTAssertEqual(t.rows[1].cells.map { $0!.best }, [true, true, true])
        XCTAssertEqual(alphaCoop.cells.map { $0!.best }, [true, false, false])
        let avg = t.rows[4]
        XCTAssertTrue(avg.isAverage)
        XCTAssertEqual(avg.cells[0]!.mean, (81.5 + 91.5) / 2, accuracy: 1e-9)
        XCTAssertNil(avg.cells[0]!.std)
    }

    func testCrossDatasetRowsPerTarget() throws {
        let tmp = TempFolder()
        let tables = ResultTable.build(from: try makeKnownResults(tmp.url).records(experiment: "xd"))
        XCTAssertEqual(tables.first?.columns, ["Accuracy"])
        XCTAssertEqual(tables.first?.rows.filter { !$0.isAverage }.map { "\($0.dataset)/\($0.method)" },
                       ["Alpha/zeroshot", "Alpha/prograd", "Beta_set/zeroshot", "Beta_set/prograd", "Gamma/zeroshot", "Gamma/prograd"])
    }

    func testSVGTicksAreRound() {
        XCTAssertEqual(SVGLineChart.ticks(0, 100), [0, 20, 40, 60, 80, 100])
        XCTAssertEqual(SVGLineChart.ticks(1, 3), [1, 1.5, 2, 2.5, 3])
        XCTAssertEqual(SVGLineChart.ticks(1, 3, integers: true), [1, 2, 3])
        XCTAssertEqual(SVGLineChart.ticks(1, 200, integers: true), [50, 100, 150, 200])
    }
}
