// ProGrad (BeierZhu/Prompt-align): CoOp whose gradient is projected away from the zero-shot teacher's general
// direction whenever the two conflict.
import Foundation

extension MethodKind {
    public static let prograd = MethodKind("prograd")
}

extension MethodDeclaration {
    public static let prograd = MethodDeclaration(
        kind: .prograd, displayName: "ProGrad", shortName: "PG",
        summary: "Prompt-aligned gradient: CoOp with the conflicting part of its gradient removed (λ, T).",
        settings: PromptMethodSettings.context() + [PromptMethodSettings.lambda, PromptMethodSettings.temperature],
        reportsConflicts: true,
        makeTrainer: { context, v in
            try PromptTrainer.make(context, v, alignment: (v["lambda"]?.doubleValue ?? 1, v["temperature"]?.doubleValue ?? 1))
        })
}
