import XCTest
@testable import TUI
import Experiments

final class TUIBuildTests: XCTestCase {
    func testRunIDDescribesItself() {
        let id = RunID(dataset: "shapes", shots: 4, method: "coop", seed: 1, specHash: "abc")
        XCTAssertEqual(id.description, "shapes/4-shot/coop/seed1")
    }
}
