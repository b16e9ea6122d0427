// LayerNorm over the last axis with biased variance (torch.nn.LayerNorm), forward and backward.
import Foundation

/// out[r, :] = (x[r, :] − mean) · rstd · weight + bias for each of `rows` rows of `cols`; saves mean and rstd per row.
public func layerNormForward(out: UnsafeMutablePointer<Float>, mean: UnsafeMutablePointer<Float>?,
                             rstd: UnsafeMutablePointer<Float>?, input: UnsafePointer<Float>,
                             weight: UnsafePointer<Float>, bias: UnsafePointer<Float>,
                             rows: Int, cols: Int, eps: Float) {
    Parallel.chunks(rows, minPerChunk: 64) { range in
        for r in range {
            let x = input + r * cols, y = out + r * cols
            let m = vectorSum(x, cols) / Float(cols)
            // Two-pass variance: Σ(x − m)² / cols.
            var acc = F8(repeating: 0), i = 0
            let mv = F8(repeating: m)
            while i + 8 <= cols { let d = loadF8(x + i) - mv; acc += d * d; i += 8 }
            var v = acc.sum()
            while i < cols { let d = x[i] - m; v += d * d; i += 1 }
            let s = 1 / (v / Float(cols) + eps).squareRoot()
            i = 0
            let sv = F8(repeating: s)
            while i + 8 <= cols {
                storeF8((loadF8(x + i) - mv) * sv * loadF8(weight + i) + loadF8(bias + i), y + i); i += 8
            }
            while i < cols { y[i] = (x[i] - m) * s * weight[i] + bias[i]; i += 1 }
            mean?[r] = m
            rstd?[r] = s
        }
    }
}

/// dInput += ∂L/∂x for dOut = ∂L/∂out; dWeight += Σ_r dOut·x̂, dBias += Σ_r dOut (nil when frozen).
/// With x̂ = (x − mean)·rstd and g = dOut·weight: dx = rstd · (g − mean(g) − x̂ · mean(g·x̂)).
public func layerNormBackward(dInput: UnsafeMutablePointer<Float>, dWeight: UnsafeMutablePointer<Float>?,
                              dBias: UnsafeMutablePointer<Float>?, dOut: UnsafePointer<Float>,
                              input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              mean: UnsafePointer<Float>, rstd: UnsafePointer<Float>, rows: Int, cols: Int) {
    Parallel.chunks(rows, minPerChunk: 64) { range in
        for r in range {
            let x = input + r * cols, dy = dOut + r * cols, dx = dInput + r * cols
            let m = mean[r], s = rstd[r]
            var sumG: Float = 0, sumGX: Float = 0
            for i in 0..<cols {
                let g = dy[i] * weight[i]
                sumG += g
                sumGX += g * (x[i] - m) * s
            }
            let mg = sumG / Float(cols), mgx = sumGX / Float(cols)
            for i in 0..<cols {
                let xh = (x[i] - m) * s
                dx[i] += s * (dy[i] * weight[i] - mg - xh * mgx)
            }
        }
    }
    // Parameter gradients reduce over rows: one thread, so the accumulation needs no locks.
    if let dWeight {
        for r in 0..<rows {
            let x = input + r * cols, dy = dOut + r * cols, m = mean[r], s = rstd[r]
            for i in 0..<cols { dWeight[i] += dy[i] * (x[i] - m) * s }
        }
    }
    if let dBias {
        for r in 0..<rows {
            let dy = dOut + r * cols
            for i in 0..<cols { dBias[i] += dy[i] }
        }
    }
}
