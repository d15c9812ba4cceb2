/// A panel border with a title, in rounded box-drawing characters.
enum Box {
    /// Draws a border around `canvas` with `title` set into the top edge, clears the inside, and returns a canvas
    /// for the inside.
    @discardableResult
    static func draw(in canvas: Canvas, title: StyledText = StyledText(), border: CellStyle = .dim) -> Canvas {
        let w = canvas.width
        let h = canvas.height
        guard w >= 2, h >= 2 else { return canvas.sub(Rect(x: 0, y: 0, width: 0, height: 0)) }
        let inner = canvas.sub(Rect(x: 1, y: 1, width: w - 2, height: h - 2))
        inner.fill()
        let horizontal = String(repeating: "─", count: w - 2)
        canvas.write("╭" + horizontal + "╮", x: 0, y: 0, style: border)
        canvas.write("╰" + horizontal + "╯", x: 0, y: h - 1, style: border)
        for y in 1..<(h - 1) {
            canvas.write("│", x: 0, y: y, style: border)
            canvas.write("│", x: w - 1, y: y, style: border)
        }
        if title.width > 0, w > 6 {
            var framed = StyledText(" ", border)
            framed.append(title.truncated(to: w - 6))
            framed.append(" ", border)
            canvas.write(framed, x: 1, y: 0)
        }
        return inner
    }
}
