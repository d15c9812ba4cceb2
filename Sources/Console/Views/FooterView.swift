/// The bottom line: key hints on the left, the last action's status on the right.
enum FooterView {
    /// The hints in the order shown; when the line is short, those with the higher drop rank go first.
    static let hints: [(key: String, label: String, dropRank: Int)] = [
        ("p", "policy", 3), ("1-9", "pick", 9), ("b", "burst", 4), ("a", "A/B", 5), ("space", "pause", 6),
        ("+/-", "speed", 7), ("tab", "focus", 8), ("⏎", "detail", 10), ("t", "theme", 11), ("?", "help", 0),
        ("q", "quit", 1),
    ]

    /// Draws the footer into the first row of `canvas`.
    static func draw(status: String?, in canvas: Canvas) {
        canvas.fill()
        var statusText = StyledText()
        if let status, !status.isEmpty { statusText = StyledText(" " + status + " ", CellStyle.accent.reversed) }
        var shown = hints
        while width(of: shown) + statusText.width + 1 > canvas.width,
            let drop = shown.indices.max(by: { shown[$0].dropRank < shown[$1].dropRank }), shown[drop].dropRank > 1
        {
            shown.remove(at: drop)
        }
        var line = StyledText()
        for hint in shown {
            line.append(" ")
            line.append(hint.key, CellStyle.accent.bold)
            line.append(" " + hint.label, .dim)
            line.append(" ")
        }
        canvas.write(line.truncated(to: canvas.width), x: 0, y: 0)
        if statusText.width > 0, statusText.width < canvas.width { canvas.writeRight(statusText, y: 0) }
    }

    private static func width(of hints: [(key: String, label: String, dropRank: Int)]) -> Int {
        hints.reduce(0) { $0 + $1.key.count + $1.label.count + 3 }
    }

    /// Draws a script's caption line: a marker and the text in accent.
    static func drawCaption(_ caption: String, in canvas: Canvas) {
        canvas.fill()
        var line = StyledText(" ▌ ", .accent)
        line.append(caption, CellStyle.accent.bold)
        canvas.write(line.truncated(to: canvas.width), x: 0, y: 0)
    }
}
