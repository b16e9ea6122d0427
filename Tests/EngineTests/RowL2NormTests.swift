import XCTest
@testable import Engine

/// The one row-normalization rule every feature normalization uses: y = x / max(‖x‖, ε), and its backward.
final class RowL2NormTests: XCTestCase {
    func testRowsGetUnitNormAndAZeroRowStaysZero() {
        let x: [Float] = [3, 4, 0, 0, 0, 0, -1, 2, 2]   // [3, 3]: norms 5, 0, 3
        let y = RowL2Norm.normalized(x, rows: 3, cols: 3)
        XCTAssertEqual(Array(y[0..<3]), [0.6, 0.8, 0], accuracy: 1e-7)
        XCTAssertEqual(Array(y[3..<6]), [0, 0, 0])
        XCTAssertEqual(Array(y[6..<9]), [-1 / 3, 2 / 3, 2 / 3], accuracy: 1e-7)
        XCTAssertEqual(CosineLogitHead.normalizeRows(x, rows: 3, cols: 3), y, "the cosine head uses the same rule")
    }

    func testBackwardMatchesFiniteDifferences() {
        let x: [Float] = [0.3, -1.2, 0.7, 2.0, 0.1, -0.4]   // [2, 3]
        let w: [Double] = [0.5, -1.0, 2.0, 0.25, 1.5, -0.75]  // L = Σ w·y
        func loss(_ v: [Float]) -> Double {
            zip(RowL2Norm.normalized(v, rows: 2, cols: 3), w).map { Double($0) * $1 }.reduce(0, +)
        }
        var y = x, norms = [Float](repeating: 0, count: 2)
        y.withUnsafeMutableBufferPointer { RowL2Norm.forward($0.baseAddress!, norms: &norms, rows: 2, cols: 3) }
        var d = w.map(Float.init)
        d.withUnsafeMutableBufferPointer { RowL2Norm.backward($0.baseAddress!, normalized: y, norms: norms, rows: 2, cols: 3) }
        for i in x.indices {
            var p = x, m = x
            p[i] += 1e-3; m[i] -= 1e-3
            XCTAssertEqual(Double(d[i]), (loss(p) - loss(m)) / 2e-3, accuracy: 2e-3, "element \(i)")
        }
    }

    func testBackwardOfAZeroRowIsTheClampedScale() {
        // Below ε the norm is the constant ε, so y = x/ε and dx = dy/ε (torch.nn.functional.normalize's gradient).
        var y: [Float] = [0, 0], norms: [Float] = [0]
        y.withUnsafeMutableBufferPointer { RowL2Norm.forward($0.baseAddress!, norms: &norms, rows: 1, cols: 2) }
        XCTAssertEqual(norms[0], RowL2Norm.epsilon)
        var d: [Float] = [1e-12, -2e-12]
        d.withUnsafeMutableBufferPointer { RowL2Norm.backward($0.baseAddress!, normalized: y, norms: norms, rows: 1, cols: 2) }
        XCTAssertEqual(d[0], 1, accuracy: 1e-6)
        XCTAssertEqual(d[1], -2, accuracy: 1e-6)
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
