// Gives the terminal back whatever happens: on exit (atexit) and on a crash signal, leave curses mode and put the
// process's stdout and stderr back before dying as before; ends the process within a second of SIGTERM/SIGINT/SIGHUP.
import Foundation
import CNcurses

/// Process-wide state the signal handlers need (plain globals: readable from a signal handler).
enum TerminalGuard {
    nonisolated(unsafe) static var cursesActive: Int32 = 0
    nonisolated(unsafe) static var savedStdout: Int32 = -1
    nonisolated(unsafe) static var savedStderr: Int32 = -1
    nonisolated(unsafe) static var installed = false
    /// Set when the terminal went away (hang-up, read or write failing for good): nothing is drawn to it any more.
    nonisolated(unsafe) static var terminalLost: Int32 = 0
    /// The first of SIGINT, SIGTERM or SIGHUP that arrived (0: none); the loop polls it every frame.
    nonisolated(unsafe) static var pendingSignal: Int32 = 0
    /// Seconds the process may take to end once a terminate signal arrived or the terminal went away.
    static let exitDeadlineSeconds: UInt32 = 1

    /// Leaves curses mode if it is on (without writing to a terminal that is gone) and puts the saved stdout/stderr
    /// back; safe to call more than once.
    static func restore() {
        if cursesActive != 0 {
            cursesActive = 0
            if terminalLost == 0 { endwin() }
        }
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

    /// Catches SIGINT, SIGTERM and SIGHUP with a real handler (never SIG_IGN, which would drop them): the handler
    /// records the signal for the loop and arms a watchdog (SIGALRM) that ends the process with 128+signal if the
    /// orderly exit has not happened within `exitDeadlineSeconds`, whatever the loop is blocked on.
    static func catchTerminateSignals() {
        pendingSignal = 0
        signal(SIGALRM) { _ in
            let s = TerminalGuard.pendingSignal
            _exit(128 + (s != 0 ? s : SIGALRM))
        }
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig) { s in
                if TerminalGuard.pendingSignal == 0 { TerminalGuard.pendingSignal = s }
                if s == SIGHUP { TerminalGuard.terminalLost = 1 }
                alarm(TerminalGuard.exitDeadlineSeconds)
            }
        }
    }

    /// Marks the terminal as gone and arms the exit watchdog (the loop is about to end the process).
    static func markTerminalLost() {
        terminalLost = 1
        alarm(exitDeadlineSeconds)
    }

    /// Gives SIGINT, SIGTERM and SIGHUP their default actions back (an armed watchdog stays armed).
    static func defaultTerminateSignals() { for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) } }
}
