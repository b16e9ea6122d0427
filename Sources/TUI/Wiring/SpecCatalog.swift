// experiments.json as setup choices: each experiment becomes toggles and settings; edited choices become a spec again.
import Engine
import Foundation
import Experiments

/// The experiments file behind the setup screen.
public final class SpecCatalog: ExperimentCatalog {
    /// The experiments file.
    public let url: URL
    /// The experiments as loaded, with the choices the setup screen derived from each.
    private var loaded: [String: (spec: ExperimentSpec, choices: SetupChoices)] = [:]

    public init(url: URL) { self.url = url.standardizedFileURL }

    public var source: String { url.lastPathComponent }

    /// The folder relative paths of the file are taken from.
    public var baseFolder: URL { url.deletingLastPathComponent() }

    public func loadAll() throws -> [SetupChoices] {
        let file = try SpecDecoder.load(url)
        return file.experiments.map { spec in
            var c = SpecCatalog.choices(from: spec)
            c.secondsPerEpoch = measuredSecondsPerEpoch(spec)
            loaded[spec.name] = (spec, c)
            return c
        }
    }

    /// The setup choices of a spec: its datasets, shots, seeds and methods switched on; the usual shot counts
    /// (1, 2, 4, 8, 16), seeds (1, 2, 3) and every registered method offered switched off when the spec lacks them.
    public static func choices(from spec: ExperimentSpec) -> SetupChoices {
        let shots = Set(spec.shots).union([1, 2, 4, 8, 16]).sorted().map { Toggle($0, on: spec.shots.contains($0)) }
        let seeds = Set(spec.seeds).union([1, 2, 3]).sorted().map { Toggle($0, on: spec.seeds.contains($0)) }
        var methods = spec.methods.map { MethodChoice($0.kind, label: $0.displayName, settings: $0.settings) }
        for d in MethodRegistry.all where !spec.methods.contains(where: { $0.displayName == d.kind.name }) {
            methods.append(MethodChoice(d.kind, on: false))
        }
        return SetupChoices(name: spec.name, protocol: spec.protocol, datasets: spec.datasets.map { Toggle($0.name) },
                            shots: shots, methods: methods, seeds: seeds, training: spec.training)
    }

    /// The spec the choices describe: the loaded experiment narrowed to what is switched on, with every setting the
    /// user changed written into the method (or, for training settings, the experiment) it belongs to.
    public func spec(for choices: SetupChoices) throws -> ExperimentSpec {
        guard let (original, loadedChoices) = loaded[choices.name] else {
            throw TUIError("\(source): no experiment named \"\(choices.name)\" (was the file changed on disk?)")
        }
        var spec = original
        func on<T>(_ list: [Toggle<T>]) -> [T] { list.filter(\.on).map(\.value) }
        let datasets = Set(on(choices.datasets))
        spec.datasets = original.datasets.filter { datasets.contains($0.name) }
        spec.shots = on(choices.shots)
        spec.seeds = on(choices.seeds)
        spec.methods = choices.methods.filter(\.on).map { choice in
            var m = original.methods.first { $0.displayName == choice.label }
                ?? MethodSpec(choice.kind, label: choice.label == choice.kind.name ? nil : choice.label)
            let before = loadedChoices.method(choice.label)?.settings ?? MethodChoice(choice.kind).settings
            for (key, value) in choice.settings where before[key] != value { m[key] = value }
            return m
        }
        for d in SetupChoices.trainingFields where choices.training[d.key] != loadedChoices.training[d.key] {
            spec.training[d.key] = choices.training[d.key]
        }
        return spec
    }

    /// Writes the choices back into the file as the experiment of the same name (other experiments untouched).
    public func save(_ choices: SetupChoices) throws -> String {
        var file = try SpecDecoder.load(url)
        let spec = try self.spec(for: choices)
        guard let i = file.experiments.firstIndex(where: { $0.name == choices.name }) else {
            throw TUIError("\(source): no experiment named \"\(choices.name)\" any more; not saved")
        }
        file.experiments[i] = spec
        try file.encoded().write(to: url, options: .atomic)
        loaded[spec.name] = (spec, SpecCatalog.choices(from: spec))
        return url.path
    }

    /// The results folder of an experiment (absolute).
    public func outputFolder(of name: String) -> URL? {
        guard let spec = loaded[name]?.spec else { return nil }
        let path = (spec.output as NSString).expandingTildeInPath
        return path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseFolder.appendingPathComponent(path).standardizedFileURL
    }

    /// Mean epoch seconds per method from earlier runs in the experiment's results store (empty when none).
    func measuredSecondsPerEpoch(_ spec: ExperimentSpec) -> [String: Double] {
        let path = (spec.output as NSString).expandingTildeInPath
        let folder = path.hasPrefix("/") ? URL(fileURLWithPath: path) : baseFolder.appendingPathComponent(path)
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent(ResultsStore.fileName).path),
              let store = try? ResultsStore(folder: folder, readOnly: true),
              let records = try? store.records() else { return [:] }
        var sums: [String: (Double, Int)] = [:]
        for r in records {
            if r.epochs.isEmpty, let f = r.final, f.seconds > 0 {
                sums[r.id.label, default: (0, 0)].0 += f.seconds
                sums[r.id.label, default: (0, 0)].1 += 1
            }
            for e in r.epochs where e.seconds > 0 {
                sums[r.id.label, default: (0, 0)].0 += e.seconds
                sums[r.id.label, default: (0, 0)].1 += 1
            }
        }
        return sums.mapValues { $0.0 / Double($0.1) }
    }
}
