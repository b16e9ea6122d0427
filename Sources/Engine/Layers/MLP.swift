// CLIP's transformer MLP: fc1 → activation (QuickGELU or GELU) → fc2, forward and backward.

/// Sizes of one MLP call.
public struct MLPShape: Sendable {
    public var rows: Int, width: Int, intermediate: Int
    public var activation: Activation
    public init(rows: Int, width: Int, intermediate: Int, activation: Activation) {
        self.rows = rows; self.width = width; self.intermediate = intermediate; self.activation = activation
    }
}

/// out [rows, width] (+)= fc2(act(fc1(input))); saves the pre-activation `hidden` and the activated `activated`
/// [rows, intermediate]. With `accumulate`, fc2's output is added to `out` (the residual stream).
public func mlpForward(out: UnsafeMutablePointer<Float>, hidden: UnsafeMutablePointer<Float>,
                       activated: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                       fc1Weight: UnsafePointer<Float>, fc1Bias: UnsafePointer<Float>,
                       fc2Weight: UnsafePointer<Float>, fc2Bias: UnsafePointer<Float>,
                       shape s: MLPShape, accumulate: Bool) {
    linearForward(out: hidden, input: input, weight: fc1Weight, bias: fc1Bias,
                  rows: s.rows, inFeatures: s.width, outFeatures: s.intermediate)
    activationForward(s.activation, out: activated, input: hidden, count: s.rows * s.intermediate)
    linearForward(out: out, input: activated, weight: fc2Weight, bias: fc2Bias,
                  rows: s.rows, inFeatures: s.intermediate, outFeatures: s.width, accumulate: accumulate)
}

/// Weight-gradient pointers of the MLP (all nil when frozen).
public struct MLPGradients {
    public var fc1Weight, fc1Bias, fc2Weight, fc2Bias: UnsafeMutablePointer<Float>?
    public init(fc1Weight: UnsafeMutablePointer<Float>?, fc1Bias: UnsafeMutablePointer<Float>?,
                fc2Weight: UnsafeMutablePointer<Float>?, fc2Bias: UnsafeMutablePointer<Float>?) {
        self.fc1Weight = fc1Weight; self.fc1Bias = fc1Bias; self.fc2Weight = fc2Weight; self.fc2Bias = fc2Bias
    }
    public static let frozen = MLPGradients(fc1Weight: nil, fc1Bias: nil, fc2Weight: nil, fc2Bias: nil)
}

/// dInput [cotangents, rows, width] += ∂/∂input for stacked dOut [cotangents, rows, width]; weight gradients (+=,
/// summed over cotangents) where given. `scratchA`, `scratchB` hold [cotangents, rows, intermediate] floats each.
public func mlpBackward(dInput: UnsafeMutablePointer<Float>, grads: MLPGradients, dOut: UnsafePointer<Float>,
                        input: UnsafePointer<Float>, hidden: UnsafePointer<Float>, activated: UnsafePointer<Float>,
                        fc1Weight: UnsafePointer<Float>, fc2Weight: UnsafePointer<Float>, shape s: MLPShape,
                        cotangents k: Int, scratchA: UnsafeMutablePointer<Float>,
                        scratchB: UnsafeMutablePointer<Float>) {
    let n = k * s.rows * s.intermediate
    let dActivated = scratchA, dHidden = scratchB
    dActivated.update(repeating: 0, count: n)
    linearBackward(dInput: dActivated, dWeight: grads.fc2Weight, dBias: grads.fc2Bias, dOut: dOut,
                   input: activated, weight: fc2Weight, rows: s.rows, inFeatures: s.intermediate,
                   outFeatures: s.width, cotangents: k)
    dHidden.update(repeating: 0, count: n)
    activationBackward(s.activation, dInput: dHidden, dOut: dActivated, input: hidden,
                       count: s.rows * s.intermediate, cotangents: k)
    linearBackward(dInput: dInput, dWeight: grads.fc1Weight, dBias: grads.fc1Bias, dOut: dHidden,
                   input: input, weight: fc1Weight, rows: s.rows, inFeatures: s.width,
                   outFeatures: s.intermediate, cotangents: k)
}
