import Foundation
import Testing

@testable import Console

@Suite struct ThemeLoaderTests {
    /// The package root, found from this file's path.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    /// A loader that sees no theme directory, so only the built-in themes are found.
    static let builtinOnly = ThemeLoader(directory: nil, environment: [:], currentDirectory: "/nonexistent")

    @Test(arguments: ["default", "light", "high-contrast", "mono"])
    func loadsEveryBundledTheme(name: String) throws {
        let theme = try Self.builtinOnly.load(name)
        #expect(theme.name == name)
        #expect(!theme.summary.isEmpty)
        for role in ColorRole.allCases where name != "mono" {
            #expect(theme.colors[role] != nil, "\(name) lacks \(role.rawValue)")
        }
        let fromFile = try ThemeLoader.loadFile(Self.packageRoot + "/Themes/\(name).toml")
        #expect(fromFile == theme)
    }

    @Test(arguments: ["default", "light", "high-contrast", "mono"])
    func embeddedThemesMatchTheFiles(name: String) throws {
        let file = try String(contentsOfFile: Self.packageRoot + "/Themes/\(name).toml", encoding: .utf8)
        #expect(BuiltinThemes.source(named: name) == file)
    }

    @Test func bundledThemesHaveTheExpectedColours() throws {
        let dark = try Self.builtinOnly.load("default")
        #expect(dark.color(for: .accent) == .index(75))
        #expect(dark.color(for: .kvHigh) == .index(203))
        let contrast = try Self.builtinOnly.load("high-contrast")
        #expect(contrast.background == .index(0))
        #expect(contrast.color(for: .text) == .index(15))
        #expect(contrast.color(for: .dim) == .index(7))
        let mono = try Self.builtinOnly.load("mono")
        #expect(mono.isMonochrome)
        #expect(mono.monochromeAttributes(for: .accent) == .bold)
        #expect(dark.monochromeAttributes(for: .accent) == [])
    }

