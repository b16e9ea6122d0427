// The results table (mean ± std over seeds, best marked) and its export in every format.
import XCTest
@testable import TUI
import Experiments

final class ResultsTests: XCTestCase {}

// MARK: - Table
extension ResultsTests {
    func testMeanStdAndHarmonicOverSeeds() {
        let table = finishedState().results
        XCTAssertEqual(table.rows.map(\.method), ["zeroshot", "coop", "prograd"])
        let coop = table.rows[1]
        XCTAssertEqual(coop.seeds, [1, 2])
        XCTAssertEqual(coop.base.mean, 87.5, accuracy: 1e-9)
        XCTAssertEqual(coop.base.std!, 0.5, accuracy: 1e-9)   // population std of 87, 88 (as prograd export)
        let pg = table.rows[2]
        XCTAssertEqual(pg.new!.mean, 69, accuracy: 1e-9)
        // H of the means; its std is that of the per-seed H values.
        XCTAssertEqual(pg.harmonic!.mean, harmonicMeanOf(84, 69), accuracy: 1e-9)
        let h1 = harmonicMeanOf(0.84, 0.68) * 100, h2 = harmonicMeanOf(0.84, 0.70) * 100
        XCTAssertEqual(pg.harmonic!.std!, abs(h1 - h2) / 2, accuracy: 1e-9)
        XCTAssertTrue(coop.bestBase); XCTAssertFalse(pg.bestBase)
        XCTAssertTrue(pg.bestNew && !table.rows[0].bestNew, "ProGrad (69) beats zero-shot (68) on new")
        XCTAssertTrue(pg.bestHarmonic)
    }

    func testRunningAndFailedRunsStayOutOfTheTable() {
        XCTAssertEqual(liveState(width: 80, height: 24).results.rows.map(\.method), ["zeroshot"])
    }

    func testAverageRowsFollowWhenThereAreSeveralDatasets() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.engine(.finished(runID("coop", dataset: "a"), FinalMetrics(baseAccuracy: 0.8, newAccuracy: 0.6, seconds: 1))),
                  .engine(.finished(runID("coop", dataset: "b"), FinalMetrics(baseAccuracy: 0.6, newAccuracy: 0.4, seconds: 1))),
                  .engine(.finished(runID("prograd", dataset: "a"), FinalMetrics(baseAccuracy: 0.7, newAccuracy: 0.7, seconds: 1)))])
        let rows = s.results.rows
        XCTAssertEqual(rows.map(\.dataset), ["a", "b", "a", averageRowName, averageRowName])
        XCTAssertEqual(rows[3].method, "coop")
        XCTAssertEqual(rows[3].base.mean, 70, accuracy: 1e-9)
        XCTAssertNil(rows[3].base.std)
        XCTAssertEqual(rows[3].harmonic!.mean, harmonicMeanOf(70, 50), accuracy: 1e-9)
        XCTAssertEqual(rows[3].base.formatted, "70.00")
    }

    func testFewShotRowsHaveOnlyAccuracy() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.engine(.finished(runID("coop"), FinalMetrics(baseAccuracy: 0.7, seconds: 1)))])
        XCTAssertFalse(s.results.hasNew)
        XCTAssertNil(s.results.rows[0].new)
    }
}

// MARK: - Export formats
extension ResultsTests {
    func testCSVHasOneRowPerDatasetShotsMethod() {
        let csv = TableExporter.render(finishedState().results, format: .csv)
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines[0], "dataset,shots,method,seeds,base_mean,base_std,base_best,new_mean,new_std,new_best,h_mean,h_std,h_best")
        XCTAssertEqual(lines.count, 4)
        XCTAssertTrue(lines[2].hasPrefix("shapes,4,CoOp,2,87.50,0.50,1,55.00,0.00,0,"))
    }

    func testMarkdownAndLatexBoldTheBest() {
        let table = finishedState().results
        let md = TableExporter.render(table, format: .md)
        XCTAssertTrue(md.contains("| shapes | 4 | CoOp | **87.50 ± 0.50** | 55.00 ± 0.00 |"))
        let tex = TableExporter.render(table, format: .latex)
        XCTAssertTrue(tex.contains("\\textbf{87.50 $\\pm$ 0.50}"))
        XCTAssertTrue(tex.hasPrefix("\\begin{tabular}{lrlrrr}"))
    }

    func testJSONRoundTripsTheNumbers() throws {
        let json = TableExporter.render(finishedState().results, format: .json)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        let rows = object["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.count, 3)
        let base = rows[1]["base"] as! [String: Any]
        XCTAssertEqual(base["mean"] as! Double, 87.5, accuracy: 1e-9)
        XCTAssertEqual(base["best"] as? Bool, true)
    }

    func testExporterWritesTheFileAndReportsIt() throws {
        let path = NSTemporaryDirectory() + "tui-export-\(UUID().uuidString).md"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let msg = try TableExporter().export(ExportRequest(format: .md, path: path, experiment: "bench"),
                                             table: finishedState().results)
        XCTAssertEqual(msg, "wrote \(path) (md, 3 rows)")
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("| Dataset | Shots | Method |"))
        XCTAssertThrowsError(try TableExporter().export(ExportRequest(format: .csv, path: "/nonexistent/dir/x.csv",
                                                                      experiment: "b"), table: finishedState().results))
    }
}
