// The methods the workbench knows: the built-in list (one line per method) plus any registered at run time.
import Foundation

/// Every method declaration, in the order menus and tables list them.
public enum MethodRegistry {
    /// The methods the workbench ships.
    static let builtIn: [MethodDeclaration] = [
        .zeroShot,
        .coop,
        .prograd,
    ]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered: [MethodDeclaration] = []

    /// Adds a method (e.g. one defined outside Engine); a later declaration of the same kind replaces the earlier.
    public static func register(_ declaration: MethodDeclaration) {
        lock.lock(); defer { lock.unlock() }
        registered.removeAll { $0.kind == declaration.kind }
        registered.append(declaration)
    }

    /// Removes a method added with `register` (built-in methods stay).
    public static func unregister(_ kind: MethodKind) {
        lock.lock(); defer { lock.unlock() }
        registered.removeAll { $0.kind == kind }
    }

    /// Built-in methods, then registered ones.
    public static var all: [MethodDeclaration] {
        lock.lock(); defer { lock.unlock() }
        return builtIn + registered.filter { r in !builtIn.contains { $0.kind == r.kind } }
    }

    /// The declaration of `kind`.
    public static func declaration(_ kind: MethodKind) -> MethodDeclaration? { all.first { $0.kind == kind } }

    /// The declaration whose name is `name` (as experiments.json and `--method` write it).
    public static func declaration(named name: String) -> MethodDeclaration? { all.first { $0.kind.name == name } }

    /// The method names, quoted and comma-separated, for messages.
    public static var namesList: String { all.map { "\"\($0.kind.name)\"" }.joined(separator: ", ") }
}
