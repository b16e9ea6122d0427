// Message sequences into update, assertions on the state and the effects.
import XCTest
@testable import TUI
import Experiments

final class UpdateTests: XCTestCase {}

// MARK: - Starting, events, panels
extension UpdateTests {
    func testStartAsksTheRunnerForThePlannedGrid() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        let effects = send(&s, keys("s"))
        XCTAssertEqual(effects, [.startGrid(fixtureChoices())])
        XCTAssertTrue(s.gridActive)
        XCTAssertEqual(s.focus, .runs)
        XCTAssertEqual(s.progress.total, 6)
        XCTAssertEqual(send(&s, keys("s")), [], "a second start while running does nothing")
        XCTAssertEqual(s.status, "a grid is already running (x cancels a run, q quits)")
    }

    func testEpochsArriveInTheRunAndThePanelsFollowTheRunningGroup() {
        let s = liveState(width: 80, height: 24)
        let coop = s.runs[runID("coop")]!
        XCTAssertEqual(coop.status, .running)
        XCTAssertEqual(coop.epochs.map(\.epoch), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(s.shownGroup, RunGroup(dataset: "shapes", shots: 4, seed: 1))
        XCTAssertEqual(s.shownRuns.map(\.id.label), ["zeroshot", "coop", "prograd"])
        XCTAssertEqual(s.runs[runID("zeroshot")]!.status, .done)
        XCTAssertTrue(s.log.contains { $0.text == "resumed \(runID("prograd")) from epoch 3" })
        XCTAssertEqual(s.log.last?.level, .warning)
    }

    func testAReplayedEpochReplacesTheLaterOnes() {
        var s = liveState(width: 80, height: 24)
        send(&s, [.engine(.epochFinished(runID("coop"), epoch(4, base: 0.5, new: 0.5)))])
        XCTAssertEqual(s.runs[runID("coop")]!.epochs.map(\.epoch), [1, 2, 3, 4])
        XCTAssertEqual(s.runs[runID("coop")]!.epochs.last?.baseAccuracy, 0.5)
    }

    func testChoosingARunPinsThePanelsToItsGroup() {
        var s = liveState(width: 80, height: 24)
        send(&s, [.key(.char("G"))])   // last run: seed 2
        XCTAssertEqual(s.selectedRun?.id.seed, 2)
        send(&s, [.key(.enter)])
        XCTAssertEqual(s.focus, .panels)
        XCTAssertEqual(s.shownGroup?.seed, 2)
        send(&s, [.engine(.started(runID("coop", seed: 1), resumedFromEpoch: 0))])
        XCTAssertEqual(s.shownGroup?.seed, 2, "a pinned group does not follow new runs")
        send(&s, [.key(.left)])
        XCTAssertEqual(s.shownGroup?.seed, 1)
    }

    func testGridFinishedClearsActivityAndReportsFailures() {
        var s = liveState(width: 80, height: 24)
        send(&s, [.engine(.failed(runID("coop", seed: 2), message: "shapes/test: no images")),
                  .engine(.gridFinished(failed: 1))])
        XCTAssertFalse(s.gridActive)
        XCTAssertEqual(s.runs[runID("coop", seed: 2)]!.status, .failed)
        XCTAssertEqual(s.status, "grid finished: 6 runs, 1 failed")
        XCTAssertTrue(s.log.contains { $0.level == .error && $0.text.contains("no images") })
    }

    func testRunsLeftQueuedByAStoppedGridAreNotActiveAfterwards() {
        var s = liveState(width: 80, height: 24)
        send(&s, [.engine(.cancelled(runID("coop"))), .engine(.gridFinished(failed: 0))])
        XCTAssertEqual(s.runs[runID("prograd", seed: 2)]!.status, .cancelled)
        XCTAssertFalse(s.hasActiveRuns)
        XCTAssertEqual(send(&s, keys("q")), [.quit], "nothing runs: q quits without asking")
    }

    func testStartFailureIsShownAndTheGridIsNotActive() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, keys("s") + [.startFailed("experiments.json: datasets[0]: folder missing")])
        XCTAssertFalse(s.gridActive)
        XCTAssertEqual(s.status, "could not start: experiments.json: datasets[0]: folder missing")
    }

    func testOutputLinesGoToTheLog() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.outputLine("openblas: warning")])
        XCTAssertEqual(s.log, [LogLine(.warning, "openblas: warning")])
    }
}

