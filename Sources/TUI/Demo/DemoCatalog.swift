// The demo's experiments (for `prograd tui --demo`): synthetic base-to-new grids; saving writes the choices as JSON.
import Engine
import Experiments
import Foundation

/// The experiments of the demo grid. `save` writes the edited choices to `savePath` as JSON.
public struct DemoCatalog: ExperimentCatalog {
    public let savePath: String
    public var source: String { "demo" }

    public init(savePath: String = "prograd-demo-choices.json") { self.savePath = savePath }

    public func loadAll() throws -> [SetupChoices] {
        let methods = [MethodChoice(.zeroshot), MethodChoice(.coop, settings: ["nCtx": .int(4)]),
                       MethodChoice(.prograd, settings: ["nCtx": .int(4)])]
        let seconds = ["zeroshot": 0.15, "coop": 0.15, "prograd": 0.15]
        return [
            SetupChoices(name: "demo-quick", datasets: [Toggle("shapes"), Toggle("textures", on: false)],
                         shots: [Toggle(1, on: false), Toggle(4), Toggle(16, on: false)], methods: methods,
                         seeds: [Toggle(1), Toggle(2), Toggle(3, on: false)],
                         training: ["epochs": .int(12)], secondsPerEpoch: seconds),
            SetupChoices(name: "demo-base-to-new", datasets: [Toggle("shapes"), Toggle("textures"), Toggle("scenes")],
                         shots: [Toggle(1, on: false), Toggle(4), Toggle(16, on: false)], methods: methods,
                         seeds: [Toggle(1), Toggle(2), Toggle(3)],
                         training: ["epochs": .int(30)], secondsPerEpoch: seconds),
        ]
    }

    public func save(_ choices: SetupChoices) throws -> String {
        func on<T>(_ list: [Toggle<T>]) -> [T] { list.filter(\.on).map(\.value) }
        struct Saved: Encodable {
            var name: String, datasets: [String], shots: [Int], seeds: [Int], methods: [MethodSpec], training: SettingValues
        }
        let saved = Saved(name: choices.name, datasets: on(choices.datasets), shots: on(choices.shots),
                          seeds: on(choices.seeds),
                          methods: choices.methods.filter(\.on).map { MethodSpec($0.kind, label: $0.label, settings: $0.settings) },
                          training: choices.training)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(saved)
        try data.write(to: URL(fileURLWithPath: savePath))
        return savePath
    }
}
