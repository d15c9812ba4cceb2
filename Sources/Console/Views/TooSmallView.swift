/// What the console shows when the terminal is smaller than it can draw in: a plain message, centred.
enum TooSmallView {
    /// Draws the message for a terminal of `canvas`'s size that needs `minimumWidth`×`minimumHeight`.
    static func draw(minimumWidth: Int, minimumHeight: Int, in canvas: Canvas) {
        let lines: [(String, CellStyle)] = [
            ("Terminal too small", CellStyle.warn.bold),
            ("\(canvas.width)×\(canvas.height), need \(minimumWidth)×\(minimumHeight)", .text),
            ("Enlarge the window, or press q to quit.", .dim),
        ]
        let top = max(0, (canvas.height - lines.count) / 2)
        for (index, (text, style)) in lines.enumerated() {
            let shown = Format.truncate(text, canvas.width)
            canvas.write(shown, x: max(0, (canvas.width - shown.count) / 2), y: top + index, style: style)
        }
    }
}
