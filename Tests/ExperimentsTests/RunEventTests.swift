import XCTest
import Experiments

final class RunEventTests: XCTestCase {}

// MARK: - Harmonic mean
extension RunEventTests {
    func testHarmonicMean() {
        XCTAssertEqual(harmonicMeanOf(0.8, 0.6), 2 * 0.8 * 0.6 / 1.4, accuracy: 1e-12)
        XCTAssertEqual(harmonicMeanOf(0, 0), 0)
        let m = EpochMetrics(epoch: 1, epochs: 2, lossCE: 1, lr: 0.002, baseAccuracy: 0.5, newAccuracy: 0.25, seconds: 1)
        XCTAssertEqual(m.harmonicMean!, 1.0 / 3.0, accuracy: 1e-12)
    }
}
