import CNCurses

/// The terminal in curses mode: start-up, key input and a clean shutdown.
///
/// Start-up follows design.md: `setlocale` first (or boxes and blocks turn into `lqqk`), then `newterm` (which, unlike
/// `initscr`, reports failure instead of exiting), colours with the terminal's defaults, `cbreak`, `noecho`, keypad
/// and no cursor. Signal handlers (interrupt, termination, hang-up and crashes) call `endwin` first, so the terminal
/// is never left broken. Use from one task only; call ``shutdown()`` on every path out (it is idempotent).
final class CursesTerminal {
    /// Whether colours are on: the terminal has them and `NO_COLOR` is not set.
    let colorEnabled: Bool
    /// The terminal's colour count (8, 16, 256, ...), or 0 when colour is off.
    let colorCount: Int
    private var active = false

    /// Starts curses mode.
    /// - Parameters:
    ///   - allowColor: False when `NO_COLOR` asks for no colour.
    ///   - term: The `TERM` value, for the error message.
    /// - Throws: ``ConsoleError`` when stdin or stdout is not a terminal or curses cannot start on it.
    init(allowColor: Bool, term: String?) throws {
        guard sy_stdio_is_tty() != 0 else { throw ConsoleError.notATerminal() }
        sy_setlocale_all()
        guard sy_newterm() != nil else { throw ConsoleError.cannotStart(term: term) }
        active = true
        sy_install_signal_handlers()
        if allowColor, has_colors() {
            start_color()
            use_default_colors()
            colorEnabled = true
            colorCount = Int(sy_colors())
        } else {
            colorEnabled = false
            colorCount = 0
        }
        cbreak()
        noecho()
        nonl()
        keypad(sy_stdscr(), true)
        curs_set(0)
        // Input never blocks: the frame loop polls keys and sleeps on its own clock, so a key press can never
        // hold up a frame and the cooperative thread pool is never blocked.
        wtimeout(sy_stdscr(), 0)
        // Escape alone arrives after 25 ms instead of the default second.
        set_escdelay(25)
    }

    /// The terminal size in columns and rows.
    func size() -> (width: Int, height: Int) {
        var rows: Int32 = 0
        var columns: Int32 = 0
        sy_getmaxyx(sy_stdscr(), &rows, &columns)
        return (Int(columns), Int(rows))
    }

    /// Every key waiting in the input buffer (up to `limit`), without blocking.
    func pendingKeys(limit: Int = 64) -> [Key] {
        var keys: [Key] = []
        while keys.count < limit {
            var code: Int32 = 0
            let result = sy_read_key(&code)
            if result == sy_err() { break }
            if let key = Key(cursesCode: code, isFunctionKey: result == sy_key_code_yes()) { keys.append(key) }
        }
        return keys
    }

    /// Ends curses mode and restores the terminal and the previous signal handlers. Safe to call more than once.
    func shutdown() {
        guard active else { return }
        active = false
        curs_set(1)
        endwin()
        sy_remove_signal_handlers()
    }

    deinit { shutdown() }
}
