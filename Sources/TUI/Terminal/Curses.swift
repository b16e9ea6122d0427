// The only file that talks to ncurses: start-up (locale first), presenting a screen buffer, reading keys, restoring.
import Foundation
import CNcurses

/// What reading the keyboard produced.
enum TerminalInput: Equatable {
    case key(Key)
    case resize
}

/// The terminal in curses mode. Create one, present buffers, read keys; `restore()` (also run by the guards) gives
/// the terminal back.
final class Curses {
    let utf8: Bool
    let colorCapable: Bool
    private var shown: ScreenBuffer?
    private var pairs: [Role: Int16] = [:]

    /// Enters curses mode: locale, raw keys (Ctrl-C arrives as a key), no echo, keypad, hidden cursor, colours.
    /// Curses writes to its own copy of the terminal's file descriptor, so that stdout and stderr can be sent to
    /// the log pane (see OutputCapture) without anything the process prints reaching the screen.
    init() throws {
        setlocale(LC_ALL, "")
        utf8 = prograd_locale_is_utf8() != 0
        TerminalGuard.install()
        let fd = dup(1)
        guard fd >= 0, let out = fdopen(fd, "w") else { throw TUIError("cannot duplicate the terminal's output") }
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

    /// Waits up to `timeoutMs` for a key.
    func readKey(timeoutMs: Int32) -> TerminalInput? {
        prograd_timeout(timeoutMs)
        var ch: Int32 = 0
        let r = prograd_get_wch(&ch)
        if r == ERR { return nil }
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

    /// Writes the cells that differ from what is on screen, then refreshes.
    func present(_ buffer: ScreenBuffer, theme: Theme) {
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
        refresh()
    }

    /// Forgets what is on screen so that the next present redraws everything (after a resize).
    func invalidate() { shown = nil }

    /// Leaves curses mode and puts stdout and stderr back.
    func restore() { TerminalGuard.restore() }

    /// Turns SIGINT, SIGTERM and SIGHUP into a call of `handler` on a background queue (the default actions,
    /// which would leave the terminal in curses mode, are switched off). Keep the returned sources alive.
    static func onTerminateSignals(_ handler: @escaping @Sendable () -> Void) -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM, SIGHUP].map { sig in
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }

    /// Gives SIGINT, SIGTERM and SIGHUP their default actions back.
    static func defaultTerminateSignals() { for sig in [SIGINT, SIGTERM, SIGHUP] { signal(sig, SIG_DFL) } }
}
