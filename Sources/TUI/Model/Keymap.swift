// The one key table: dispatch, the help bar and the ? overlay all read it.
import Foundation

/// The focusable panes; the digit keys pick them directly, Tab and Shift-Tab cycle through them in this order.
public enum Pane: Int, CaseIterable, Sendable {
    case setup = 1, runs, panels, results, log

    public var title: String {
        switch self {
        case .setup: return "Setup"
        case .runs: return "Runs"
        case .panels: return "Live"
        case .results: return "Results"
        case .log: return "Log"
        }
    }
}

/// What a key does.
public enum Action: Hashable, Sendable {
    case moveUp, moveDown, moveLeft, moveRight, pageUp, pageDown, top, bottom
    case open, toggle, start, cancelRun, filter, export, save
    case help, quit, forceQuit, nextFocus, previousFocus, focus(Pane), close, confirm
}

/// One row of the key table.
public struct KeyBinding: Sendable {
    /// The keys that trigger the action.
    public var keys: [Key]
    /// How the keys are shown, e.g. "↑/k".
    public var label: String
    /// What the action does, in a few words.
    public var help: String
    public var action: Action
    /// Panes whose help bar shows this binding (empty: shown only in the ? overlay).
    public var helpBar: Set<Pane>
}

/// The key table of the workbench.
public enum Keymap {
    static let everywhere = Set(Pane.allCases)

    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [.char("?")], label: "?", help: "help", action: .help, helpBar: everywhere),
        KeyBinding(keys: [.char("q")], label: "q", help: "quit", action: .quit, helpBar: everywhere),
        KeyBinding(keys: [.ctrlC], label: "Ctrl-C", help: "quit now (cancels runs)", action: .forceQuit, helpBar: []),
        KeyBinding(keys: [.tab], label: "Tab", help: "pane", action: .nextFocus, helpBar: everywhere),
        KeyBinding(keys: [.backTab], label: "Shift-Tab", help: "previous pane", action: .previousFocus, helpBar: []),
        KeyBinding(keys: [.char("1")], label: "1", help: "Setup pane", action: .focus(.setup), helpBar: []),
        KeyBinding(keys: [.char("2")], label: "2", help: "Runs pane", action: .focus(.runs), helpBar: []),
        KeyBinding(keys: [.char("3")], label: "3", help: "Live panels", action: .focus(.panels), helpBar: []),
        KeyBinding(keys: [.char("4")], label: "4", help: "Results table", action: .focus(.results), helpBar: []),
        KeyBinding(keys: [.char("5")], label: "5", help: "Log pane", action: .focus(.log), helpBar: []),
        KeyBinding(keys: [.up, .char("k")], label: "↑/k", help: "up", action: .moveUp, helpBar: []),
        KeyBinding(keys: [.down, .char("j")], label: "↓/j", help: "down", action: .moveDown, helpBar: []),
        KeyBinding(keys: [.left, .char("h")], label: "←/h", help: "left / less", action: .moveLeft, helpBar: []),
        KeyBinding(keys: [.right, .char("l")], label: "→/l", help: "right / more", action: .moveRight,
                   helpBar: [.panels]),
        KeyBinding(keys: [.pageUp], label: "PgUp", help: "page up", action: .pageUp, helpBar: []),
        KeyBinding(keys: [.pageDown], label: "PgDn", help: "page down", action: .pageDown, helpBar: []),
        KeyBinding(keys: [.home, .char("g")], label: "Home/g", help: "first", action: .top, helpBar: []),
        KeyBinding(keys: [.end, .char("G")], label: "End/G", help: "last", action: .bottom, helpBar: []),
        KeyBinding(keys: [.enter], label: "Enter", help: "open/edit", action: .open, helpBar: [.setup, .runs]),
        KeyBinding(keys: [.char(" ")], label: "Space", help: "toggle", action: .toggle, helpBar: [.setup]),
        KeyBinding(keys: [.char("s")], label: "s", help: "start", action: .start, helpBar: [.setup]),
        KeyBinding(keys: [.char("x")], label: "x", help: "cancel run", action: .cancelRun,
                   helpBar: [.runs]),
        KeyBinding(keys: [.char("/")], label: "/", help: "filter", action: .filter, helpBar: [.runs]),
        KeyBinding(keys: [.char("e")], label: "e", help: "export", action: .export,
                   helpBar: [.runs, .panels, .results, .log]),
        KeyBinding(keys: [.char("w")], label: "w", help: "save", action: .save,
                   helpBar: [.setup]),
        KeyBinding(keys: [.escape], label: "Esc", help: "close / cancel", action: .close, helpBar: []),
        KeyBinding(keys: [.char("y")], label: "y", help: "yes (in a question)", action: .confirm, helpBar: []),
    ]

    /// The action bound to `key`, if any.
    public static func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The bindings shown in the help bar of `pane`, in table order.
    public static func helpBar(for pane: Pane) -> [KeyBinding] {
        bindings.filter { $0.helpBar.contains(pane) }
    }
}
