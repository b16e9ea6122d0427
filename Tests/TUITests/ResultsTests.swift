// The results pane shows the tables `prograd export` builds (ResultTable): mean ± std over seeds, H of the means,
// Average rows, target rows, best marked; its export is TableFormatter's.
import XCTest
@testable import TUI
import Engine
import Experiments

final class ResultsTests: XCTestCase {}

// MARK: - Table
extension ResultsTests {
    func testMeanStdAndHarmonicOverSeeds() throws {
        let tables = finishedState().results
        XCTAssertEqual(tables.count, 1)
        let table = tables[0]
        XCTAssertEqual(table.columns, ["Base", "New", "H"])
        XCTAssertEqual(table.rows.map(\.method), ["zeroshot", "coop", "prograd"])
        XCTAssertEqual(table.rows.map(\.methodName), ["Zero-shot CLIP", "CoOp", "ProGrad"])
        let coop = table.rows[1]
        XCTAssertEqual(coop.seeds, 2)
        XCTAssertEqual(coop.cells[0]!.mean, 87.5, accuracy: 1e-9)
        XCTAssertEqual(coop.cells[0]!.std!, 0.5, accuracy: 1e-9)   // population std of 87, 88 (as prograd export)
        let pg = table.rows[2]
        XCTAssertEqual(pg.cells[1]!.mean, 69, accuracy: 1e-9)
        XCTAssertEqual(pg.cells[2]!.mean, harmonicMeanOf(84, 69), accuracy: 1e-9)   // H of the means
        XCTAssertTrue(coop.cells[0]!.best); XCTAssertFalse(pg.cells[0]!.best)
        XCTAssertTrue(pg.cells[1]!.best && !table.rows[0].cells[1]!.best, "ProGrad (69) beats zero-shot (68) on new")
    }

    func testRunningAndFailedRunsStayOutOfTheTable() {
        XCTAssertEqual(liveState(width: 80, height: 24).results.flatMap(\.rows).map(\.method), ["zeroshot"])
    }

    func testAverageRowsFollowWhenThereAreSeveralDatasets() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.engine(.finished(runID("coop", dataset: "a"), FinalMetrics(baseAccuracy: 0.8, newAccuracy: 0.6, seconds: 1))),
                  .engine(.finished(runID("coop", dataset: "b"), FinalMetrics(baseAccuracy: 0.6, newAccuracy: 0.4, seconds: 1))),
                  .engine(.finished(runID("prograd", dataset: "a"), FinalMetrics(baseAccuracy: 0.7, newAccuracy: 0.7, seconds: 1)))])
        let rows = s.results[0].rows
        XCTAssertEqual(rows.map(\.dataset), ["a", "a", "b", "Average", "Average"])
        let average = rows[3]
        XCTAssertTrue(average.isAverage)
        XCTAssertEqual(average.method, "coop")
        XCTAssertEqual(average.cells[0]!.mean, 70, accuracy: 1e-9)
        XCTAssertNil(average.cells[0]!.std)
        XCTAssertEqual(average.cells[2]!.mean, harmonicMeanOf(70, 50), accuracy: 1e-9)
    }

    func testOneSeedShowsNoPlusMinus() {
        var s = AppState(width: 100, height: 30, experiments: [fixtureChoices()], source: "x")
        send(&s, [.engine(.finished(runID("coop"), FinalMetrics(baseAccuracy: 0.7, newAccuracy: 0.5, seconds: 1)))])
        s.focus = .results
        let screen = rendered(s).plainText
        XCTAssertTrue(screen.contains("70.00"), screen)
        XCTAssertFalse(screen.contains("± 0.00"), screen)
    }

    func testFewShotRowsHaveOnlyAccuracy() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.engine(.finished(runID("coop", protocol: .fewShot), FinalMetrics(baseAccuracy: 0.7, seconds: 1)))])
        XCTAssertEqual(s.results[0].columns, ["Accuracy"])
        XCTAssertEqual(s.results[0].rows[0].cells.count, 1)
    }

    func testCrossDatasetTargetsAndTheirAverageAppear() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        let id = runID("coop", dataset: "ImageNet", shots: 16, protocol: .crossDataset)
        send(&s, [.engine(.finished(id, FinalMetrics(baseAccuracy: 0.7, seconds: 1,
                                                     targetAccuracies: ["DTD": 0.4, "EuroSAT": 0.5])))])
        let rows = s.results[0].rows
        XCTAssertEqual(rows.map(\.dataset), ["ImageNet", "DTD", "EuroSAT", "Average"])
        XCTAssertEqual(rows[3].cells[0]!.mean, 45, accuracy: 1e-9)   // over the targets, not the source
    }
}

// MARK: - Export
extension ResultsTests {
    func testExportIsTheTableFormattersOutputOfTheSameTables() throws {
        let tables = finishedState().results
        for format in ExportFormat.allCases {
            let path = NSTemporaryDirectory() + "tui-export-\(UUID().uuidString).\(format.fileExtension)"
            defer { try? FileManager.default.removeItem(atPath: path) }
            let msg = try TableFileExporter().export(ExportRequest(format: format, path: path, experiment: "bench"),
                                                     tables: tables)
            XCTAssertEqual(msg, "wrote \(path) (\(format.rawValue), 3 rows)")
            XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), try TableFormatter.render(tables, as: format))
        }
        XCTAssertThrowsError(try TableFileExporter().export(ExportRequest(format: .csv, path: "/nonexistent/dir/x.csv",
                                                                          experiment: "b"), tables: tables))
    }
}
