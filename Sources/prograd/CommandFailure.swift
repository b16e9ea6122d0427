// A command that could not do its work: printed as "Error: <message>" without the usage text, exit code 1.
import Foundation

/// A runtime failure of a subcommand (bad dataset, bad experiments file, missing results), as opposed to bad arguments.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
