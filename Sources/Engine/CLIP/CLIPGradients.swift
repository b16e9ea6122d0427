// Gradient buffers for every CLIP parameter, in the model's own layout (same names, shapes, order, offsets).

/// Gradient buffers with the same names, shapes and order as CLIPModel.parameters(); zero() resets them.
public final class CLIPGradients {
    let store: ParameterStore
    let layout: CLIPLayout

    public init(for model: CLIPModel) {
        layout = model.layout
        store = ParameterStore(layout: model.layout.layout)
    }

    /// Sets every gradient to 0.
    public func zero() { store.zero() }

    /// Every gradient buffer under its parameter's name, in parameters() order.
    public func buffers() -> [(name: String, buffer: UnsafeMutableBufferPointer<Float>)] { store.buffers() }

    /// ∂L/∂logit_scale.
    public var logitScale: Float {
        get { store.pointer(layout.logitScale)[0] }
        set { store.pointer(layout.logitScale)[0] = newValue }
    }
}
