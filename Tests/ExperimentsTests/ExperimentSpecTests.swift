import XCTest
@testable import Experiments
import Engine

final class ExperimentSpecTests: XCTestCase {}

let minimalSpec = """
{
  "experiments": [
    {
      "name": "b2n",
      "model": "models/tiny",
      "datasets": [{"name": "OxfordPets", "root": "data/oxford_pets"}],
      "shots": [1, 16],
      "seeds": [1],
      "methods": [{"method": "zeroshot"}, {"method": "coop"}, {"method": "prograd", "lambda": 0.8}]
    }
  ]
}
"""

// MARK: - Defaults and round trip
extension ExperimentSpecTests {
    func testDefaultsAreFilled() throws {
        let file = try SpecDecoder.decode(minimalSpec)
        let e = file.experiments[0]
        XCTAssertEqual(e.protocol, .baseToNew)
        XCTAssertEqual(e.training, [:]); XCTAssertEqual(e.output, "results")
        let runs = e.expand(relativeTo: URL(fileURLWithPath: "/work/exp"))
        XCTAssertEqual(runs.count, 6)
        XCTAssertEqual(runs.map { $0.identity.training.epochs }, [0, 50, 50, 0, 200, 200])
        XCTAssertEqual(runs[1].identity.training, TrainingSettings(epochs: 50, batchSize: 32, lr: 0.002, momentum: 0.9,
                                                                   weightDecay: 5e-4, warmupEpochs: 1, warmupLR: 1e-5,
                                                                   augmentViews: 0))
        let prograd = runs[2].identity.method
        XCTAssertEqual(prograd.settings, ["template": nil, "nCtx": .int(16), "ctxInit": .text("a photo of a"),
                                          "csc": .bool(false), "classTokenPosition": .text("end"), "lambda": .double(0.8),
                                          "temperature": .double(1)].compactMapValues { $0 })
        XCTAssertNil(runs[1].identity.method["lambda"])
        XCTAssertEqual(runs[0].identity.model, "/work/exp/models/tiny")
        XCTAssertEqual(runs[0].identity.dataset.root, "/work/exp/data/oxford_pets")
        XCTAssertEqual(runs[0].identity.subsample, .base)
        XCTAssertEqual(runs[0].output, "/work/exp/results")
        XCTAssertEqual(TrainingSettings.defaultEpochs(shots: 4, dataset: "DTD"), 100)
        XCTAssertEqual(TrainingSettings.defaultEpochs(shots: 16, dataset: "ImageNet"), 50)
    }

    func testSpecsSurviveEncodeDecodeRoundTrip() throws {
        let file = try SpecDecoder.decode(minimalSpec)
        let text = String(decoding: try file.encoded(), as: UTF8.self)
        XCTAssertEqual(try SpecDecoder.decode(text), file)
        var full = file
        full.experiments[0].methods[1] = MethodSpec(.coop, label: "coop-rand",
                                                    settings: ["nCtx": .int(4), "ctxInit": .text("random"), "csc": .bool(true),
                                                               "classTokenPosition": .text("middle"), "lr": .double(0.01)])
        full.experiments[0].training["epochs"] = .int(7)
        full.experiments[0].datasets[0] = DatasetSource(name: "X", root: "/d", layout: .folders, imageDir: "img",
                                                        splitFile: "s.json", splitSeed: 4)
        XCTAssertEqual(try SpecDecoder.decode(String(decoding: try full.encoded(), as: UTF8.self)), full)
    }

    func testRunIdentityIsTheResolvedSpec() throws {
        let a = try SpecDecoder.decode(minimalSpec).experiments[0].expand(relativeTo: URL(fileURLWithPath: "/w"))
        let b = try SpecDecoder.decode(minimalSpec.replacingOccurrences(of: "\"b2n\"", with: "\"other\""))
            .experiments[0].expand(relativeTo: URL(fileURLWithPath: "/w"))
        XCTAssertEqual(a.map(\.specHash), b.map(\.specHash))         // the experiment's name is not part of it
        XCTAssertEqual(Set(a.map(\.specHash)).count, a.count)
        let c = try SpecDecoder.decode(minimalSpec.replacingOccurrences(of: "\"lambda\": 0.8", with: "\"lambda\": 0.9"))
            .experiments[0].expand(relativeTo: URL(fileURLWithPath: "/w"))
        XCTAssertEqual(a[0].specHash, c[0].specHash)
        XCTAssertNotEqual(a[2].specHash, c[2].specHash)
    }

