// FNV-1a 64-bit hashing for fingerprints and cache keys (stable across processes and machines, unlike Hasher).
import Foundation

/// Incremental FNV-1a (64-bit); strings are hashed as UTF-8 followed by a 0 separator byte.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes raw bytes.
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        value = h
    }

    /// Mixes a string and a separator, so ("ab","c") and ("a","bc") differ.
    public mutating func combine(_ string: String) {
        var s = string
        s.withUTF8 { combine(bytes: UnsafeRawBufferPointer($0)) }
        withUnsafeBytes(of: UInt8(0)) { combine(bytes: $0) }
    }

    /// Mixes a Data buffer.
    public mutating func combine(_ data: Data) { data.withUnsafeBytes { combine(bytes: $0) } }

    /// 16 lowercase hex digits.
    public var hexDigest: String { String(format: "%016llx", value) }

    /// Hash of one string, as hex.
    public static func hex(_ string: String) -> String { var h = FNV1a64(); h.combine(string); return h.hexDigest }
}
