import SwitchyardCore

/// Maps key presses to ``ConsoleAction``s, by input mode. Pure: the help overlay and the tests read the same table.
public enum KeyMap {
    /// Every key the console knows, in the order the help overlay lists them.
    public static let bindings: [KeyBinding] = [
        KeyBinding("p", "next routing policy"),
        KeyBinding("1-9 0", "choose policy by number (the first ten)"),
        KeyBinding("P", "policy picker: every policy with its key"),
        KeyBinding("b", "burst: 1 prefill-heavy, 2 decode-heavy, 3 mixed, 4 conversation"),
        KeyBinding("a", "A/B on/off; B: last or round-robin; LIVE: t twin, s split"),
        KeyBinding("space", "pause or resume"),
        KeyBinding("+ / -", "faster or slower"),
        KeyBinding("tab / shift-tab", "focus next or previous instance"),
        KeyBinding("enter", "open or close the focused instance"),
        KeyBinding("↑ ↓ PgUp PgDn", "scroll instances or requests"),
        KeyBinding("t", "next colour theme"),
        KeyBinding("?", "this help"),
        KeyBinding("esc", "close overlay or clear focus"),
        KeyBinding("q", "quit"),
    ]

    /// The burst menu's choices: keys and kind.
    public static let burstChoices: [(keys: String, kind: BurstKind)] = [
        ("1 p", .prefillHeavy),
        ("2 d", .decodeHeavy),
        ("3 m", .mixed),
        ("4 c", .conversation),
    ]

    /// The picker's key for the policy at `index`: `1`–`9`, `0`, then `a`–`z`; nil past those 36.
    public static func policyKey(_ index: Int) -> Character? {
        let keys = Array("1234567890abcdefghijklmnopqrstuvwxyz")
        return keys.indices.contains(index) ? keys[index] : nil
    }

    /// The action for `key` in `mode`, or nil when the key does nothing there.
    public static func action(for key: Key, mode: InputMode) -> ConsoleAction? {
        if key == .character("q") || key == .character("Q") { return .quit }
        switch mode {
        case .burstMenu: return burstAction(for: key)
        case .compareMenu: return compareMenuAction(for: key)
        case .policyMenu: return policyMenuAction(for: key)
        case .help: return helpAction(for: key)
        case .detail where key == .enter || key == .backspace: return .dismiss
        case .detail, .normal: return normalAction(for: key)
        }
    }

    private static func burstAction(for key: Key) -> ConsoleAction? {
        switch key {
        case .character("1"), .character("p"): .burst(.prefillHeavy)
        case .character("2"), .character("d"): .burst(.decodeHeavy)
        case .character("3"), .character("m"): .burst(.mixed)
        case .character("4"), .character("c"): .burst(.conversation)
        case .escape, .character("b"), .backspace: .dismiss
        default: nil
        }
    }

    private static func compareMenuAction(for key: Key) -> ConsoleAction? {
        switch key {
        case .character("1"), .character("t"): .startCompare(.twin)
        case .character("2"), .character("s"): .startCompare(.split)
        case .escape, .character("a"), .backspace: .dismiss
        default: nil
        }
    }

    private static func policyMenuAction(for key: Key) -> ConsoleAction? {
        switch key {
        case .escape, .character("P"), .backspace: return .dismiss
        case .character(let c):
            let keys = Array("1234567890abcdefghijklmnopqrstuvwxyz")
            return keys.firstIndex(of: Character(c.lowercased())).map { .choosePolicy($0) }
        default: return nil
        }
    }

    private static func helpAction(for key: Key) -> ConsoleAction? {
        switch key {
        case .character("?"), .escape, .enter, .backspace, .character("h"): .dismiss
        default: nil
        }
    }

    private static func normalAction(for key: Key) -> ConsoleAction? {
        switch key {
        case .character("p"): return .nextPolicy
        case .character(let c) where ("1"..."9").contains(c):
            return c.wholeNumberValue.map { .choosePolicy($0 - 1) }
        case .character("0"): return .choosePolicy(9)
        case .character("P"): return .openPolicyMenu
        case .character("b"): return .openBurstMenu
        case .character("a"): return .toggleCompare
        case .character(" "): return .togglePause
        case .character("+"), .character("="): return .faster
        case .character("-"), .character("_"): return .slower
        case .tab, .right, .character("l"): return .focusNext
        case .backTab, .left, .character("h"): return .focusPrevious
        case .enter: return .openDetail
        case .character("t"): return .nextTheme
        case .character("?"): return .toggleHelp
        case .escape: return .dismiss
        case .up, .character("k"): return .scrollUp
        case .down, .character("j"): return .scrollDown
        case .pageUp: return .pageUp
        case .pageDown: return .pageDown
        default: return nil
        }
    }
}
