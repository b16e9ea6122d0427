// Gives the terminal back whatever happens: on exit (atexit) and on a crash signal, leave curses mode and put the
// process's stdout and stderr back before dying as before.
import Foundation
import CNcurses

/// Process-wide state the crash handlers need (plain globals: readable from a signal handler).
enum TerminalGuard {
    nonisolated(unsafe) static var cursesActive: Int32 = 0
    nonisolated(unsafe) static var savedStdout: Int32 = -1
    nonisolated(unsafe) static var savedStderr: Int32 = -1
    nonisolated(unsafe) static var installed = false

    /// Leaves curses mode if it is on and puts the saved stdout/stderr back; safe to call more than once.
    static func restore() {
        if cursesActive != 0 { cursesActive = 0; endwin() }
        if savedStdout >= 0 { dup2(savedStdout, 1) }
        if savedStderr >= 0 { dup2(savedStderr, 2) }
    }

    /// Installs the atexit hook and the crash handlers (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP: Swift's
    /// runtime traps arrive as SIGILL/SIGTRAP). Each handler restores the terminal, then re-raises with the default action.
    static func install() {
        guard !installed else { return }
        installed = true
        atexit { TerminalGuard.restore() }
        for sig in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(sig) { s in
                TerminalGuard.restore()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }
}
