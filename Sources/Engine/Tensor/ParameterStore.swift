// Named parameter tensors laid out in one block of floats; weights and their gradients share one layout (same offsets).

/// Where each named tensor lives in a flat block: name, shape, offset, in a fixed order.
public struct ParameterLayout: Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let shape: [Int]
        public let offset: Int
        public var count: Int { shape.reduce(1, *) }
    }
    public private(set) var entries: [Entry] = []
    public private(set) var count = 0

    /// Appends a tensor right after the previous one (tensors added in a row are contiguous) and returns its offset.
    mutating func add(_ name: String, _ shape: [Int]) -> Int {
        let offset = count
        entries.append(Entry(name: name, shape: shape, offset: offset))
        count += shape.reduce(1, *)
        return offset
    }
}

/// One zero-initialized block of floats holding every tensor of a layout.
public final class ParameterStore: @unchecked Sendable {
    public let layout: ParameterLayout
    let base: UnsafeMutablePointer<Float>

    init(layout: ParameterLayout) {
        self.layout = layout
        base = .allocate(capacity: max(1, layout.count))
        base.initialize(repeating: 0, count: max(1, layout.count))
    }

    deinit { base.deallocate() }

    @inline(__always) func pointer(_ offset: Int) -> UnsafeMutablePointer<Float> { base + offset }

    /// Every tensor as a buffer view, in layout order.
    func buffers() -> [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] {
        layout.entries.map { ($0.name, UnsafeMutableBufferPointer(start: base + $0.offset, count: $0.count)) }
    }

    func zero() { base.update(repeating: 0, count: max(1, layout.count)) }
}
