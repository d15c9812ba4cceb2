extension GridScreen {
    /// The grid as text with ANSI colour escapes for `theme`, for README captures (pipe it through `aha`).
    ///
    /// Colours use the 256-colour escapes (`38;5;N`); `default` leaves the terminal's colour.
    public func ansiText(theme: Theme) -> String {
        var output = ""
        for y in 0..<height {
            var current: CellStyle?
            for x in 0..<width {
                let cell = self.cell(x: x, y: y)
                if cell.style != current {
                    output += Self.escape(for: cell.style, theme: theme)
                    current = cell.style
                }
                output.append(cell.character)
            }
            output += "\u{1B}[0m\n"
        }
        return output
    }

    private static func escape(for style: CellStyle, theme: Theme) -> String {
        var codes = ["0"]
        let attributes = style.attributes.union(theme.monochromeAttributes(for: style.role))
        if attributes.contains(.bold) { codes.append("1") }
        if attributes.contains(.dim) { codes.append("2") }
        if attributes.contains(.underline) { codes.append("4") }
        if attributes.contains(.reverse) { codes.append("7") }
        if case .index(let n) = theme.color(for: style.role) { codes.append("38;5;\(n)") }
        if case .index(let n) = theme.background { codes.append("48;5;\(n)") }
        return "\u{1B}[" + codes.joined(separator: ";") + "m"
    }
}