    @Test func rejectsABadColourNamingFileAndKey() {
        #expect {
            try ThemeLoader.parse("kv_high = \"purplish\"\n", file: "x.toml")
        } throws: { error in
            "\(error)" == "Theme file x.toml: key 'kv_high': 'purplish' is not a colour name or 0-255 index."
        }
        #expect {
            try ThemeLoader.parse("accent = 300\n", file: "x.toml")
        } throws: { error in
            "\(error)" == "Theme file x.toml: key 'accent': 300 is not a colour name or 0-255 index."
        }
        #expect {
            try ThemeLoader.parse("ok = 1.5\n", file: "x.toml")
        } throws: { error in
            "\(error)".hasPrefix("Theme file x.toml: key 'ok': 1.5")
        }
    }

    @Test func rejectsAnUnknownKey() {
        #expect {
            try ThemeLoader.parse("kv_hihg = 1\n", file: "themes/typo.toml")
        } throws: { error in
            "\(error)".hasPrefix("Theme file themes/typo.toml: unknown key 'kv_hihg'. Known keys: name, description, ")
                && "\(error)".contains("kv_high")
        }
        #expect {
            try ThemeLoader.parse("name = 3\n", file: "x.toml")
        } throws: { error in
            "\(error)" == "Theme file x.toml: key 'name' must be text."
        }
    }

    @Test func rejectsMalformedTOMLWithItsPosition() {
        #expect {
            try ThemeLoader.parse("text = 252\naccent = [\n", file: "bad.toml")
        } throws: { error in
            "\(error)".hasPrefix("Theme file bad.toml: line 2, column")
        }
    }

    @Test func reportsMissingFilesAndUnknownNames() {
        #expect {
            try Self.builtinOnly.load("/tmp/no-such-dir/nope.toml")
        } throws: { error in
            "\(error)" == "Theme file /tmp/no-such-dir/nope.toml does not exist."
        }
        #expect {
            try Self.builtinOnly.load("purple")
        } throws: { error in
            "\(error)" == "No theme named 'purple': looked for purple.toml in /nonexistent/Themes. "
                + "Built-in themes: default, light, high-contrast, mono."
        }
    }

    @Test func partialThemesInheritTheDefaultColours() throws {
        let theme = try ThemeLoader.parse("accent = \"bright-magenta\"\n", file: "/x/pink.toml")
        #expect(theme.name == "pink")
        #expect(theme.color(for: .accent) == .index(13))
        #expect(theme.color(for: .kvHigh) == .index(203))
    }

    @Test func searchesExplicitDirectoryThenEnvironmentThenWorkingDirectory() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)").path
        let explicit = base + "/explicit"
        let fromEnvironment = base + "/env"
        for directory in [explicit, fromEnvironment, base + "/cwd/Themes"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(atPath: base) }
        try "accent = 1\n".write(toFile: explicit + "/ocean.toml", atomically: true, encoding: .utf8)
        try "accent = 2\n".write(toFile: fromEnvironment + "/ocean.toml", atomically: true, encoding: .utf8)
        try "accent = 3\n".write(toFile: fromEnvironment + "/forest.toml", atomically: true, encoding: .utf8)
        try "accent = 4\n".write(toFile: base + "/cwd/Themes/forest.toml", atomically: true, encoding: .utf8)
        try "accent = 5\n".write(toFile: base + "/cwd/Themes/desert.toml", atomically: true, encoding: .utf8)

        let loader = ThemeLoader(
            directory: explicit,
            environment: ["SWITCHYARD_THEMES": fromEnvironment],
            currentDirectory: base + "/cwd"
        )
        #expect(loader.directories == [explicit, fromEnvironment, base + "/cwd/Themes"])
        #expect(try loader.load("ocean").color(for: .accent) == .index(1))
        #expect(try loader.load("forest").color(for: .accent) == .index(3))
        #expect(try loader.load("desert").color(for: .accent) == .index(5))
        #expect(try loader.load("light").name == "light")
        #expect(try loader.load(explicit + "/ocean.toml").name == "ocean")
        #expect(loader.availableNames() == ["default", "light", "high-contrast", "mono", "ocean", "forest", "desert"])
    }

    @Test func parsesColourNamesAndIndices() {
        #expect(ThemeColor(name: "red") == .index(1))
        #expect(ThemeColor(name: "bright-red") == .index(9))
        #expect(ThemeColor(name: "Bright_Red") == .index(9))
        #expect(ThemeColor(name: "brightwhite") == .index(15))
        #expect(ThemeColor(name: "grey") == .index(8))
        #expect(ThemeColor(name: "default") == .default)
        #expect(ThemeColor(name: "purplish") == nil)
        #expect(ThemeColor(index: 255) == .index(255))
        #expect(ThemeColor(index: 256) == nil)
        #expect(ThemeColor.index(9).description == "bright-red")
    }

    @Test func downgradesColoursTheTerminalLacks() {
        #expect(ThemeColor.default.cursesNumber(available: 256) == -1)
        #expect(ThemeColor.index(75).cursesNumber(available: 256) == 75)
        #expect(ThemeColor.index(196).cursesNumber(available: 8) == 1)
        #expect(ThemeColor.index(231).cursesNumber(available: 16) == 15)
        #expect(ThemeColor.index(232).cursesNumber(available: 8) == 0)
    }

    @Test func noColorStartsInMono() throws {
        let catalog = try ThemeCatalog(loader: Self.builtinOnly, initial: "light", noColor: true)
        #expect(catalog.names[catalog.initialIndex] == "mono")
        let chosen = try ThemeCatalog(loader: Self.builtinOnly, initial: "light", noColor: false)
        #expect(chosen.names[chosen.initialIndex] == "light")
        #expect(throws: ThemeError.self) { try ThemeCatalog(loader: Self.builtinOnly, initial: "nope", noColor: false) }
        #expect(ConsoleOptions(environment: ["NO_COLOR": "1"]).noColor)
        #expect(!ConsoleOptions(environment: ["NO_COLOR": ""]).noColor)
    }
}
