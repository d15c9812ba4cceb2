/// A small centred menu of keyed choices with an `esc cancel` line: the burst and A/B menus.
enum ChoiceMenu {
    /// One line of the menu: its keys, a title in `style`, and a dim note.
    struct Choice {
        var keys: String
        var title: String
        var titleWidth: Int
        var style: CellStyle
        var note: String
    }

    /// Draws `choices` under `title`, centred on `canvas`.
    static func draw(_ choices: [Choice], title: String, in canvas: Canvas) {
        var lines: [StyledText] = choices.map { choice in
            var line = StyledText(Format.pad(choice.keys, 5), CellStyle.accent.bold)
            line.append(Format.pad(choice.title, choice.titleWidth), choice.style.bold)
            line.append(choice.note, .dim)
            return line
        }
        var cancel = StyledText(Format.pad("esc", 5), CellStyle.accent.bold)
        cancel.append("cancel", .dim)
        lines.append(cancel)
        let width = min(canvas.width - 2, (lines.map(\.width).max() ?? 20) + 4)
        let box = canvas.centred(width: width, height: lines.count + 2)
        let inner = Box.draw(in: box, title: StyledText(title, CellStyle.accent.bold), border: .accent)
        for (row, line) in lines.enumerated() { inner.write(line.truncated(to: max(0, inner.width - 1)), x: 1, y: row) }
    }
}
