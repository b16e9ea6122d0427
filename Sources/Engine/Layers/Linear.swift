// Fully connected layer with PyTorch's weight layout [out, in]: y = x·Wᵀ + b, forward and backward on sgemm.

/// out[rows, outFeatures] = input[rows, inFeatures] · weightᵀ + bias. With `accumulate`, the product is added to
/// what `out` already holds (a residual connection), otherwise `out` is overwritten.
public func linearForward(out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                          rows: Int, inFeatures: Int, outFeatures: Int, accumulate: Bool = false) {
    if let bias {
        Parallel.chunks(rows, minPerChunk: 256) { range in
            for r in range {
                let y = out + r * outFeatures
                if accumulate { for j in 0..<outFeatures { y[j] += bias[j] } }
                else { y.update(from: bias, count: outFeatures) }
            }
        }
    }
    gemm(transA: false, transB: true, m: rows, n: outFeatures, k: inFeatures,
         a: input, lda: inFeatures, b: weight, ldb: inFeatures,
         beta: (bias != nil || accumulate) ? 1 : 0, c: out, ldc: outFeatures)
}

/// Backward of linearForward for `cotangents` stacked gradients dOut [cotangents, rows, out] of one input [rows, in]:
/// dInput [cotangents, rows, in] += dOut·W as one GEMM over all stacked rows; dWeight += Σ dOutᵀ·input and
/// dBias += Σ dOut summed over cotangents (both skipped when nil, i.e. frozen).
public func linearBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                           dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                           input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                           rows: Int, inFeatures: Int, outFeatures: Int, cotangents: Int = 1) {
    if let dInput {
        gemm(transA: false, transB: false, m: cotangents * rows, n: inFeatures, k: outFeatures,
             a: dOut, lda: outFeatures, b: weight, ldb: inFeatures, beta: 1, c: dInput, ldc: inFeatures)
    }
    if let dWeight {
        for c in 0..<cotangents {
            gemm(transA: true, transB: false, m: outFeatures, n: inFeatures, k: rows,
                 a: dOut + c * rows * outFeatures, lda: outFeatures, b: input, ldb: inFeatures,
                 beta: 1, c: dWeight, ldc: inFeatures)
        }
    }
    if let dBias {
        for r in 0..<(cotangents * rows) {
            let dy = dOut + r * outFeatures
            for j in 0..<outFeatures { dBias[j] += dy[j] }
        }
    }
}
