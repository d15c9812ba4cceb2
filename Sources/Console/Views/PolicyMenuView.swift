/// The policy picker that `P` opens: every policy with its key, the current one marked, the references labelled.
enum PolicyMenuView {
    /// Draws the picker centred on `canvas`, in as many columns as the policies need; a name in `references` is
    /// followed by `ref` (it reads true lengths: a yardstick, not a router).
    static func draw(policyNames: [String], references: Set<String> = [], current: String, in canvas: Canvas) {
        let entries: [StyledText] = policyNames.enumerated().map { index, name in
            var line = StyledText(KeyMap.policyKey(index).map { "\($0) " } ?? "  ", CellStyle.accent.bold)
            line.append(name, name == current ? CellStyle.accent.bold : .text)
            if references.contains(name) { line.append(" ref", .dim) }
            if name == current { line.append(" ◂", .accent) }
            return line
        }
        let cell = (entries.map(\.width).max() ?? 10) + 2
        let maxRows = max(1, canvas.height - 4)
        let columns = max(1, min((canvas.width - 4) / max(1, cell), (entries.count + maxRows - 1) / maxRows))
        let rows = (entries.count + columns - 1) / columns
        var cancel = StyledText("esc ", CellStyle.accent.bold)
        cancel.append("cancel", .dim)
        let width = min(canvas.width - 2, max(columns * cell, cancel.width) + 4)
        let box = canvas.centred(width: width, height: min(canvas.height, rows + 3))
        let inner = Box.draw(in: box, title: StyledText("Choose a policy", CellStyle.accent.bold), border: .accent)
        for (index, entry) in entries.enumerated() {
            let column = index / rows
            let row = index % rows
            guard row < inner.height - 1 else { continue }
            inner.write(entry.truncated(to: cell - 1), x: 1 + column * cell, y: row)
        }
        inner.write(cancel, x: 1, y: min(rows, inner.height - 1))
    }
}
