// Messages into update, and the effects update asks the loop to perform.
import Foundation
import Experiments

/// Everything that can happen to the TUI.
public enum Msg: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    case engine(RunEvent)
    /// A line the process wrote to stdout or stderr while the TUI owned the terminal.
    case outputLine(String)
    case startFailed(String)
    case exportFinished(Result<String, TUIError>)
    case saveFinished(Result<String, TUIError>)
    /// SIGINT or SIGTERM arrived (the loop polls TerminalGuard.pendingSignal and applies this).
    case terminate
}

/// An error message carried back into the state.
public struct TUIError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Work that update asks the loop to do; its outcome returns as a Msg.
public enum Effect: Equatable, Sendable {
    case startGrid(SetupChoices)
    case cancelRun(RunID)
    case cancelAll
    case export(ExportRequest)
    case save(SetupChoices)
    case quit
}
