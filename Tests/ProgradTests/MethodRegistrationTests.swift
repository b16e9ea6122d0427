// A method declared outside Engine registers itself and appears, without touching their code, in the spec decoder,
// the run identity, the `prograd run` flags and help, and the workbench's setup screen.
import XCTest
@testable import prograd
@testable import TUI
import Engine
import Experiments

/// A test method: zero-shot CLIP with a made-up "sharpness" setting; it reports a fixed accuracy.
final class SharpTrainer: MethodTrainer {
    let sharpness: Double
    init(sharpness: Double) { self.sharpness = sharpness }
    var epochsDone: Int { 0 }
    func trainEpoch(shouldStop: () -> Bool) throws -> EpochRecord? { nil }
    func accuracy(on set: EvaluationSet) throws -> Double? { min(1, sharpness / 10) }
    func checkpoint() throws -> Data { Data() }
    func restore(_ checkpoint: Data) throws {}
    func saveLearned(to url: URL, info: [String: String]) throws {}
}

extension MethodKind { static let sharp = MethodKind("sharp") }

let sharpDeclaration = MethodDeclaration(
    kind: .sharp, displayName: "Sharp CLIP", summary: "A test method with one setting.",
    settings: [PromptMethodSettings.template,
               SettingDeclaration(key: "sharpness", label: "sharp", help: "How sharp.", type: .double(0...10),
                                  default: .double(3))],
    trainingDefaults: ["batchSize": .int(4)], trains: false,
    validate: { v in v["sharpness"]?.doubleValue == 7 ? "sharpness 7 is unlucky; pick another" : nil },
    makeTrainer: { _, v in SharpTrainer(sharpness: v["sharpness"]?.doubleValue ?? 0) })

final class MethodRegistrationTests: XCTestCase {
    override func setUp() { MethodRegistry.register(sharpDeclaration) }
    override func tearDown() { MethodRegistry.unregister(.sharp) }

    let spec = """
        {"experiments": [{"name": "e", "model": "m", "datasets": [{"name": "D", "root": "d"}],
          "methods": [{"method": "coop"}, {"method": "sharp", "sharpness": 5}]}]}
        """

    func testTheSpecDecoderReadsItsSettingsAndFillsItsDefaults() throws {
        let e = try SpecDecoder.decode(spec).experiments[0]
        XCTAssertEqual(e.methods[1].kind, .sharp)
        let runs = e.expand(relativeTo: URL(fileURLWithPath: "/p"))
        let sharp = runs.first { $0.identity.method.kind == .sharp }!
        XCTAssertEqual(sharp.identity.method.settings, ["sharpness": .double(5)])
        XCTAssertEqual(sharp.identity.training.epochs, 0, "a method that does not train runs 0 epochs")
        XCTAssertEqual(sharp.identity.training.batchSize, 4, "the method's own training default")
        XCTAssertEqual(sharp.id.methodName, "Sharp CLIP")
        XCTAssertThrowsError(try SpecDecoder.decode(spec.replacingOccurrences(of: "\"sharpness\": 5", with: "\"sharpness\": 11"))) {
            XCTAssertTrue("\($0)".contains("experiments[0].methods[1].sharpness: 11 is out of range: use a number from 0 to 10"), "\($0)")
        }
        XCTAssertThrowsError(try SpecDecoder.decode(spec.replacingOccurrences(of: "\"sharpness\": 5", with: "\"sharpness\": 7"))) {
            XCTAssertTrue("\($0)".contains("sharpness 7 is unlucky"), "\($0)")
        }
        XCTAssertThrowsError(try SpecDecoder.decode(spec.replacingOccurrences(of: "\"sharpness\": 5", with: "\"lambda\": 1"))) {
            XCTAssertTrue("\($0)".contains("unknown key \"lambda\""), "\($0)")
        }
    }

    func testTheRunFlagsAndTheHelpComeFromItsDeclaration() throws {
        XCTAssertTrue(RunCommand.helpMessage().contains("--method sharp: Sharp CLIP. A test method with one setting."))
        XCTAssertTrue(RunCommand.helpMessage().contains("--sharpness <sharpness>"))
        let values = try SingleRunOptions.parseSettings(["--sharpness", "2.5", "--lr", "0.01"],
                                                        declarations: TrainingSettings.declarations + sharpDeclaration.settings,
                                                        method: .sharp)
        XCTAssertEqual(values, ["sharpness": .double(2.5), "lr": .double(0.01)])
        XCTAssertThrowsError(try SingleRunOptions.parseSettings(["--sharpness", "20"], declarations: sharpDeclaration.settings,
                                                                method: .sharp)) {
            XCTAssertTrue("\($0)".contains("--sharpness: sharp: 20 is out of range"), "\($0)")
        }
        XCTAssertThrowsError(try SingleRunOptions.parseSettings(["--n-ctx", "4"], declarations: sharpDeclaration.settings,
                                                                method: .sharp)) {
            XCTAssertTrue("\($0)".contains("unknown option --n-ctx for --method sharp"), "\($0)")
        }
    }

    func testTheSetupScreenOffersItWithItsFields() throws {
        var spec = try SpecDecoder.decode(spec).experiments[0]
        spec.methods.removeLast()
        let choices = SpecCatalog.choices(from: spec)
        let sharp = try XCTUnwrap(choices.method("sharp"))
        XCTAssertFalse(sharp.on, "registered methods the file lacks are offered switched off")
        XCTAssertEqual(sharp.fields.map(\.key), ["template", "sharpness"])
        var s = AppState(width: 80, height: 30, experiments: [choices], source: "x")
        let i = choices.methods.firstIndex { $0.kind == .sharp }!
        moveTo(&s, .methodSetting(method: i, key: "sharpness"))
        let screen = rendered(s).plainText
        XCTAssertTrue(screen.contains("Sharp CLIP"), screen)
        XCTAssertTrue(screen.contains("sharp      3"), screen)
    }

    func moveTo(_ s: inout AppState, _ row: SetupRow) {
        for _ in 0..<100 where s.setup.rows[s.setup.cursor] != row { _ = update(&s, .key(.down)) }
        XCTAssertEqual(s.setup.rows[s.setup.cursor], row)
    }

    func rendered(_ s: AppState) -> ScreenBuffer {
        var b = ScreenBuffer(width: 0, height: 0)
        render(s, into: &b, theme: Theme())
        return b
    }
}

/// The run identity of the committed default grid is the one earlier versions stored, so existing results stay valid.
final class RunIdentityStabilityTests: XCTestCase {
    func testSpecHashesOfTheDefaultMethodsAreUnchanged() throws {
        let text = """
            {"experiments": [{"name": "x", "model": "Models/embedded-clip",
              "datasets": [{"name": "WorldShapes", "root": "data/world/WorldShapes", "layout": "world"}],
              "protocol": "base-to-new", "shots": [1], "seeds": [1],
              "methods": [{"method": "zeroshot", "template": "a photo of a {}."},
                          {"method": "coop", "nCtx": 16, "ctxInit": "a photo of a", "template": "a photo of a {}."},
                          {"method": "prograd", "nCtx": 16, "ctxInit": "a photo of a", "lambda": 1.0, "temperature": 1.0,
                           "template": "a photo of a {}."}],
              "augmentViews": 0}]}
            """
        let runs = try SpecDecoder.decode(text).experiments[0].expand(relativeTo: URL(fileURLWithPath: "/p"))
        XCTAssertEqual(runs.map(\.specHash), ["66aa628da2128f6b", "be3018c5eef9a309", "8b633f7d1ccd35f4"])
    }
}
