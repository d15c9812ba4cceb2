/// A ``Screen`` that keeps its cells in memory: what tests render into, and the frame buffer behind the curses
/// screen.
public final class GridScreen: Screen {
    public let width: Int
    public let height: Int
    /// Row-major cells, `width * height` of them.
    public private(set) var cells: [Cell]

    /// Creates a blank grid.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        self.cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public func clear() {
        for index in cells.indices { cells[index] = .blank }
    }

    public func put(_ text: String, x: Int, y: Int, style: CellStyle) {
        guard y >= 0, y < height, x < width else { return }
        var column = x
        let rowStart = y * width
        for character in text {
            if column >= width { break }
            if column >= 0 { cells[rowStart + column] = Cell(character, style: style) }
            column += 1
        }
    }

    /// The cell at column `x`, row `y`; a blank outside the grid.
    public func cell(x: Int, y: Int) -> Cell {
        guard x >= 0, x < width, y >= 0, y < height else { return .blank }
        return cells[y * width + x]
    }

    /// Row `y` as text, without trailing spaces.
    public func line(_ y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var text = String(cells[(y * width)..<((y + 1) * width)].map(\.character))
        while text.last == " " { text.removeLast() }
        return text
    }

    /// Every row as text, without trailing spaces, joined by newlines.
    public func text() -> String {
        (0..<height).map(line).joined(separator: "\n")
    }

    /// The first row whose text contains `needle`, or nil.
    public func row(containing needle: String) -> Int? {
        (0..<height).first { line($0).contains(needle) }
    }

    /// Copies every cell of `other` (which must have the same size) into this grid.
    func copy(from other: GridScreen) {
        precondition(
            other.width == width && other.height == height,
            "grid sizes differ: \(other.width)x\(other.height) vs \(width)x\(height)"
        )
        cells = other.cells
    }
}
