// CoOp and ProGrad against the reference numbers of Tests/Fixtures/prompt (PyTorch, float64, model C with CLIP's real
// vocabulary): prompt assembly, word initialization, one ProGrad step, 10-step trajectories; 1e-4 relative.
import XCTest
@testable import Engine

final class PromptReferenceTests: XCTestCase {}

/// Model C, its tokenizer and the reference tensors, loaded once.
private final class ModelC {
    static let shared = try! ModelC()
    let model: CLIPModel
    let tokenizer: CLIPTokenizer
    let ref: SafetensorsFile
    let json: [String: Any]
    let classNames = ["abyssinian", "american_pit_bull_terrier", "egyptian_mau", "english_cocker_spaniel", "samoyed"]

    init() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/prompt")
        let modelDir = dir.appendingPathComponent("modelC")
        let config = try CLIPConfig.load(from: modelDir.appendingPathComponent("config.json"))
        let weights = try SafetensorsFile(url: modelDir.appendingPathComponent("model.safetensors"))
        var tensors: [String: TensorData] = [:]
        for name in weights.names { tensors[name] = try weights.tensor(name) }
        model = try CLIPModel(config: config, tensors: tensors, source: "modelC/model.safetensors")
        tokenizer = try CLIPTokenizer(directory: modelDir)
        ref = try SafetensorsFile(url: dir.appendingPathComponent("reference.safetensors"))
        json = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("reference.json"))) as! [String: Any]
    }

    func t(_ name: String) -> [Float] { try! ref.tensor(name).values }
    func ints(_ name: String) -> [Int] { t(name).map { Int($0) } }
    func tokenRows(_ name: String) -> [[Int]] {
        let v = ints(name)
        return (0..<(v.count / 77)).map { r in
            let row = Array(v[(r * 77)..<((r + 1) * 77)])
            return Array(row[0...TextEncoder.eotIndex(row)])
        }
    }
    func caseScalar(_ c: String, _ key: String) -> Double { ((json["cases"] as! [String: Any])[c] as! [String: Any])[key] as! Double }

    func teacher() throws -> ZeroShotClassifier {
        try ZeroShotClassifier(classNames: classNames, templates: ["a photo of a {}."], tokenizer: tokenizer,
                               tower: model.text, logitScale: model.logitScale)
    }

    func trainer(_ method: MethodKind, settings: PromptSettings, context: [Float], lambda: Double = 1) throws -> PromptTrainer {
        let learner = try PromptLearner(classNames: classNames, settings: settings, tokenizer: tokenizer, tower: model.text,
                                        context: context)
        return try PromptTrainer(learner: learner, tower: model.text, tokenizer: tokenizer,
                                 logitScale: model.logitScale, trainFeatures: t("image_features"), labels: ints("labels"),
                                 alignment: method == .prograd ? GradientAlignment(teacher: try teacher(), lambda: lambda) : nil,
                                 training: TrainingSettings(epochs: 1, batchSize: 8, lr: 0.002, warmupEpochs: 0))
    }
}

private func assertClose(_ a: [Float], _ b: [Float], _ tol: Float = 1e-4, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, label, file: file, line: line)
    let e = maxRelativeError(a, b)
    XCTAssertLessThan(e, tol, "\(label): max relative error \(e); ours \(a.prefix(4)) reference \(b.prefix(4))", file: file, line: line)
}

// MARK: - Zero-shot teacher and word initialization
extension PromptReferenceTests {
    func testTeacherFeaturesAndLogitsMatch() throws {
        let m = ModelC.shared
        let zs = try m.teacher()
        assertClose(zs.classFeatures, m.t("teacher.text_features"), 1e-4, "teacher.text_features")
        let f = CosineLogitHead.normalizeRows(m.t("image_features"), rows: 20, cols: 24)
        assertClose(zs.logits(normalizedImages: f, batch: 20), m.t("teacher.logits"), 1e-4, "teacher.logits")
    }

