// Screen-buffer snapshots at 80×24, 120×40 and too-small, plus checks that do not depend on a recorded screen.
import XCTest
@testable import TUI
import Engine
import Experiments

final class RenderTests: XCTestCase {}

func rendered(_ s: AppState, theme: Theme = Theme()) -> ScreenBuffer {
    var b = ScreenBuffer(width: 0, height: 0)
    render(s, into: &b, theme: theme)
    return b
}

func finishedState() -> AppState {
    var s = liveState(width: 80, height: 24)
    var msgs: [Msg] = []
    for seed in [1, 2] {
        msgs.append(.engine(.finished(runID("zeroshot", seed: seed), FinalMetrics(baseAccuracy: 0.62, newAccuracy: 0.68, seconds: 1))))
        msgs.append(.engine(.finished(runID("coop", seed: seed),
                                      FinalMetrics(baseAccuracy: 0.86 + 0.01 * Double(seed), newAccuracy: 0.55, seconds: 20))))
        msgs.append(.engine(.finished(runID("prograd", seed: seed),
                                      FinalMetrics(baseAccuracy: 0.84, newAccuracy: 0.66 + 0.02 * Double(seed), seconds: 30))))
    }
    msgs.append(.engine(.gridFinished(failed: 0)))
    send(&s, msgs)
    return s
}

// MARK: - Snapshots
extension RenderTests {
    func testSetupAt80x24() {
        assertSnapshot(rendered(AppState(width: 80, height: 24, experiments: [fixtureChoices(), fixtureChoices(name: "other")],
                                         source: "experiments.json")), named: "setup_80x24")
    }

    func testLiveAt80x24() { assertSnapshot(rendered(liveState(width: 80, height: 24)), named: "live_80x24") }

    func testLiveAt120x40() { assertSnapshot(rendered(liveState(width: 120, height: 40)), named: "live_120x40") }

    func testLiveInASCIIAt80x24() {
        assertSnapshot(rendered(liveState(width: 80, height: 24), theme: Theme(glyphs: .ascii, monochrome: true)),
                       named: "live_ascii_80x24")
    }

    func testResultsAt80x24() {
        var s = finishedState()
        send(&s, keys("4"))
        assertSnapshot(rendered(s), named: "results_80x24")
    }

    func testHelpOverlayAt80x24() {
        var s = liveState(width: 80, height: 24)
        send(&s, keys("?"))
        assertSnapshot(rendered(s), named: "help_80x24")
    }

    func testExportDialogAt80x24() {
        var s = finishedState()
        send(&s, keys("e"))
        assertSnapshot(rendered(s), named: "export_80x24")
    }

    func testTooSmall() {
        assertSnapshot(rendered(liveState(width: 50, height: 15)), named: "too_small_50x15")
    }
}

// MARK: - Content checks
extension RenderTests {
    func testTooSmallSaysHaveAndNeed() {
        let b = rendered(liveState(width: 63, height: 30))
        XCTAssertTrue(b.plainText.contains("terminal too small"))
        XCTAssertTrue(b.plainText.contains("(have 63×30, need 64×20)"))
        let ok = rendered(liveState(width: 64, height: 20))
        XCTAssertFalse(ok.plainText.contains("terminal too small"))
    }

