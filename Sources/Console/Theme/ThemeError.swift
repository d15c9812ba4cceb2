/// A theme that cannot be found or read, or a theme file with a bad key or value.
public struct ThemeError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case notFound(name: String, searched: [String], builtin: [String])
        case missingFile(String)
        case unreadable(String, reason: String)
        case malformed(file: String, line: Int, column: Int, message: String)
        case badColour(file: String, key: String, value: String)
        case wrongType(file: String, key: String, expected: String)
        case unknownKey(file: String, key: String, known: [String])
    }
    private let code: Code

    /// No theme file of that name in any searched directory, and no built-in theme of that name.
    public static func notFound(_ name: String, searched: [String], builtin: [String]) -> Self {
        Self(code: .notFound(name: name, searched: searched, builtin: builtin))
    }
    /// A theme path that does not exist.
    public static func missingFile(_ path: String) -> Self { Self(code: .missingFile(path)) }
    public static func unreadable(_ path: String, reason: String) -> Self {
        Self(code: .unreadable(path, reason: reason))
    }
    /// A file that is not valid TOML.
    public static func malformed(file: String, line: Int, column: Int, message: String) -> Self {
        Self(code: .malformed(file: file, line: line, column: column, message: message))
    }
    /// A value that is neither a colour name nor an index in 0...255.
    public static func badColour(file: String, key: String, value: String) -> Self {
        Self(code: .badColour(file: file, key: key, value: value))
    }
    public static func wrongType(file: String, key: String, expected: String) -> Self {
        Self(code: .wrongType(file: file, key: key, expected: expected))
    }
    public static func unknownKey(file: String, key: String, known: [String]) -> Self {
        Self(code: .unknownKey(file: file, key: key, known: known))
    }

    public var description: String {
        switch code {
        case .notFound(let name, let searched, let builtin):
            let places = searched.isEmpty ? "no theme directory" : searched.joined(separator: ", ")
            return "No theme named '\(name)': looked for \(name).toml in \(places). "
                + "Built-in themes: \(builtin.joined(separator: ", "))."
        case .missingFile(let path):
            return "Theme file \(path) does not exist."
        case .unreadable(let path, let reason):
            return "Theme file \(path) cannot be read: \(reason)."
        case .malformed(let file, let line, let column, let message):
            return "Theme file \(file): line \(line), column \(column): \(message)."
        case .badColour(let file, let key, let value):
            return "Theme file \(file): key '\(key)': \(value) is not a colour name or 0-255 index."
        case .wrongType(let file, let key, let expected):
            return "Theme file \(file): key '\(key)' must be \(expected)."
        case .unknownKey(let file, let key, let known):
            return "Theme file \(file): unknown key '\(key)'. Known keys: \(known.joined(separator: ", "))."
        }
    }
}
