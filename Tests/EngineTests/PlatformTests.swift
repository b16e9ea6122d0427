import XCTest
import Engine

final class PlatformTests: XCTestCase {}

// MARK: - BLAS threads
extension PlatformTests {
    func testBLASThreadCountCanBeSet() {
        let before = Platform.blasThreads
        Platform.setBLASThreads(1)
        XCTAssertEqual(Platform.blasThreads, 1)
        Platform.setBLASThreads(before)
    }
}
