// The headless front end's lines for run events.
import XCTest
@testable import prograd
import Engine
import Experiments

final class HeadlessPrinterTests: XCTestCase {
    func testHeadlessLines() {
        let id = RunID(dataset: "Pets", shots: 16, kind: .prograd, seed: 1, specHash: "ab")
        let m = EpochMetrics(epoch: 3, epochs: 10, lossCE: 1.23456, lossKL: 0.5, lr: 0.002, baseAccuracy: 0.9, newAccuracy: 0.7,
                             conflictRate: 0.25, meanCosine: -0.1, seconds: 2.04)
        XCTAssertEqual(HeadlessPrinter.line(for: .epochFinished(id, m)),
                       "epoch  Pets/16-shot/prograd/seed1 3/10 loss_ce 1.2346 loss_kl 0.5000 lr 0.002 base 90.00 new 70.00 H 78.75 conflict 25.00% cos -0.100 2.0s")
        XCTAssertEqual(HeadlessPrinter.line(for: .progress(GridProgress(done: 3, total: 12, etaSeconds: 3725))),
                       "progress 3/12 runs, ETA 1h02m")
        XCTAssertEqual(HeadlessPrinter.line(for: .failed(id, message: "NaN loss")), "FAILED Pets/16-shot/prograd/seed1: NaN loss")
        XCTAssertNil(HeadlessPrinter.line(for: .queued(id)))
    }
}
