/// A grid of character cells that views draw into.
///
/// Two implementations: ``CursesScreen`` draws on the terminal, ``GridScreen`` keeps the cells in memory so tests can
/// read back the exact text a person would see. Every glyph the console uses occupies one column.
public protocol Screen: AnyObject {
    /// Columns.
    var width: Int { get }
    /// Rows.
    var height: Int { get }

    /// Sets every cell to a blank in the text style.
    func clear()

    /// Writes `text` from column `x` of row `y`, one character per column, dropping whatever falls off the screen.
    func put(_ text: String, x: Int, y: Int, style: CellStyle)
}
