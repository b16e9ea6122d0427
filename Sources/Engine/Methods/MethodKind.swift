// A method's identity: a registered name such as `.coop`, typed so that code never compares free strings.
import Foundation

/// The identity of a method ("zeroshot", "coop", "prograd", …); each method file declares its own constant.
public struct MethodKind: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The name experiments.json and `--method` use.
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }
    public static func < (a: MethodKind, b: MethodKind) -> Bool { a.name < b.name }

    public init(from decoder: Decoder) throws { name = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    /// The method's declaration in the registry (nil for a name nothing registered).
    public var declaration: MethodDeclaration? { MethodRegistry.declaration(self) }
}
