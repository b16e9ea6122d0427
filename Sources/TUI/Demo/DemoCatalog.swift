// The demo's experiments (for `prograd tui --demo`): synthetic base-to-new grids; saving writes the choices as JSON.
import Foundation

/// The experiments of the demo grid. `save` writes the edited choices to `savePath` as JSON.
public struct DemoCatalog: ExperimentCatalog {
    public let savePath: String
    public var source: String { "demo" }

    public init(savePath: String = "prograd-demo-choices.json") { self.savePath = savePath }

    public func loadAll() throws -> [SetupChoices] {
        let methods = [Toggle("zeroshot"), Toggle("coop"), Toggle("prograd")]
        let seconds = ["zeroshot": 0.15, "coop": 0.15, "prograd": 0.15]
        return [
            SetupChoices(name: "demo-quick", datasets: [Toggle("shapes"), Toggle("textures", on: false)],
                         shots: [Toggle(1, on: false), Toggle(4), Toggle(16, on: false)], methods: methods,
                         seeds: [Toggle(1), Toggle(2), Toggle(3, on: false)],
                         settings: MethodSettings(nCtx: 4, epochs: 12), secondsPerEpoch: seconds),
            SetupChoices(name: "demo-base-to-new", datasets: [Toggle("shapes"), Toggle("textures"), Toggle("scenes")],
                         shots: [Toggle(1, on: false), Toggle(4), Toggle(16, on: false)], methods: methods,
                         seeds: [Toggle(1), Toggle(2), Toggle(3)],
                         settings: MethodSettings(nCtx: 4, epochs: 30), secondsPerEpoch: seconds),
        ]
    }

    public func save(_ choices: SetupChoices) throws -> String {
        func on<T>(_ list: [Toggle<T>]) -> [T] { list.filter(\.on).map(\.value) }
        let s = choices.settings
        let object: [String: Any] = [
            "name": choices.name, "datasets": on(choices.datasets), "shots": on(choices.shots),
            "methods": on(choices.methods), "seeds": on(choices.seeds),
            "settings": ["n_ctx": s.nCtx, "ctx_init": s.ctxInit, "lambda": s.lambda, "T": s.temperature,
                         "epochs": s.epochs.map { $0 as Any } ?? "auto", "augment_views": s.augmentViews] as [String: Any],
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        try data.write(to: URL(fileURLWithPath: savePath))
        return savePath
    }
}
