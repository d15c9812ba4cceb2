/// A key press, decoded from the terminal.
public enum Key: Sendable, Hashable {
    case character(Character)
    case tab
    case backTab
    case enter
    case escape
    case backspace
    case up
    case down
    case left
    case right
    case pageUp
    case pageDown
    case home
    case end
    /// The terminal changed size (curses' KEY_RESIZE).
    case resize
    /// Any other function key, by its curses code.
    case other(Int32)
}
