// The model enums the command line takes as typed arguments (their values and defaults come from the model types).
import ArgumentParser
import Engine
import Experiments

extension ExportFormat: ExpressibleByArgument {}
extension Subsample: ExpressibleByArgument {}

extension MethodKind: ExpressibleByArgument {
    /// A registered method's name.
    public init?(argument: String) {
        guard let d = MethodRegistry.declaration(named: argument) else { return nil }
        self = d.kind
    }
    public var defaultValueDescription: String { name }
    public static var allValueStrings: [String] { MethodRegistry.all.map(\.kind.name) }
}