    func testWordInitEqualsTemplateAndProGradStopsOnVanishingGeneralGradient() throws {
        let m = ModelC.shared
        let s = PromptSettings(contextLength: 4, initialization: .words("a photo of a"))
        let l = try PromptLearner(classNames: m.classNames, settings: s, tokenizer: m.tokenizer, tower: m.model.text)
        assertClose(l.context, m.t("word_init.ctx"), 1e-6, "word_init.ctx")
        XCTAssertEqual(l.tokenIds, m.tokenRows("word_init.token_ids"))
        let trainer = try m.trainer(.coop, settings: s, context: l.context)
        let g = try trainer.gradients(batch: Array(0..<20))
        assertClose(g.logits, m.t("word_init.logits"), 1e-4, "word_init.logits")
        assertClose(g.domain, m.t("word_init.g_d"), 1e-4, "word_init.g_d")
        let prograd = try m.trainer(.prograd, settings: s, context: l.context)
        XCTAssertThrowsError(try prograd.step(batch: Array(0..<8), lr: 0.002)) { e in
            XCTAssertTrue("\(e)".contains("equal the zero-shot teacher"), "\(e)")
        }
    }
}

// MARK: - One ProGrad step
extension PromptReferenceTests {
    private func checkStep(_ c: String, conflict: Bool) throws {
        let m = ModelC.shared
        let s = PromptSettings(contextLength: 4)
        let batch = m.ints("\(c).batch")
        for (lambda, key) in [(1.0, "1_0"), (0.5, "0_5"), (0.0, "0_0")] {
            let trainer = try m.trainer(.prograd, settings: s, context: m.t("\(c).ctx"), lambda: lambda)
            XCTAssertEqual(trainer.learner.tokenIds, m.tokenRows("csc.token_ids"))   // "X X X X {name}."
            let g = try trainer.gradients(batch: batch)
            assertClose(g.logits, m.t("\(c).logits"), 1e-4, "\(c).logits")
            assertClose(g.domain, m.t("\(c).g_d"), 1e-4, "\(c).g_d")
            assertClose(g.general!, m.t("\(c).g_g"), 1e-4, "\(c).g_g")
            XCTAssertEqual(g.lossCE, m.caseScalar(c, "L_ce"), accuracy: 1e-4 * m.caseScalar(c, "L_ce"))
            XCTAssertEqual(g.lossKL!, m.caseScalar(c, "L_kl"), accuracy: 1e-4 * m.caseScalar(c, "L_kl"))
            let p = try ProGradProjection.project(domain: g.domain, general: g.general!, lambda: lambda)
            XCTAssertEqual(p.conflict, conflict)
            XCTAssertEqual(p.cosine, m.caseScalar(c, "cos"), accuracy: 1e-4)
            assertClose(p.gradient, m.t("\(c).g_lambda\(key)"), 1e-4, "\(c).g_lambda\(key)")
            let r = try trainer.step(batch: batch, lr: 0.002)
            XCTAssertEqual(r.conflict, conflict)
            assertClose(trainer.learner.context, m.t("\(c).ctx_after_lambda\(key)"), 1e-4, "\(c).ctx_after_lambda\(key)")
        }
        let t2 = try m.trainer(.prograd, settings: s, context: m.t("\(c).ctx"))
        let t2g = try PromptTrainer(learner: t2.learner, tower: m.model.text, tokenizer: m.tokenizer,
                                    logitScale: m.model.logitScale, trainFeatures: m.t("image_features"), labels: m.ints("labels"),
                                    alignment: GradientAlignment(teacher: try m.teacher(), temperature: 2),
                                    training: TrainingSettings(epochs: 1))
        let g2 = try t2g.gradients(batch: batch)
        assertClose(g2.general!, m.t("\(c).g_g_T2"), 1e-4, "\(c).g_g_T2")
        XCTAssertEqual(g2.lossKL!, m.caseScalar(c, "L_kl_T2"), accuracy: 1e-4 * m.caseScalar(c, "L_kl_T2"))
    }

    func testConflictingProGradStepMatchesReference() throws { try checkStep("step_conflict", conflict: true) }
    func testAlignedProGradStepMatchesReference() throws { try checkStep("step_aligned", conflict: false) }
}

