import SwitchyardCore

/// Something the operator (or a script) asks the console to do; ``ConsoleState`` turns it into state changes and
/// backend commands.
public enum ConsoleAction: Sendable, Equatable {
    /// Switch to the policy after the current one in the backend's list.
    case nextPolicy
    /// Switch to the policy at this index of the backend's list (keys `1`–`9` and `0` give 0–9; the picker
    /// reaches every one).
    case choosePolicy(Int)
    /// Open the policy picker: every policy with its key.
    case openPolicyMenu
    /// Switch to the policy of this name (for scripts).
    case selectPolicy(String)
    case openBurstMenu
    case burst(BurstKind)
    /// Start the A/B twin against the next policy, or stop it (LIVE: open the menu of twin or traffic split).
    case toggleCompare
    /// Start an A/B comparison of this kind (the LIVE menu's choice).
    case startCompare(ComparisonKind)
    case togglePause
    case faster
    case slower
    /// Set the speed factor directly (for scripts).
    case setSpeed(Double)
    case focusNext
    case focusPrevious
    /// Open the focused instance's detail (the first instance when none has focus).
    case openDetail
    /// Close the open overlay or menu, else clear the focus.
    case dismiss
    case nextTheme
    case toggleHelp
    case scrollUp
    case scrollDown
    case pageUp
    case pageDown
    /// Show a caption line (a script's narration); an empty text hides it.
    case caption(String)
    case quit
}
