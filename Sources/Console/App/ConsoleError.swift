/// The console cannot run in this terminal.
public struct ConsoleError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case notATerminal
        case cannotStart(term: String?)
    }
    private let code: Code

    /// Stdin or stdout is not a terminal (piped or redirected).
    public static func notATerminal() -> Self { Self(code: .notATerminal) }
    /// Curses could not start on the terminal (`TERM` unset or unknown).
    public static func cannotStart(term: String? = nil) -> Self { Self(code: .cannotStart(term: term)) }

    public var description: String {
        switch code {
        case .notATerminal:
            "The console needs a terminal: stdin and stdout must not be redirected."
        case .cannotStart(let term):
            "The terminal cannot be started (TERM=\(term ?? "unset")). "
                + "Set TERM to a known terminal such as xterm-256color."
        }
    }
}
