// A named host tensor as it travels between a checkpoint file and a model: shape + fp32 values, row-major.
public struct TensorData: Sendable, Equatable {
    public var shape: [Int]
    public var values: [Float]

    public init(shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) does not match \(values.count) values")
        self.shape = shape; self.values = values
    }

    public var count: Int { values.count }
}
