// When the terminal goes away or a terminate signal arrives, the loop cancels the runs and picks the exit code.
import XCTest
@testable import TUI
import Experiments

final class TerminalLossTests: XCTestCase {
    override func tearDown() {
        alarm(0)   // the exit watchdog the loop arms must not fire inside the test process
        TerminalGuard.pendingSignal = 0
        TerminalGuard.terminalLost = 0
        super.tearDown()
    }

    func activeLoop(_ runner: RecordingRunner) -> Loop {
        let loop = Loop(catalog: FakeCatalog(), runner: runner, exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        _ = loop.handle(.key(.char("s")))
        XCTAssertTrue(loop.state.hasActiveRuns)
        return loop
    }
}

// MARK: - Signals
extension TerminalLossTests {
    func testNoSignalLetsTheLoopGoOn() {
        let loop = activeLoop(RecordingRunner())
        XCTAssertNil(loop.signalled())
        XCTAssertFalse(loop.state.shouldQuit)
    }

    func testSigtermQuitsWithZeroAndCancelsTheRuns() {
        let runner = RecordingRunner()
        let loop = activeLoop(runner)
        TerminalGuard.pendingSignal = SIGTERM
        XCTAssertEqual(loop.signalled(), 0)
        XCTAssertEqual(runner.cancelledAll, 1)
        XCTAssertEqual(TerminalGuard.terminalLost, 0, "SIGTERM alone leaves the terminal usable for restoring")
    }

    func testSighupCancelsTheRunsMarksTheTerminalLostAndFails() {
        let runner = RecordingRunner()
        let loop = activeLoop(runner)
        TerminalGuard.pendingSignal = SIGHUP
        XCTAssertEqual(loop.signalled(), 128 + SIGHUP)
        XCTAssertEqual(runner.cancelledAll, 1)
        XCTAssertEqual(TerminalGuard.terminalLost, 1)
    }
}

// MARK: - Lost terminal
extension TerminalLossTests {
    func testLostTerminalCancelsActiveRunsAndFailsWithIOError() {
        let runner = RecordingRunner()
        let loop = activeLoop(runner)
        XCTAssertEqual(loop.terminalLost(), 74)
        XCTAssertEqual(runner.cancelledAll, 1)
        XCTAssertEqual(TerminalGuard.terminalLost, 1)
    }

    func testLostTerminalWithoutRunsCancelsNothing() {
        let runner = RecordingRunner()
        let loop = Loop(catalog: FakeCatalog(), runner: runner, exporter: TableFileExporter(),
                        experiments: [fixtureChoices()], environment: [:])
        XCTAssertEqual(loop.terminalLost(), 74)
        XCTAssertEqual(runner.cancelledAll, 0)
    }
}