// MARK: - Quitting, cancelling
extension UpdateTests {
    func testQuitWithoutRunsQuitsAtOnce() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        XCTAssertEqual(send(&s, keys("q")), [.quit])
        XCTAssertTrue(s.shouldQuit)
    }

    func testQuitWithActiveRunsAsksFirst() {
        var s = liveState(width: 80, height: 24)
        XCTAssertEqual(send(&s, keys("q")), [])
        XCTAssertEqual(s.dialog, .confirmQuit)
        XCTAssertEqual(send(&s, [.key(.escape)]), [])
        XCTAssertNil(s.dialog)
        XCTAssertFalse(s.shouldQuit)
        send(&s, keys("q"))
        XCTAssertEqual(send(&s, keys("y")), [.cancelAll, .quit])
        XCTAssertTrue(s.shouldQuit)
    }

    func testCtrlCAlwaysQuitsEvenInDialogsAndTextFields() {
        var s = liveState(width: 80, height: 24)
        send(&s, keys("/ab"))
        XCTAssertNotNil(s.filterEditing)
        XCTAssertEqual(send(&s, [.key(.ctrlC)]), [.cancelAll, .quit])
        var t = liveState(width: 80, height: 24)
        send(&t, keys("q"))
        XCTAssertEqual(send(&t, [.key(.ctrlC)]), [.cancelAll, .quit])
        var u = liveState(width: 80, height: 24)
        XCTAssertEqual(send(&u, [.terminate]), [.cancelAll, .quit])
    }

    func testCancelAsksTheRunnerForTheSelectedActiveRun() {
        var s = liveState(width: 80, height: 24)
        send(&s, [.key(.down)])   // coop seed 1
        XCTAssertEqual(send(&s, keys("x")), [.cancelRun(runID("coop"))])
        send(&s, [.engine(.cancelled(runID("coop")))])
        XCTAssertEqual(s.runs[runID("coop")]!.status, .cancelled)
        XCTAssertEqual(send(&s, keys("x")), [], "a cancelled run cannot be cancelled again")
    }
}

// MARK: - Focus, filter, help
extension UpdateTests {
    func testTabShiftTabAndDigitsMoveFocus() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.key(.tab)]); XCTAssertEqual(s.focus, .runs)
        send(&s, [.key(.tab), .key(.tab), .key(.tab)]); XCTAssertEqual(s.focus, .log)
        XCTAssertEqual(s.screen, .results, "the log shows beside the last main pane")
        send(&s, [.key(.tab)]); XCTAssertEqual(s.focus, .setup)
        send(&s, [.key(.backTab)]); XCTAssertEqual(s.focus, .log)
        send(&s, keys("3")); XCTAssertEqual(s.focus, .panels)
        send(&s, keys("1")); XCTAssertEqual(s.focus, .setup)
    }

    func testFilterNarrowsTheRunListAndEscClearsIt() {
        var s = liveState(width: 80, height: 24)
        send(&s, keys("/prog"))
        XCTAssertEqual(s.visibleRuns.map(\.id.label), ["prograd", "prograd"])
        send(&s, [.key(.enter)])
        XCTAssertNil(s.filterEditing)
        XCTAssertEqual(s.filter, "prog")
        send(&s, keys("/") + [.key(.backspace), .key(.backspace), .key(.backspace), .key(.backspace)] + keys("seed2"))
        XCTAssertEqual(s.visibleRuns.count, 3)
        send(&s, [.key(.escape)])
        XCTAssertEqual(s.filter, "")
        XCTAssertEqual(s.visibleRuns.count, 6)
    }

    func testHelpOverlayOpensAndSwallowsKeysUntilClosed() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, keys("?"))
        XCTAssertTrue(s.showHelp)
        XCTAssertEqual(send(&s, keys("s")), [], "keys do not act behind the overlay")
        send(&s, [.key(.escape)])
        XCTAssertFalse(s.showHelp)
    }

    func testResizeUpdatesTheSize() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.resize(width: 120, height: 40)])
        XCTAssertEqual(s.width, 120); XCTAssertEqual(s.height, 40)
    }
}

