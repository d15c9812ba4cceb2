/// The themes `t` cycles through: names from a ``ThemeLoader``, loaded when first shown.
struct ThemeCatalog {
    let loader: ThemeLoader
    private(set) var names: [String]
    private var loaded: [String: Theme] = [:]

    /// Resolves the starting theme at once (so a bad `--theme` fails before the terminal changes mode).
    /// `NO_COLOR` starts in `mono` whatever `--theme` says.
    /// - Throws: ``ThemeError``.
    init(loader: ThemeLoader, initial: String?, noColor: Bool) throws {
        self.loader = loader
        var names = loader.availableNames()
        let first = noColor ? "mono" : (initial ?? "default")
        loaded[first] = try loader.load(first)
        if !names.contains(first) { names.insert(first, at: 0) }
        self.names = names
        self.initialIndex = names.firstIndex(of: first) ?? 0
    }

    /// The index of the starting theme in ``names``.
    let initialIndex: Int

    /// The theme at `index`, loading it if needed.
    /// - Throws: ``ThemeError`` when its file is bad.
    mutating func theme(at index: Int) throws -> Theme {
        let name = names[index]
        if let theme = loaded[name] { return theme }
        let theme = try loader.load(name)
        loaded[name] = theme
        return theme
    }
}
