// The identity of one run within a grid, as events, the store and the workbench name it.
import Engine
import Foundation

/// One run: (dataset, shots, method, seed), the protocol, and the hash of its resolved settings.
public struct RunID: Hashable, Codable, Sendable, CustomStringConvertible {
    public var dataset: String
    public var shots: Int
    /// The method's kind (what trains) and its label (the name the experiment gives this column).
    public var kind: MethodKind
    public var label: String
    public var seed: Int
    public var `protocol`: ExperimentProtocol
    public var specHash: String

    public init(dataset: String, shots: Int, kind: MethodKind, label: String? = nil, seed: Int,
                protocol: ExperimentProtocol = .baseToNew, specHash: String) {
        self.dataset = dataset; self.shots = shots; self.kind = kind; self.label = label ?? kind.name; self.seed = seed
        self.protocol = `protocol`; self.specHash = specHash
    }

    public var description: String { "\(dataset)/\(shots)-shot/\(label)/seed\(seed)" }

    /// The name tables and panels show: the label, or the method's display name when the label is its kind's name.
    public var methodName: String { label == kind.name ? (kind.declaration?.displayName ?? label) : label }
}
