import SwitchyardCore

/// The burst menu that `b` opens: the kinds of burst and their keys.
enum BurstMenuView {
    static let notes: [BurstKind: String] = [
        .prefillHeavy: "long prompts, short answers",
        .decodeHeavy: "short prompts, long answers",
        .mixed: "both, alternating",
        .conversation: "8 chats x 4 turns, one system prompt",
    ]

    /// Draws the menu centred on `canvas`.
    static func draw(in canvas: Canvas) {
        var lines: [StyledText] = KeyMap.burstChoices.map { choice in
            var line = StyledText(Format.pad(choice.keys, 5), CellStyle.accent.bold)
            line.append(Format.pad(choice.kind.title, 15), CellStyle.prefill.bold)
            line.append(notes[choice.kind] ?? "", .dim)
            return line
        }
        var cancel = StyledText(Format.pad("esc", 5), CellStyle.accent.bold)
        cancel.append("cancel", .dim)
        lines.append(cancel)
        let width = min(canvas.width - 2, (lines.map(\.width).max() ?? 20) + 4)
        let box = canvas.centred(width: width, height: lines.count + 2)
        let inner = Box.draw(in: box, title: StyledText("Inject a burst", CellStyle.accent.bold), border: .accent)
        for (row, line) in lines.enumerated() { inner.write(line, x: 1, y: row) }
    }
}
