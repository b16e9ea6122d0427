// Errors of the engine: each names the file (and the tensor or field) and says what was expected.
import Foundation

public enum EngineError: Error, CustomStringConvertible, Equatable {
    case io(file: String, message: String)
    case badConfig(file: String, message: String)
    case badCheckpoint(file: String, message: String)
    case badImage(file: String, message: String)
    case badTokenizer(file: String, message: String)
    case invalidArgument(String)
    case numerical(String)

    public var description: String {
        switch self {
        case .io(let f, let m): return "\(f): \(m)"
        case .badConfig(let f, let m): return "\(f): \(m)"
        case .badCheckpoint(let f, let m): return "\(f): \(m)"
        case .badImage(let f, let m): return "\(f): \(m)"
        case .badTokenizer(let f, let m): return "\(f): \(m)"
        case .invalidArgument(let m): return m
        case .numerical(let m): return m
        }
    }
}
