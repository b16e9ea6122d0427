// The settings that prompt methods share, declared once: the zero-shot template, and CoOp's learned context (n_ctx,
// initialization, class-specific context, class-token position); ProGrad's alignment strength and temperature.
import Foundation

/// Shared setting declarations; a method lists the ones it has (with its own defaults where they differ).
public enum PromptMethodSettings {
    /// The hand-crafted template: zero-shot CLIP's prompt, ProGrad's teacher; absent = the dataset's.
    public static let template = SettingDeclaration(
        key: "template", help: "Zero-shot / teacher template with {} for the class name.", type: .text(placeholder: "{}"),
        default: nil, absentMeaning: "the dataset's template (ProGrad's table)", absentLabel: "dataset's")

    /// n_ctx: the number of learned context vectors.
    public static func nCtx(default n: Int) -> SettingDeclaration {
        SettingDeclaration(key: "nCtx", label: "n_ctx", help: "Learned context vectors (n_ctx).", type: .int(1...77),
                           default: .int(n))
    }

    /// The context initialization: words (their token embeddings fill the last slots) or "random" (N(0, 0.02)).
    public static func ctxInit(default words: String) -> SettingDeclaration {
        SettingDeclaration(key: "ctxInit", label: "init",
                           help: "Context initialization: words such as \"a photo of a\", or random (N(0, 0.02), seeded by the run's seed).",
                           type: .text(placeholder: nil), default: .text(words), alternatives: [words, "random"])
    }

    public static let csc = SettingDeclaration(
        key: "csc", help: "Class-specific context (one context per class; cannot evaluate new classes).", type: .bool,
        default: .bool(false))

    public static let classTokenPosition = SettingDeclaration(
        key: "classTokenPosition", label: "position", help: "Where the class name sits among the context vectors.",
        type: .choice(ClassTokenPosition.allCases.map(\.rawValue)), default: .text(ClassTokenPosition.end.rawValue))

    /// The learned-context settings of CoOp and its relatives.
    public static func context(nCtx n: Int = 16, ctxInit words: String = "a photo of a") -> [SettingDeclaration] {
        [template, nCtx(default: n), ctxInit(default: words), csc, classTokenPosition]
    }

    /// ProGrad's λ: 1 removes the conflicting component, 0 leaves the gradient as CoOp's.
    public static let lambda = SettingDeclaration(
        key: "lambda", label: "λ", help: "ProGrad's λ: strength of the projection (0 = CoOp).", type: .double(0...10),
        default: .double(1), step: 0.1)

    /// The distillation temperature of the general-direction loss.
    public static let temperature = SettingDeclaration(
        key: "temperature", label: "T", help: "ProGrad's KL temperature T.", type: .double(0...100, lowerOpen: true),
        default: .double(1), step: 0.5)
}

extension PromptSettings {
    /// The prompt of resolved context settings ("random" init = N(0, 0.02) seeded by `seed`).
    public init(values v: SettingValues, seed: Int) {
        let words = v["ctxInit"]?.textValue ?? "a photo of a"
        self.init(contextLength: v["nCtx"]?.intValue ?? 16, classSpecific: v["csc"]?.boolValue ?? false,
                  position: v["classTokenPosition"]?.textValue.flatMap(ClassTokenPosition.init) ?? .end,
                  initialization: words.lowercased() == "random" ? .random(seed: UInt64(truncatingIfNeeded: seed)) : .words(words))
    }
}
