// Row-wise softmax with an optional causal limit (row r sees its first `visible(r)` columns), forward and backward.

/// In place: each row of `rows`×`cols` (row stride `ld`) becomes softmax over its first `visibleBase + r + 1`
/// columns when causal (masked columns set to 0, as adding −∞ before the softmax does), or over all columns.
public func softmaxForward(_ values: UnsafeMutablePointer<Float>, rows: Int, cols: Int, ld: Int,
                           causal: Bool, visibleBase: Int = 0) {
    for r in 0..<rows {
        let row = values + r * ld
        let n = causal ? min(cols, visibleBase + r + 1) : cols
        var mx = -Float.infinity
        for j in 0..<n where row[j] > mx { mx = row[j] }
        var sum: Float = 0, j = 0
        let mv = F8(repeating: mx)
        var acc = F8(repeating: 0)
        while j + 8 <= n { let e = vectorExp(loadF8(row + j) - mv); storeF8(e, row + j); acc += e; j += 8 }
        sum = acc.sum()
        while j < n { let e = scalarExp(row[j] - mx); row[j] = e; sum += e; j += 1 }
        let inv = 1 / sum
        for j in 0..<n { row[j] *= inv }
        if n < cols { (row + n).update(repeating: 0, count: cols - n) }
    }
}

/// In place on dValues: dS = P ⊙ (dP − Σ_j dP·P) for probabilities P (masked entries are 0, so they get 0).
public func softmaxBackward(_ dValues: UnsafeMutablePointer<Float>, probabilities: UnsafePointer<Float>,
                            rows: Int, cols: Int, ldGrad: Int, ldProb: Int) {
    for r in 0..<rows {
        let g = dValues + r * ldGrad, p = probabilities + r * ldProb
        let d = vectorDot(g, p, cols)
        for j in 0..<cols { g[j] = p[j] * (g[j] - d) }
    }
}
