// The only file that talks to ncurses: start-up (locale first), presenting a screen buffer, reading keys, restoring.
import Foundation
import CNcurses

/// What reading the keyboard produced.
enum TerminalInput: Equatable {
    case key(Key)
    case resize
    /// The terminal went away for good (hang-up, EOF, EIO/ENXIO): nothing more can be read from or drawn on it.
    case lost
}

/// The terminal in curses mode. Create one, present buffers, read keys; `restore()` (also run by the guards) gives
/// the terminal back.
final class Curses {
    let utf8: Bool
    let colorCapable: Bool
    private var shown: ScreenBuffer?
    private var pairs: [Role: Int16] = [:]
    /// The descriptor curses writes to (a copy of the terminal's stdout).
    private let outputFD: Int32
    /// Reads in a row that failed long before their timeout (input at EOF fails at once, again and again).
    private var quickFailures = 0

    /// Enters curses mode: locale, raw keys (Ctrl-C arrives as a key), no echo, keypad, hidden cursor, colours.
    /// Curses writes to its own copy of the terminal's file descriptor, so that stdout and stderr can be sent to
    /// the log pane (see OutputCapture) without anything the process prints reaching the screen.
    init() throws {
        setlocale(LC_ALL, "")
        utf8 = prograd_locale_is_utf8() != 0
        TerminalGuard.install()
        let fd = dup(1)
        guard fd >= 0, let out = fdopen(fd, "w") else { throw TUIError("cannot duplicate the terminal's output") }
        outputFD = fd
        guard newterm(nil, out, stdin) != nil else {
            throw TUIError("cannot start curses on this terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "unset"))")
        }
        TerminalGuard.cursesActive = 1
        raw()
        noecho()
        nonl()
        _ = prograd_keypad(true)
        set_escdelay(25)
        curs_set(0)
        colorCapable = has_colors()
        if colorCapable {
            start_color()
            use_default_colors()
        }
    }

    /// The terminal's size in cells.
    var size: (width: Int, height: Int) { (Int(prograd_cols()), Int(prograd_lines())) }

    /// Sets up one colour pair per role for `theme`.
    func apply(_ theme: Theme) {
        pairs = [:]
        guard colorCapable, theme.usesColor else { return }
        for (i, role) in Role.allCases.enumerated() {
            let s = theme.style(role)
            let pair = Int16(i + 1)
            init_pair(pair, s.fg.rawValue, s.bg.rawValue)
            pairs[role] = pair
        }
        shown = nil
    }

    /// Waits up to `timeoutMs` for a key; `.lost` when the terminal is gone (then every later read would fail at once,
    /// and a loop that only waited for keys would spin).
    func readKey(timeoutMs: Int32) -> TerminalInput? {
        prograd_timeout(timeoutMs)
        var ch: Int32 = 0
        errno = 0
        let started = DispatchTime.now().uptimeNanoseconds
        let r = prograd_get_wch(&ch)
        if r == ERR {
            let failure = errno
            if [EIO, ENXIO, EBADF, ENOTTY].contains(failure) || !terminalIsAlive() { return .lost }
            // A timeout takes timeoutMs; a read at EOF fails at once. 100 quick failures in a row: the input ended.
            let elapsed = DispatchTime.now().uptimeNanoseconds - started
            quickFailures = elapsed < UInt64(max(timeoutMs, 0)) * 250_000 ? quickFailures + 1 : 0
            return quickFailures >= 100 ? .lost : nil
        }
        quickFailures = 0
        if r == prograd_key_code_yes() {
            if ch == prograd_key_resize() { return .resize }
            switch ch {
            case KEY_UP: return .key(.up)
            case KEY_DOWN: return .key(.down)
            case KEY_LEFT: return .key(.left)
            case KEY_RIGHT: return .key(.right)
            case KEY_PPAGE: return .key(.pageUp)
            case KEY_NPAGE: return .key(.pageDown)
            case KEY_HOME: return .key(.home)
            case KEY_END: return .key(.end)
            case KEY_ENTER: return .key(.enter)
            case KEY_BACKSPACE: return .key(.backspace)
            case KEY_DC: return .key(.delete)
            case prograd_key_btab(): return .key(.backTab)
            default: return nil
            }
        }
        switch ch {
        case 3: return .key(.ctrlC)
        case 9: return .key(.tab)
        case 10, 13: return .key(.enter)
        case 27: return .key(.escape)
        case 8, 127: return .key(.backspace)
        default:
            guard ch >= 32, let scalar = Unicode.Scalar(UInt32(ch)) else { return nil }
            return .key(.char(Character(scalar)))
        }
    }

    /// True while both ends of the terminal answer: the tty's modes can be read and neither side is hung up.
    func terminalIsAlive() -> Bool {
        var modes = termios()
        guard tcgetattr(0, &modes) == 0, tcgetattr(outputFD, &modes) == 0 else { return false }
        let broken = Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
        var fds = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: outputFD, events: 0, revents: 0)]
        guard poll(&fds, 2, 0) >= 0 else { return errno == EINTR }
        return fds.allSatisfy { $0.revents & broken == 0 }
    }

    /// Writes the cells that differ from what is on screen, then refreshes; false when the terminal is gone (writing
    /// failed and the terminal no longer answers).
    @discardableResult
    func present(_ buffer: ScreenBuffer, theme: Theme) -> Bool {
        let full = shown == nil || shown!.width != buffer.width || shown!.height != buffer.height
        if full { clear() }
        for y in 0..<buffer.height {
            for x in 0..<buffer.width {
                let cell = buffer[x, y]
                if !full, shown![x, y] == cell { continue }
                // The bottom-right cell is written too: ncurses handles it for stdscr without scrolling.
                let style = theme.style(cell.role)
                var attrs = prograd_a_normal()
                if style.bold { attrs |= prograd_a_bold() }
                if style.reverse { attrs |= prograd_a_reverse() }
                if style.dim { attrs |= prograd_a_dim() }
                if style.underline { attrs |= prograd_a_underline() }
                let scalar = cell.char.unicodeScalars.first!
                _ = prograd_put_wch(Int32(y), Int32(x), wchar_t(bitPattern: scalar.value), attrs, pairs[cell.role] ?? 0)
            }
        }
        shown = buffer
        errno = 0
        if refresh() == ERR || errno == EIO || errno == EPIPE { return terminalIsAlive() }
        return true
    }

    /// Forgets what is on screen so that the next present redraws everything (after a resize).
    func invalidate() { shown = nil }

    /// Leaves curses mode and puts stdout and stderr back.
    func restore() { TerminalGuard.restore() }

    /// Gives SIGINT, SIGTERM and SIGHUP their default actions back.
    static func defaultTerminateSignals() { TerminalGuard.defaultTerminateSignals() }
}
