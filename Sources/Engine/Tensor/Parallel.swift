// Splits element-wise work over the cores (OpenBLAS threads the matrix products; this threads everything else).
import Foundation

enum Parallel {
    static let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs body over disjoint ranges covering 0..<count; single-threaded when the work is small.
    @inline(__always)
    static func chunks(_ count: Int, minPerChunk: Int, _ body: (Range<Int>) -> Void) {
        let parts = min(cores, max(1, count / max(1, minPerChunk)))
        if parts <= 1 { body(0..<count); return }
        DispatchQueue.concurrentPerform(iterations: parts) { p in
            let lo = count * p / parts, hi = count * (p + 1) / parts
            if lo < hi { body(lo..<hi) }
        }
    }
}
