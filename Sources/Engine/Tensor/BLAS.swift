// The one door to OpenBLAS: row-major single-precision matrix products (C = alpha·op(A)·op(B) + beta·C).
import CBLAS

/// Row-major sgemm: c[m, n] = alpha · op(a)[m, k] · op(b)[k, n] + beta · c, with op = transpose when the flag is set.
/// `lda`, `ldb`, `ldc` are the row strides of the stored (untransposed) matrices.
@inline(__always)
public func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                 a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                 beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
    if m == 0 || n == 0 { return }
    if k == 0 {
        // An empty inner dimension contributes nothing: C = beta·C.
        for i in 0..<m {
            let row = c + i * ldc
            for j in 0..<n { row[j] = beta == 0 ? 0 : beta * row[j] }
        }
        return
    }
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}