    func testLivePanelsShowEveryMethodTheirLatestNumbersAndConflicts() {
        let b = rendered(liveState(width: 120, height: 40)).plainText
        for name in ["Zero-shot CLIP", "CoOp", "ProGrad", "ep 6/10", "conf", "cos", "B62.0 N68.0 H64.9"] {
            XCTAssertTrue(b.contains(name), "live screen lacks \(name)")
        }
        // CoOp's last epoch: base 0.62 + 0.25·0.6 = 77.0, new 0.68 − 0.12·0.6 = 60.8.
        XCTAssertTrue(b.contains("B77.0 N60.8"))
        XCTAssertTrue(b.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille chart dots")
    }

    func testASCIIThemeDrawsOnlyASCII() {
        let b = rendered(finishedState(), theme: Theme(glyphs: .ascii, monochrome: true))
        XCTAssertTrue(b.cells.allSatisfy { $0.char.isASCII })
        var r = finishedState(); send(&r, keys("4"))
        XCTAssertTrue(rendered(r, theme: Theme(glyphs: .ascii)).cells.allSatisfy { $0.char.isASCII })
    }

    func testBestCellsCarryTheBestRole() {
        var s = finishedState(); send(&s, keys("4"))
        let b = rendered(s)
        let row = (0..<b.height).first { b.line($0).contains("ProGrad") && b.line($0).contains("shapes") }!
        let line = b.line(row)
        let star = line.distance(from: line.startIndex, to: line.firstIndex(of: "*")!)
        XCTAssertEqual(b[star, row].role, .best)
    }

    func testThemeHonoursNoColorAndLocale() {
        let mono = Theme.forEnvironment(["NO_COLOR": ""], colorCapable: true, utf8: true)
        XCTAssertFalse(mono.usesColor)
        XCTAssertEqual(mono.style(.base).fg, .default)
        let color = Theme.forEnvironment([:], colorCapable: true, utf8: false)
        XCTAssertTrue(color.usesColor)
        XCTAssertEqual(color.glyphs, .ascii)
        for role in Role.allCases where role != .normal && role != .info && role != .base && role != .new
            && role != .conflict && role != .cosine && role != .done && role != .progress && role != .border {
            XCTAssertNotEqual(mono.style(role), CellStyle(), "\(role) must stand out without colour")
        }
    }

    func testLabelledMethodsAreDrawnByTheirKind() {
        var c = fixtureChoices()
        c.methods = [MethodChoice(.zeroshot, label: "clip-ens"), MethodChoice(.prograd, label: "pg-0.8")]
        XCTAssertEqual(c.estimatedSeconds, 2 * (1 + 10), accuracy: 1e-9, "a labelled zero-shot evaluates once")
        var s = AppState(width: 120, height: 40, experiments: [c], source: "x")
        let zs = runID("clip-ens", kind: .zeroshot), pg = runID("pg-0.8", kind: .prograd)
        send(&s, keys("s") + [.engine(.queued(zs)), .engine(.queued(pg)),
                              .engine(.finished(zs, FinalMetrics(baseAccuracy: 0.6, newAccuracy: 0.7, seconds: 1))),
                              .engine(.started(pg, resumedFromEpoch: 0)),
                              .engine(.epochFinished(pg, epoch(1, base: 0.7, new: 0.6, conflict: 0.3, cosine: 0.1)))])
        let text = rendered(s).plainText
        XCTAssertTrue(text.contains("clip-ens"))
        XCTAssertTrue(text.contains("conf"), "the labelled ProGrad shows its conflicts")
        XCTAssertFalse(text.contains("waiting for epochs"), "the labelled zero-shot is a reference, not a trainee")
    }

    func testSetupCursorIsHighlightedAndAnEditedFieldShowsItsText() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.key(.down)])   // shapes
        var b = rendered(s)
        let row = (0..<b.height).first { b.line($0).contains("shapes") }!
        let col = b.line(row).distance(from: b.line(row).startIndex, to: b.line(row).range(of: "shapes")!.lowerBound)
        XCTAssertEqual(b[col, row].role, .selected)
        moveSetupCursor(&s, to: .methodSetting(method: 1, key: "nCtx"))
        send(&s, [.key(.enter)] + keys("2"))
        b = rendered(s)
        XCTAssertTrue(b.plainText.contains("n_ctx      42_"), b.plainText)
        XCTAssertTrue(b.line(23).hasPrefix("Enter apply  Esc cancel"))
    }

    func testChartPlotsARisingLineLowLeftHighRight() {
        var b = ScreenBuffer(width: 20, height: 6)
        drawAccuracyChart(&b, b.bounds, series: [ChartSeries(values: [0.2, 0.4, 0.6, 0.8], role: .base, mark: "*")],
                          references: [], totalEpochs: 4, glyphs: .ascii)
        XCTAssertEqual(b[4, 5].char, "*", "first epoch bottom-left")
        XCTAssertEqual(b[19, 0].char, "*", "last epoch top-right")
        XCTAssertEqual(b.line(0).prefix(3), " 80")
        XCTAssertEqual(b.line(5).prefix(3), " 20")
    }
}