// MARK: - Ten-step trajectories
extension PromptReferenceTests {
    func testTenStepCoOpAndProGradTrajectoriesMatchReference() throws {
        let m = ModelC.shared
        let batches = m.ints("trajectory.batches")
        let traj = (m.json["cases"] as! [String: Any])["trajectory"] as! [String: Any]
        for method in [MethodKind.coop, .prograd] {
            let trainer = try m.trainer(method, settings: PromptSettings(contextLength: 4), context: m.t("trajectory.ctx_start"))
            var ce: [Float] = [], kl: [Float] = [], cos: [Float] = [], conflicts: [Bool] = []
            for s in 0..<10 {
                let r = try trainer.step(batch: Array(batches[(s * 8)..<((s + 1) * 8)]), lr: 0.002)
                ce.append(Float(r.lossCE))
                if method == .prograd { kl.append(Float(r.lossKL!)); cos.append(Float(r.cosine!)); conflicts.append(r.conflict!) }
            }
            let name = method.name
            assertClose(ce, m.t("trajectory.\(name).L_ce"), 1e-4, "trajectory.\(name).L_ce")
            assertClose(trainer.learner.context, m.t("trajectory.\(name).ctx_end"), 1e-4, "trajectory.\(name).ctx_end")
            if method == .prograd {
                assertClose(kl, m.t("trajectory.prograd.L_kl"), 1e-4, "trajectory.prograd.L_kl")
                assertClose(cos, m.t("trajectory.prograd.cos"), 1e-4, "trajectory.prograd.cos")
                XCTAssertEqual(conflicts, (traj["prograd"] as! [String: Any])["conflicts"] as! [Bool])
            }
        }
    }
}

// MARK: - Layouts: class-specific, middle, front, comma template
extension PromptReferenceTests {
    private func checkLayout(_ c: String, _ settings: PromptSettings) throws {
        let m = ModelC.shared
        let init0 = try PromptLearner(classNames: m.classNames, settings: settings, tokenizer: m.tokenizer, tower: m.model.text)
        let trainer = try m.trainer(.coop, settings: settings, context: m.t("\(c).ctx"))
        XCTAssertEqual(trainer.learner.tokenIds, m.tokenRows("\(c).token_ids"), c)
        let pass = trainer.learner.forward(tower: m.model.text, saveForBackward: false)
        assertClose(pass.features, m.t("\(c).text_features"), 1e-4, "\(c).text_features")
        let g = try trainer.gradients(batch: Array(0..<20))
        assertClose(g.logits, m.t("\(c).logits"), 1e-4, "\(c).logits")
        assertClose(g.domain, m.t("\(c).g_ce"), 1e-4, "\(c).g_ce")
        XCTAssertEqual(g.lossCE, m.caseScalar(c, "ce"), accuracy: 1e-4 * m.caseScalar(c, "ce"))
        if case .words = settings.initialization { assertClose(init0.context, m.t("\(c).ctx"), 1e-6, "\(c) word init") }
    }

    func testClassSpecificContextMatchesReference() throws {
        try checkLayout("csc", PromptSettings(contextLength: 4, classSpecific: true))
    }

    func testMiddlePositionMatchesReference() throws {
        try checkLayout("middle", PromptSettings(contextLength: 5, position: .middle))
    }

    func testFrontPositionMatchesReference() throws {
        try checkLayout("front", PromptSettings(contextLength: 4, position: .front))
    }

    func testCommaTemplateWordInitMatchesReference() throws {
        try checkLayout("comma", PromptSettings(contextLength: 10, initialization: .words("a type of pet, a photo of a")))
    }
}

// MARK: - Shared prefix on the real tower
extension PromptReferenceTests {
    func testSharedPrefixAndPlainPathsGiveTheSameLogitsAndGradients() throws {
        let m = ModelC.shared
        let trainer = try m.trainer(.prograd, settings: PromptSettings(contextLength: 4), context: m.t("step_conflict.ctx"))
        let batch = m.ints("step_conflict.batch")
        XCTAssertTrue(trainer.learner.useSharedPrefix)
        let shared = try trainer.gradients(batch: batch)
        trainer.learner.useSharedPrefix = false
        let plain = try trainer.gradients(batch: batch)
        assertClose(shared.logits, plain.logits, 1e-5, "logits")
        assertClose(shared.domain, plain.domain, 1e-5, "g_d")
        assertClose(shared.general!, plain.general!, 1e-5, "g_g")
    }
}
