import Foundation
import TOMLKit

/// Finds and parses console themes: `--theme NAME|PATH`.
///
/// A value with a `/` or ending in `.toml` is a path. A name is looked up as `NAME.toml` in, in order: the explicit
/// directory, `$SWITCHYARD_THEMES`, `./Themes`; then among the built-in themes compiled into the binary, so the
/// console works from any directory.
public struct ThemeLoader: Sendable {
    /// Directories searched for `NAME.toml`, in order.
    public var directories: [String]

    /// The keys a theme file may set besides the colour roles.
    static let metadataKeys = ["name", "description", "background"]

    /// - Parameters:
    ///   - directory: A themes directory searched first (from a flag), if any.
    ///   - environment: The process environment; `SWITCHYARD_THEMES` names a directory searched second.
    ///   - currentDirectory: The directory whose `Themes` folder is searched last.
    public init(
        directory: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) {
        var directories: [String] = []
        if let directory, !directory.isEmpty { directories.append(directory) }
        if let fromEnvironment = environment["SWITCHYARD_THEMES"], !fromEnvironment.isEmpty {
            directories.append(fromEnvironment)
        }
        directories.append(currentDirectory + "/Themes")
        self.directories = directories
    }

    /// The built-in theme names, in cycling order.
    public static var builtinNames: [String] { BuiltinThemes.names }

    /// Loads the theme `nameOrPath`.
    /// - Throws: ``ThemeError`` naming the file and key when the theme cannot be found, read or parsed.
    public func load(_ nameOrPath: String) throws -> Theme {
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") {
            return try Self.loadFile(nameOrPath)
        }
        for directory in directories {
            let path = directory + "/" + nameOrPath + ".toml"
            if FileManager.default.fileExists(atPath: path) { return try Self.loadFile(path) }
        }
        if let source = BuiltinThemes.source(named: nameOrPath) {
            return try Self.parse(source, file: nameOrPath + ".toml")
        }
        throw ThemeError.notFound(nameOrPath, searched: directories, builtin: BuiltinThemes.names)
    }

    /// Every theme name available: the built-in ones first, then other `*.toml` files in the search directories.
    public func availableNames() -> [String] {
        var names = BuiltinThemes.names
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".toml") {
                let name = String(file.dropLast(".toml".count))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// Reads and parses the theme file at `path`.
    /// - Throws: ``ThemeError``.
    public static func loadFile(_ path: String) throws -> Theme {
        guard FileManager.default.fileExists(atPath: path) else { throw ThemeError.missingFile(path) }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError.unreadable(path, reason: "\(error.localizedDescription)")
        }
        return try parse(text, file: path)
    }

    /// Parses theme TOML. `file` names the source in error messages; the theme's name defaults to its stem, and
    /// roles the file leaves out take the built-in dark theme's colours.
    /// - Throws: ``ThemeError`` naming `file` and the offending key.
    public static func parse(_ toml: String, file: String) throws -> Theme {
        try parse(toml, file: file, inheriting: Theme.standard.colors)
    }

    /// Parses theme TOML on top of the `inheriting` colours.
    static func parse(_ toml: String, file: String, inheriting: [ColorRole: ThemeColor]) throws -> Theme {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: toml)
        } catch let error as TOMLParseError {
            throw ThemeError.malformed(
                file: file,
                line: error.source.begin.line,
                column: error.source.begin.column,
                message: error.description
            )
        }
        let base = file.split(separator: "/").last.map(String.init) ?? file
        let stem = base.hasSuffix(".toml") ? String(base.dropLast(5)) : base
        var theme = Theme(name: stem, colors: [:])
        var colors = inheriting
        let known = metadataKeys + ColorRole.allCases.map(\.rawValue)
        for key in table.keys.sorted() {
            guard let value = table[key] else { continue }
            switch key {
            case "name":
                theme.name = try text(value, key: key, file: file)
            case "description":
                theme.summary = try text(value, key: key, file: file)
            case "background":
                theme.background = try color(value, key: key, file: file)
            default:
                guard let role = ColorRole(rawValue: key) else {
                    throw ThemeError.unknownKey(file: file, key: key, known: known)
                }
                colors[role] = try color(value, key: key, file: file)
            }
        }
        theme.colors = colors
        return theme
    }

    private static func text(_ value: any TOMLValueConvertible, key: String, file: String) throws -> String {
        guard let text = value.string else { throw ThemeError.wrongType(file: file, key: key, expected: "text") }
        return text
    }

    private static func color(_ value: any TOMLValueConvertible, key: String, file: String) throws -> ThemeColor {
        if let name = value.string {
            guard let color = ThemeColor(name: name) else {
                throw ThemeError.badColour(file: file, key: key, value: "'\(name)'")
            }
            return color
        }
        if let index = value.int {
            guard let color = ThemeColor(index: index) else {
                throw ThemeError.badColour(file: file, key: key, value: "\(index)")
            }
            return color
        }
        throw ThemeError.badColour(file: file, key: key, value: value.debugDescription)
    }
}
