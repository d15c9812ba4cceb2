/// The `?` overlay: every key binding, and the policies with their number keys, in a centred box.
enum HelpOverlay {
    /// Draws the overlay centred on `canvas`.
    static func draw(policyNames: [String], themeName: String, in canvas: Canvas) {
        let keyWidth = KeyMap.bindings.map(\.keys.count).max() ?? 8
        var lines: [StyledText] = KeyMap.bindings.map { binding in
            var line = StyledText(Format.pad(binding.keys, keyWidth + 2), CellStyle.accent.bold)
            line.append(binding.summary, .text)
            return line
        }
        lines.append(StyledText())
        let width = min(canvas.width - 4, 84)
        var policyLines: [StyledText] = [
            StyledText("Policies (keys 1-9 0; all in the P picker)", CellStyle.accent.bold)
        ]
        var current = StyledText()
        for (index, name) in policyNames.enumerated() {
            var entry = StyledText(KeyMap.policyKey(index).map { "\($0) " } ?? "  ", CellStyle.accent.bold)
            entry.append(name, .text)
            if current.width > 0, current.width + 2 + entry.width > width - 4 {
                policyLines.append(current)
                current = StyledText()
            }
            if current.width > 0 { current.append("  ") }
            current.append(entry)
        }
        if current.width > 0 { policyLines.append(current) }
        lines.append(contentsOf: policyLines)
        lines.append(StyledText())
        lines.append(contentsOf: decisionLegend)
        var themeLine = StyledText("theme ", .dim)
        themeLine.append(themeName, .text)
        themeLine.append("   esc or ? closes this help", .dim)
        lines.append(themeLine)

        let height = min(canvas.height, lines.count + 2)
        let inner = Box.draw(
            in: canvas.centred(width: width, height: height),
            title: StyledText("Keys", CellStyle.accent.bold),
            border: .accent
        )
        for (row, line) in lines.prefix(inner.height).enumerated() {
            inner.write(line.truncated(to: inner.width - 2), x: 1, y: row)
        }
    }

    /// What the decision log's marks mean.
    static let decisionLegend: [StyledText] = {
        var marks = StyledText("Decisions  ", CellStyle.accent.bold)
        marks.append("↪", CellStyle.warn.bold)
        marks.append(" picked past the best score (tail guard)  ", .text)
        marks.append("✗", .dim)
        marks.append(" cannot take it", .text)
        var cached = StyledText("           ")
        cached.append("c57%", .accent)
        cached.append(" share of the prompt credited as cached there", .text)
        return [marks, cached]
    }()
}
