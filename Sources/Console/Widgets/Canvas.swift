/// A rectangle of a ``Screen`` that views draw into with coordinates relative to its top left; everything outside
/// the rectangle is clipped.
struct Canvas {
    let screen: any Screen
    /// The area on the screen, already clipped to the screen.
    let rect: Rect

    init(screen: any Screen, rect: Rect? = nil) {
        self.screen = screen
        let whole = Rect(x: 0, y: 0, width: screen.width, height: screen.height)
        self.rect = (rect ?? whole).intersection(whole)
    }

    var width: Int { rect.width }
    var height: Int { rect.height }

    /// A canvas over `area`, given relative to this one and clipped to it.
    func sub(_ area: Rect) -> Canvas {
        let moved = Rect(x: rect.x + area.x, y: rect.y + area.y, width: area.width, height: area.height)
        return Canvas(screen: screen, rect: moved.intersection(rect))
    }

    /// Writes `text` at (`x`, `y`), clipped; returns the column after the last character.
    @discardableResult
    func write(_ text: String, x: Int, y: Int, style: CellStyle = .text) -> Int {
        let count = text.count
        guard y >= 0, y < height, x < width, count > 0 else { return x + count }
        var piece = Substring(text)
        var column = x
        if column < 0 {
            piece = piece.dropFirst(-column)
            column = 0
        }
        piece = piece.prefix(width - column)
        screen.put(String(piece), x: rect.x + column, y: rect.y + y, style: style)
        return x + count
    }

    /// Writes styled text at (`x`, `y`), clipped; returns the column after it.
    @discardableResult
    func write(_ line: StyledText, x: Int = 0, y: Int) -> Int {
        var column = x
        for span in line.spans { column = write(span.text, x: column, y: y, style: span.style) }
        return column
    }

    /// Writes `line` so that it ends at the right edge (minus `margin` columns).
    func writeRight(_ line: StyledText, y: Int, margin: Int = 0) {
        write(line, x: width - margin - line.width, y: y)
    }

    /// Fills the whole canvas with `character`.
    func fill(_ character: Character = " ", style: CellStyle = .text) {
        let row = String(repeating: character, count: width)
        for y in 0..<height { write(row, x: 0, y: y, style: style) }
    }
}

extension Canvas {
    /// A canvas of `width`×`height` centred in this one (clipped to it).
    func centred(width: Int, height: Int) -> Canvas {
        let w = min(width, self.width)
        let h = min(height, self.height)
        return sub(Rect(x: (self.width - w) / 2, y: (self.height - h) / 2, width: w, height: h))
    }
}
