// CoOp (KaiyangZhou/CoOp trainers/coop.py): learned context vectors in front of the class name, cross-entropy only.
import Foundation

extension MethodKind {
    public static let coop = MethodKind("coop")
}

extension MethodDeclaration {
    public static let coop = MethodDeclaration(
        kind: .coop, displayName: "CoOp",
        summary: "Context optimization: learned context vectors trained with cross-entropy.",
        settings: PromptMethodSettings.context(),
        makeTrainer: { context, values in try PromptTrainer.make(context, values, alignment: nil) })
}
