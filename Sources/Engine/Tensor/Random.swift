// Deterministic random numbers for initialization, augmentation and shuffling (SplitMix64, Box–Muller normals).
import Foundation

/// A small, fast, seedable generator (SplitMix64); the same seed gives the same stream on every machine.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Double {
        var u = nextUniform()
        while u <= .leastNonzeroMagnitude { u = nextUniform() }
        let v = nextUniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }

    /// Fills `values` with N(mean, std²) samples.
    public mutating func fillNormal(_ values: UnsafeMutableBufferPointer<Float>, mean: Float = 0, std: Float) {
        for i in values.indices { values[i] = mean + std * Float(nextNormal()) }
    }
}

@inline(__always) private func _log(_ x: Double) -> Double { log(x) }
@inline(__always) private func _cos(_ x: Double) -> Double { cos(x) }
