// A locked queue of messages: the runner's thread and the stderr reader post, the UI loop drains.
import Foundation

/// Thread-safe FIFO of messages.
public final class MessageQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Msg] = []

    public init() {}

    /// Appends a message (any thread).
    public func post(_ msg: Msg) {
        lock.lock(); items.append(msg); lock.unlock()
    }

    /// Removes and returns everything queued, oldest first.
    public func drain() -> [Msg] {
        lock.lock(); defer { lock.unlock() }
        let out = items
        items.removeAll(keepingCapacity: true)
        return out
    }
}
