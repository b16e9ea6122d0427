// ProGrad's gradient projection (port of BeierZhu/Prompt-align Dassl.ProGrad.pytorch dassl/engine/trainer.py
// prograd_backward_and_update semantics): with ĝ_g = g_g/‖g_g‖, if g_d·g_g < 0 then g = g_d − λ (g_d·ĝ_g) ĝ_g,
// else g = g_d. g_g only sets a direction; it is never added to the step.
import Foundation

/// The outcome of one projection, with the statistics the workbench streams.
public struct ProjectionResult {
    public var gradient: [Float]
    public var conflict: Bool
    public var cosine: Double        // cos(g_d, g_g); 0 when ‖g_d‖ = 0
    public var normDomain: Double    // ‖g_d‖
    public var normGeneral: Double   // ‖g_g‖
}

public enum ProGradProjection {
    /// Projects g_d against g_g with strength λ. Throws when ‖g_g‖ = 0 (its direction is undefined; the reference
    /// would divide by zero and continue with NaN) or when either gradient is not finite.
    public static func project(domain gd: [Float], general gg: [Float], lambda: Double) throws -> ProjectionResult {
        precondition(gd.count == gg.count, "ProGradProjection: g_d has \(gd.count) values, g_g \(gg.count)")
        var dot = 0.0, nd = 0.0, ng = 0.0
        for i in gd.indices {
            let a = Double(gd[i]), b = Double(gg[i])
            dot += a * b; nd += a * a; ng += b * b
        }
        guard nd.isFinite, ng.isFinite, dot.isFinite else {
            throw EngineError.numerical("ProGrad: the gradient w.r.t. the context is NaN or infinite (‖g_d‖² = \(nd), ‖g_g‖² = \(ng)); lower the learning rate or check the image features")
        }
        guard ng > 0 else {
            throw EngineError.numerical("ProGrad: the general-direction gradient g_g = ∇ctx L_kl is exactly zero, so its direction is undefined (the student already matches the zero-shot teacher, or the teacher logits are constant); use CoOp (λ = 0) for this run or check the teacher's template")
        }
        let normD = nd.squareRoot(), normG = ng.squareRoot()
        let cosine = normD > 0 ? dot / (normD * normG) : 0
        let conflict = dot < 0
        var g = gd
        if conflict && lambda != 0 {
            // g_d·ĝ_g ĝ_g = (g_d·g_g / ‖g_g‖²) g_g
            let coef = lambda * dot / ng
            for i in g.indices { g[i] = Float(Double(gd[i]) - coef * Double(gg[i])) }
        }
        return ProjectionResult(gradient: g, conflict: conflict, cosine: cosine, normDomain: normD, normGeneral: normG)
    }
}
