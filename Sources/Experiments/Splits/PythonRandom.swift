// CPython's `random.Random` (Mersenne Twister MT19937) bit for bit, so few-shot samples match CoOp's for a seed.
// Port of python/cpython Modules/_randommodule.c (init_genrand, init_by_array, genrand_uint32, random_seed,
// getrandbits, random) and Lib/random.py (_randbelow_with_getrandbits, sample, choices, shuffle) semantics.
import Foundation

/// A Python `random.Random` seeded with an integer: same stream, same `sample`/`choices`/`shuffle` results.
public struct PythonRandom: Sendable {
    private static let n = 624, m = 397
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 625

    /// `random.seed(seed)` for an int: the absolute value's 32-bit words (least significant first) feed init_by_array.
    public init(seed: Int) {
        var magnitude = seed.magnitude
        var key: [UInt32] = []
        while magnitude > 0 { key.append(UInt32(truncatingIfNeeded: magnitude)); magnitude >>= 32 }
        if key.isEmpty { key = [0] }
        initByArray(key)
    }

    private mutating func initGenrand(_ s: UInt32) {
        state[0] = s
        for i in 1..<Self.n {
            state[i] = 1_812_433_253 &* (state[i - 1] ^ (state[i - 1] >> 30)) &+ UInt32(i)
        }
        index = Self.n
    }

    private mutating func initByArray(_ key: [UInt32]) {
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(Self.n, key.count) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<(Self.n - 1) {
            state[i] = (state[i] ^ ((state[i - 1] ^ (state[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= Self.n { state[0] = state[Self.n - 1]; i = 1 }
        }
        state[0] = 0x8000_0000  // MSB is 1, assuring a non-zero initial array
    }

    /// The next tempered 32-bit output (genrand_uint32).
    public mutating func nextUInt32() -> UInt32 {
        if index >= Self.n {
            let upper: UInt32 = 0x8000_0000, lower: UInt32 = 0x7fff_ffff, matrixA: UInt32 = 0x9908_b0df
            for k in 0..<Self.n {
                let y = (state[k] & upper) | (state[(k + 1) % Self.n] & lower)
                state[k] = state[(k + Self.m) % Self.n] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : matrixA)
            }
            index = 0
        }
        var y = state[index]
        index += 1
        y ^= (y >> 11)
        y ^= (y << 7) & 0x9d2c_5680
        y ^= (y << 15) & 0xefc6_0000
        y ^= (y >> 18)
        return y
    }

    /// `getrandbits(k)` for 0 ≤ k ≤ 64: 32-bit words filled least significant first, the last one shifted down.
    public mutating func getrandbits(_ k: Int) -> UInt64 {
        precondition(k >= 0 && k <= 64, "getrandbits supports 0...64 bits")
        if k == 0 { return 0 }
        if k <= 32 { return UInt64(nextUInt32() >> UInt32(32 - k)) }
        var result: UInt64 = 0, remaining = k, shift: UInt64 = 0
        while remaining > 0 {
            var word = nextUInt32()
            if remaining < 32 { word >>= UInt32(32 - remaining) }
            result |= UInt64(word) << shift
            shift += 32; remaining -= 32
        }
        return result
    }

    /// `random()`: 53-bit float in [0, 1) from two outputs (a >> 5, b >> 6).
    public mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `_randbelow(n)` for n > 0: getrandbits(n.bit_length()) until the value is below n.
    public mutating func randbelow(_ n: Int) -> Int {
        precondition(n > 0, "randbelow needs n > 0")
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = getrandbits(k)
        while r >= UInt64(n) { r = getrandbits(k) }
        return Int(r)
    }

    /// `sample(population, k)`: k distinct positions in selection order. CPython picks the pool method when
    /// n ≤ setsize (21, plus 4^ceil(log₄(3k)) when k > 5), else rejection against a set of chosen indices.
    public mutating func sample<T>(_ population: [T], _ k: Int) -> [T] {
        sampleIndices(population.count, k).map { population[$0] }
    }

    /// The indices `sample(range(n), k)` returns.
    public mutating func sampleIndices(_ n: Int, _ k: Int) -> [Int] {
        precondition(k >= 0 && k <= n, "Sample larger than population or is negative")
        var setsize = 21
        if k > 5 { setsize += Int(pow(4.0, ceil(log(Double(k * 3)) / log(4.0)))) }
        var result: [Int] = []
        result.reserveCapacity(k)
        if n <= setsize {
            var pool = Array(0..<n)
            for i in 0..<k {
                let j = randbelow(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = randbelow(n)
                while selected.contains(j) { j = randbelow(n) }
                selected.insert(j)
                result.append(j)
            }
        }
        return result
    }

    /// `choices(population, k=k)` without weights: population[floor(random() · n)], with replacement.
    public mutating func choices<T>(_ population: [T], k: Int) -> [T] {
        let n = Double(population.count)
        return (0..<k).map { _ in population[Int((random() * n).rounded(.down))] }
    }

    /// `shuffle(x)`: for i from n−1 down to 1, swap x[i] with x[randbelow(i + 1)].
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, through: 1, by: -1) {
            let j = randbelow(i + 1)
            items.swapAt(i, j)
        }
    }
}
