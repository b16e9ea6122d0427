// The MLP activations of CLIP: QuickGELU x·σ(1.702x) (OpenAI) and exact GELU x·Φ(x) with erf, forward and backward.
import Foundation

/// out[i] = act(input[i]) for i < count (out may equal input).
public func activationForward(_ act: Activation, out: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                              count: Int) {
    Parallel.chunks(count, minPerChunk: 1 << 14) { range in
        switch act {
        case .quickGELU:
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let x = loadF8(input + i)
                storeF8(x / (1 + vectorExp(-1.702 * x)), out + i)
                i += 8
            }
            while i < range.upperBound { let x = input[i]; out[i] = x / (1 + scalarExp(-1.702 * x)); i += 1 }
        case .gelu:
            for i in range { let x = input[i]; out[i] = 0.5 * x * (1 + erf(x * 0.707_106_781_186_547_5)) }
        }
    }
}

/// dInput[i] += act'(input[i]) · dOut[i] for `cotangents` stacked gradients [cotangents, count] of one input [count].
/// QuickGELU: d/dx x·σ(ax) = σ(ax)·(1 + a·x·(1 − σ(ax))). GELU: Φ(x) + x·φ(x).
public func activationBackward(_ act: Activation, dInput: UnsafeMutablePointer<Float>, dOut: UnsafePointer<Float>,
                               input: UnsafePointer<Float>, count: Int, cotangents: Int = 1) {
    Parallel.chunks(count, minPerChunk: 1 << 14) { range in
        switch act {
        case .quickGELU:
            var i = range.lowerBound
            while i + 8 <= range.upperBound {
                let x = loadF8(input + i)
                let s = 1 / (1 + vectorExp(-1.702 * x))
                let g = s * (1 + 1.702 * x * (1 - s))
                for c in 0..<cotangents {
                    let o = c * count + i
                    storeF8(loadF8(dInput + o) + g * loadF8(dOut + o), dInput + o)
                }
                i += 8
            }
            while i < range.upperBound {
                let x = input[i]
                let s = 1 / (1 + scalarExp(-1.702 * x))
                let g = s * (1 + 1.702 * x * (1 - s))
                for c in 0..<cotangents { dInput[c * count + i] += g * dOut[c * count + i] }
                i += 1
            }
        case .gelu:
            for i in range {
                let x = input[i]
                let cdf = 0.5 * (1 + erf(x * 0.707_106_781_186_547_5))
                let pdf = 0.398_942_280_401_432_7 * exp(-0.5 * x * x)
                let g = cdf + x * pdf
                for c in 0..<cotangents { dInput[c * count + i] += g * dOut[c * count + i] }
            }
        }
    }
}
