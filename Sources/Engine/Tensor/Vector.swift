// SIMD helpers for the element-wise parts of the layers: sums, dot products and a vectorized exp.
import Foundation

typealias F8 = SIMD8<Float>

@inline(__always) func loadF8(_ p: UnsafePointer<Float>) -> F8 {
    UnsafeRawPointer(p).loadUnaligned(as: F8.self)
}

@inline(__always) func storeF8(_ v: F8, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: F8.self)
}

/// Σ x[i] for i < n, accumulated in eight lanes.
@inline(__always) func vectorSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = F8(repeating: 0), i = 0
    while i + 8 <= n { acc += loadF8(x + i); i += 8 }
    var s = acc.sum()
    while i < n { s += x[i]; i += 1 }
    return s
}

/// Σ x[i]·y[i] for i < n.
@inline(__always) func vectorDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ n: Int) -> Float {
    var acc = F8(repeating: 0), i = 0
    while i + 8 <= n { acc += loadF8(x + i) * loadF8(y + i); i += 8 }
    var s = acc.sum()
    while i < n { s += x[i] * y[i]; i += 1 }
    return s
}

/// eˣ lane-wise: Cephes' expf scheme (x = n·ln2 + r, degree-6 polynomial for eʳ, scale by 2ⁿ); within 2 ulp of expf
/// on [-87, 88]; inputs below -87.3 give ≈1e-38 instead of 0.
@inline(__always) func vectorExp(_ v: F8) -> F8 {
    let x0 = v.clamped(lowerBound: F8(repeating: -87.3), upperBound: F8(repeating: 88.37))
    // Round x·log2(e) to the nearest integer by adding 1.5·2²³: the sum's low mantissa bits then hold n itself,
    // which avoids a float → integer conversion.
    let magic = F8(repeating: 12_582_912)
    let shifted = x0 * 1.442_695_04 + magic
    let n = shifted - magic
    var r = x0 - n * 0.693_359_375
    r = r + n * 2.121_944_4e-4
    var p = F8(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_59e-2
    p = p * r + 1.666_666_55e-1
    p = p * r + 5.000_000_12e-1
    let y = p * (r * r) + r + 1
    let nBits = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    let scale = unsafeBitCast((nBits &+ 127) &<< 23, to: F8.self)   // 2ⁿ
    return y * scale
}

/// Scalar eˣ with the same polynomial as vectorExp, so tails and bodies of a row agree.
@inline(__always) func scalarExp(_ x: Float) -> Float {
    vectorExp(F8(repeating: x))[0]
}