    func testCrossDatasetHasSourceAndTargets() throws {
        let text = minimalSpec.replacingOccurrences(of: #""shots": [1, 16],"#, with: #""protocol": "cross-dataset", "shots": [16],"#)
            .replacingOccurrences(of: #"[{"name": "OxfordPets", "root": "data/oxford_pets"}]"#,
                                  with: #"[{"name": "ImageNet", "root": "in"}, {"name": "DTD", "root": "dtd"}, {"name": "EuroSAT", "root": "e"}]"#)
        let runs = try SpecDecoder.decode(text).experiments[0].expand(relativeTo: URL(fileURLWithPath: "/w"))
        XCTAssertEqual(runs.count, 3)
        XCTAssertEqual(runs[1].identity.dataset.name, "ImageNet")
        XCTAssertEqual(runs[1].identity.targets.map(\.name), ["DTD", "EuroSAT"])
        XCTAssertEqual(runs[1].identity.training.epochs, 50)
        XCTAssertEqual(runs[1].identity.subsample, .all)
    }
}

// MARK: - Errors with path, line and column
extension ExperimentSpecTests {
    func error(_ text: String) -> SpecError? {
        do { _ = try SpecDecoder.decode(text); return nil } catch let e as SpecError { return e } catch { return nil }
    }

    func testUnknownKeyNamesPathLineAndColumn() throws {
        let text = minimalSpec.replacingOccurrences(of: #"{"method": "coop"}"#, with: #"{"method": "coop", "nctx": 4}"#)
        let e = try XCTUnwrap(error(text))
        XCTAssertEqual(e.path, "experiments[0].methods[1].nctx")
        XCTAssertEqual(e.line, 9)
        XCTAssertEqual(e.column, 62)
        XCTAssertTrue(e.message.contains("unknown key \"nctx\""), e.message)
        XCTAssertTrue(e.message.contains("\"nCtx\""), e.message)
        XCTAssertTrue(e.description.hasPrefix("experiments.json:9:62: experiments[0].methods[1].nctx:"), e.description)
    }

    func testWrongTypeNamesTheValue() throws {
        let text = minimalSpec.replacingOccurrences(of: #""lambda": 0.8"#, with: #""lambda": "high""#)
        let e = try XCTUnwrap(error(text))
        XCTAssertEqual(e.path, "experiments[0].methods[2].lambda")
        XCTAssertEqual(e.line, 9)
        XCTAssertEqual(e.column, 95)
        XCTAssertEqual(e.message, "expected a number, found a string")
        let shots = try XCTUnwrap(error(minimalSpec.replacingOccurrences(of: "[1, 16]", with: "[1, 2.5]")))
        XCTAssertEqual(shots.path, "experiments[0].shots[1]")
        XCTAssertEqual(shots.line, 7); XCTAssertEqual(shots.column, 20)
    }

    func testBadEnumMissingKeyAndSyntax() throws {
        let proto = try XCTUnwrap(error(minimalSpec.replacingOccurrences(of: #""seeds": [1],"#, with: #""seeds": [1], "protocol": "zero","#)))
        XCTAssertEqual(proto.path, "experiments[0].protocol")
        XCTAssertTrue(proto.message.contains("\"base-to-new\""), proto.message)
        let missing = try XCTUnwrap(error(minimalSpec.replacingOccurrences(of: #""model": "models/tiny","#, with: "")))
        XCTAssertEqual(missing.path, "experiments[0]")
        XCTAssertEqual(missing.message, "missing required key \"model\"")
        XCTAssertEqual(missing.line, 3); XCTAssertEqual(missing.column, 5)
        let syntax = try XCTUnwrap(error("{\n  \"experiments\": [\n    {\"name\": \"x\",}\n  ]\n}"))
        XCTAssertEqual(syntax.line, 3); XCTAssertEqual(syntax.column, 18)
        XCTAssertTrue(syntax.message.hasPrefix("invalid JSON"), syntax.message)
        // A zero-shot method does not take CoOp settings.
        let zs = try XCTUnwrap(error(minimalSpec.replacingOccurrences(of: #"{"method": "zeroshot"}"#, with: #"{"method": "zeroshot", "nCtx": 4}"#)))
        XCTAssertEqual(zs.path, "experiments[0].methods[0].nCtx")
        // Nor training settings (it trains nothing), while a training method may override the experiment's.
        let zsEpochs = try XCTUnwrap(error(minimalSpec.replacingOccurrences(of: #"{"method": "zeroshot"}"#, with: #"{"method": "zeroshot", "epochs": 5}"#)))
        XCTAssertEqual(zsEpochs.path, "experiments[0].methods[0].epochs")
        XCTAssertNil(error(minimalSpec.replacingOccurrences(of: #"{"method": "coop"}"#, with: #"{"method": "coop", "epochs": 5}"#)))
    }

    func testCommittedRealExampleFileIsValid() throws {
        let url = fixturesFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("experiments.real.json")
        let file = try SpecDecoder.load(url)
        let b2n = try XCTUnwrap(file.experiments.first { $0.protocol == .baseToNew })
        XCTAssertEqual(b2n.datasets.count, 11)
        XCTAssertTrue(file.experiments.contains { $0.protocol == .crossDataset })
        XCTAssertTrue(file.experiments.contains { $0.protocol == .domainGeneralization })
    }
}
