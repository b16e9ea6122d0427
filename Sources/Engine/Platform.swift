// Process-wide numeric settings: the OpenBLAS thread count.
import CBLAS

public enum Platform {
    /// Sets how many threads OpenBLAS uses for each matrix product (default: all cores).
    public static func setBLASThreads(_ n: Int) {
        openblas_set_num_threads(Int32(max(1, n)))
    }

    /// The number of threads OpenBLAS uses now.
    public static var blasThreads: Int { Int(openblas_get_num_threads()) }
}
