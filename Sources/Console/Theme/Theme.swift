/// The console's colours by role, as loaded from a theme file.
public struct Theme: Sendable, Equatable {
    /// The theme's name, as `--theme` and the `t` key show it.
    public var name: String
    /// A short note on where the theme suits, for listings.
    public var summary: String
    public var background: ThemeColor
    /// Colours by role; a role left out draws in the terminal's default colour.
    public var colors: [ColorRole: ThemeColor]

    public init(
        name: String,
        summary: String = "",
        background: ThemeColor = .default,
        colors: [ColorRole: ThemeColor]
    ) {
        self.name = name
        self.summary = summary
        self.background = background
        self.colors = colors
    }

    /// The colour of `role`.
    public func color(for role: ColorRole) -> ThemeColor { colors[role] ?? .default }

    /// Whether the theme sets no colour at all, like `mono`.
    public var isMonochrome: Bool {
        background == .default && ColorRole.allCases.allSatisfy { color(for: $0) == .default }
    }

    /// Attributes that stand in for colour in a monochrome theme, so roles stay distinguishable: accent, warn,
    /// crit and high KV in bold, dim text dimmed. Empty for a colour theme.
    public func monochromeAttributes(for role: ColorRole) -> TextAttributes {
        guard isMonochrome else { return [] }
        switch role {
        case .accent, .warn, .kvHigh: return .bold
        case .crit: return [.bold, .underline]
        case .dim: return .dim
        default: return []
        }
    }

    /// The built-in theme without colour; the fallback when nothing else can be loaded.
    public static let mono = Theme(name: "mono", summary: "no colour (NO_COLOR)", colors: [:])

    /// The built-in dark theme (`default`), parsed once.
    public static let standard: Theme =
        (try? ThemeLoader.parse(BuiltinThemes.dark, file: "default.toml", inheriting: [:])) ?? mono
}
