// Stochastic gradient descent with PyTorch's torch.optim.SGD semantics (no dampening, no Nesterov):
// d = g + weight_decay·p; buf = d at the first step, else momentum·buf + d; p −= lr·buf.
import Foundation

/// SGD settings; Dassl's defaults for prompt tuning are lr 0.002, momentum 0.9, weight decay 5e-4.
public struct SGDSettings: Codable, Equatable, Sendable {
    public var momentum: Float = 0.9
    public var weightDecay: Float = 5e-4
    public init(momentum: Float = 0.9, weightDecay: Float = 5e-4) {
        self.momentum = momentum; self.weightDecay = weightDecay
    }
}

/// SGD over one parameter tensor with its momentum buffer (nil until the first step, as PyTorch's state).
public struct SGD: Equatable, Sendable {
    public var settings: SGDSettings
    public private(set) var momentumBuffer: [Float]?

    public init(settings: SGDSettings = .init(), momentumBuffer: [Float]? = nil) {
        self.settings = settings; self.momentumBuffer = momentumBuffer
    }

    /// One update of `parameter` in place with gradient `gradient` at learning rate `lr`.
    public mutating func step(parameter: inout [Float], gradient: [Float], lr: Float) {
        precondition(parameter.count == gradient.count, "SGD: gradient has \(gradient.count) values, parameter \(parameter.count)")
        let n = parameter.count
        var d = gradient
        let wd = settings.weightDecay, mu = settings.momentum
        parameter.withUnsafeMutableBufferPointer { p in d.withUnsafeMutableBufferPointer { g in
            if wd != 0 { for i in 0..<n { g[i] += wd * p[i] } }
        } }
        if mu != 0 {
            if var buf = momentumBuffer {
                buf.withUnsafeMutableBufferPointer { b in d.withUnsafeBufferPointer { g in
                    for i in 0..<n { b[i] = mu * b[i] + g[i] }
                } }
                momentumBuffer = buf
            } else {
                momentumBuffer = d          // PyTorch: buf = clone(d) at the first step
            }
            d = momentumBuffer!
        }
        parameter.withUnsafeMutableBufferPointer { p in d.withUnsafeBufferPointer { g in
            for i in 0..<n { p[i] -= lr * g[i] }
        } }
    }
}