// MARK: - Setup
extension UpdateTests {
    func testTogglesChangeThePlannedRunsAndTheEstimate() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        XCTAssertEqual(s.setup.choices.plannedRuns.count, 6)
        // Rows: experiment, shapes, textures, 1-shot, 4-shot, zeroshot, coop, prograd, seed 1, seed 2, settings…
        send(&s, [.key(.down), .key(.down), .key(.char(" "))])   // textures on
        XCTAssertEqual(s.setup.choices.plannedRuns.count, 12)
        send(&s, [.key(.down), .key(.enter)])   // 1-shot on
        XCTAssertEqual(s.setup.choices.plannedRuns.count, 24)
        // 1-shot, 10 epochs forced: per group 1·1 + 10·2 + 10·3 = 51 s; 8 groups.
        XCTAssertEqual(s.setup.choices.estimatedSeconds, 8 * 51, accuracy: 1e-9)
    }

    func testSettingsStepWithArrowsAndEditWithEnter() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        let prograd = 2
        moveSetupCursor(&s, to: .methodSetting(method: prograd, key: "nCtx"))
        send(&s, [.key(.right), .key(.right)])
        XCTAssertEqual(s.setup.choices.methods[prograd].settings["nCtx"], .int(6))
        XCTAssertEqual(s.setup.choices.methods[1].settings["nCtx"], .int(4), "CoOp's n_ctx is its own")
        send(&s, [.key(.enter), .key(.backspace)] + keys("16") + [.key(.enter)])
        XCTAssertEqual(s.setup.choices.methods[prograd].settings["nCtx"], .int(16))
        XCTAssertNil(s.setup.editing)
        moveSetupCursor(&s, to: .methodSetting(method: prograd, key: "lambda"))
        send(&s, [.key(.enter), .key(.backspace), .key(.backspace)] + keys("x") + [.key(.enter)])
        XCTAssertEqual(s.status, "λ must be a number from 0 to 10, got \"x\"")
        XCTAssertNotNil(s.setup.editing, "a wrong value keeps the field open")
        send(&s, [.key(.backspace)] + keys("0.8") + [.key(.enter)])
        XCTAssertEqual(s.setup.choices.methods[prograd].settings["lambda"], .double(0.8))
        moveSetupCursor(&s, to: .training("epochs"))
        send(&s, [.key(.enter)] + Array(repeating: .key(.backspace), count: 3) + keys("auto") + [.key(.enter)])
        XCTAssertNil(s.setup.choices.training["epochs"])
        XCTAssertEqual(s.setup.choices.trainingSettings(of: PlannedRun(dataset: "shapes", shots: 4, method: "coop", seed: 1)).epochs, 100)
    }

    func testLeftRightOnTheExperimentRowSwitchesExperiment() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices(name: "a"), fixtureChoices(name: "b")],
                         source: "x")
        send(&s, [.key(.right)])
        XCTAssertEqual(s.setup.choices.name, "b")
        send(&s, [.key(.right)])
        XCTAssertEqual(s.setup.choices.name, "a")
    }

    func testSaveAsksToWriteTheEditedChoices() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        send(&s, [.key(.down), .key(.down), .key(.char(" "))])
        var expected = fixtureChoices(); expected.datasets[1].on = true
        XCTAssertEqual(send(&s, keys("w")), [.save(expected)])
        send(&s, [.saveFinished(.success("saved bench to experiments.json"))])
        XCTAssertEqual(s.status, "saved bench to experiments.json")
    }

    func testStartingWithNothingSelectedExplains() {
        var c = fixtureChoices(); c.methods = c.methods.map { var m = $0; m.on = false; return m }
        var s = AppState(width: 80, height: 24, experiments: [c], source: "x")
        XCTAssertEqual(send(&s, keys("s")), [])
        XCTAssertEqual(s.status, "nothing to run: switch on at least one dataset, shot count, method and seed")
    }
}

// MARK: - Export dialog
extension UpdateTests {
    func testExportIsRefusedBeforeAnyRunFinishes() {
        var s = AppState(width: 80, height: 24, experiments: [fixtureChoices()], source: "x")
        XCTAssertEqual(send(&s, keys("e")), [])
        XCTAssertNil(s.dialog)
        XCTAssertEqual(s.status, "nothing to export yet: no run has finished")
    }

    func testExportDialogChoosesFormatAndFileName() {
        var s = liveState(width: 80, height: 24)
        send(&s, keys("e"))
        guard case .export(let d) = s.dialog else { return XCTFail("no export dialog") }
        XCTAssertEqual(d.fileName, "results-bench.csv")
        send(&s, [.key(.right)])   // md: the extension follows
        guard case .export(let d2) = s.dialog else { return XCTFail() }
        XCTAssertEqual(d2.format, .md); XCTAssertEqual(d2.fileName, "results-bench.md")
        send(&s, [.key(.down)] + Array(repeating: .key(.backspace), count: 2) + keys("tex") + [.key(.up), .key(.right)])
        guard case .export(let d3) = s.dialog else { return XCTFail() }
        XCTAssertEqual(d3.format, .latex); XCTAssertEqual(d3.fileName, "results-bench.tex")
        XCTAssertEqual(send(&s, [.key(.enter)]),
                       [.export(ExportRequest(format: .latex, path: "results-bench.tex", experiment: "bench"))])
        XCTAssertNil(s.dialog)
        send(&s, [.exportFinished(.failure(TUIError("export failed: disk full")))])
        XCTAssertEqual(s.status, "export failed: disk full")
    }
}
