/// The A/B menu that `a` opens on a live cluster: a predicted twin, or a split of the real traffic.
enum CompareMenuView {
    static let choices: [(keys: String, title: String, note: String)] = [
        ("1 t", "twin", "B predicted by a simulated copy of this cluster; real routing untouched"),
        ("2 s", "split", "every other real request routed by B; both sides measured"),
    ]

    /// Draws the menu centred on `canvas`.
    static func draw(in canvas: Canvas) {
        var lines: [StyledText] = choices.map { choice in
            var line = StyledText(Format.pad(choice.keys, 5), CellStyle.accent.bold)
            line.append(Format.pad(choice.title, 7), CellStyle.decode.bold)
            line.append(choice.note, .dim)
            return line
        }
        var cancel = StyledText(Format.pad("esc", 5), CellStyle.accent.bold)
        cancel.append("cancel", .dim)
        lines.append(cancel)
        let width = min(canvas.width - 2, (lines.map(\.width).max() ?? 20) + 4)
        let box = canvas.centred(width: width, height: lines.count + 2)
        let inner = Box.draw(in: box, title: StyledText("A/B comparison", CellStyle.accent.bold), border: .accent)
        for (row, line) in lines.enumerated() { inner.write(line.truncated(to: inner.width - 1), x: 1, y: row) }
    }
}
