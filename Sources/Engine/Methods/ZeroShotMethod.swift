// Zero-shot CLIP as a method: no training; each split is classified with its hand-crafted template.
import Foundation

extension MethodKind {
    public static let zeroshot = MethodKind("zeroshot")
}

extension MethodDeclaration {
    public static let zeroShot = MethodDeclaration(
        kind: .zeroshot, displayName: "Zero-shot CLIP", shortName: "ZS",
        summary: "CLIP with the hand-crafted template; trains nothing (the reference line).",
        settings: [PromptMethodSettings.template], trains: false,
        makeTrainer: { context, _ in ZeroShotTrainer(context: context) })
}

/// Zero-shot CLIP: evaluates each split with its template; has nothing to train, checkpoint or save.
final class ZeroShotTrainer: MethodTrainer {
    let context: MethodContext
    init(context: MethodContext) { self.context = context }

    var epochsDone: Int { 0 }

    func trainEpoch(shouldStop: () -> Bool) throws -> EpochRecord? {
        throw EngineError.invalidArgument("zero-shot CLIP trains no epochs; its runs have 0 epochs")
    }

    func accuracy(on set: EvaluationSet) throws -> Double? {
        try context.teacher(set.classNames, [set.template]).accuracy(imageFeatures: set.features, labels: set.labels)
    }

    func checkpoint() throws -> Data { Data() }
    func restore(_ checkpoint: Data) throws {}
    func saveLearned(to url: URL, info: [String: String]) throws {}
}
