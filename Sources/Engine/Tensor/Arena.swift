// Float arenas: one allocation carved into activation buffers, returned to a pool and reused by the next pass of the same size.
import Foundation

/// A bump allocator over one block of floats; buffers live as long as the arena.
public final class Arena {
    public let capacity: Int
    let base: UnsafeMutablePointer<Float>
    private(set) var used = 0
    fileprivate weak var pool: ArenaPool?

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The next `count` floats (16-float aligned); contents are whatever the previous user left unless zeroed.
    func take(_ count: Int, zeroed: Bool = false) -> UnsafeMutablePointer<Float> {
        let start = used
        used += (count + 15) & ~15
        precondition(used <= capacity, "arena overflow: \(used) > \(capacity) floats")
        let p = base + start
        if zeroed { p.update(repeating: 0, count: count) }
        return p
    }

    func reset() { used = 0 }
}

/// Counts floats for a sequence of `take` calls, so an arena can be sized before it is carved.
struct ArenaSizer {
    private(set) var total = 0
    mutating func add(_ count: Int) { total += (count + 15) & ~15 }
}

/// Keeps released arenas by capacity; a pass of the same shape gets its predecessor's memory back.
public final class ArenaPool: @unchecked Sendable {
    private var free: [Int: [Arena]] = [:]
    private let lock = NSLock()
    private let keepPerSize: Int

    public init(keepPerSize: Int = 2) { self.keepPerSize = keepPerSize }

    /// An arena of exactly `capacity` floats, reset.
    func arena(capacity: Int) -> Arena {
        lock.lock()
        let reused = free[capacity]?.popLast()
        lock.unlock()
        let a = reused ?? Arena(capacity: capacity)
        a.reset()
        return a
    }

    /// Returns an arena for reuse (dropped when enough of that size are already kept).
    func recycle(_ a: Arena) {
        lock.lock(); defer { lock.unlock() }
        var list = free[a.capacity] ?? []
        if list.count < keepPerSize { list.append(a) }
        free[a.capacity] = list
    }
}
