import CNCurses

/// A ``Screen`` on the terminal: views draw into an in-memory frame, and ``present()`` writes only the cells that
/// changed since the last frame to curses (runs of equal style as one call), then refreshes.
final class CursesScreen: Screen {
    private let terminal: CursesTerminal
    private var frame: GridScreen
    /// What the terminal shows now; nil forces a full redraw.
    private var shown: GridScreen?
    private var theme: Theme

    /// Cells written to curses by the last ``present()``; for checking the diff at work.
    private(set) var lastWrittenCells = 0

    init(terminal: CursesTerminal, theme: Theme) {
        self.terminal = terminal
        let size = terminal.size()
        self.frame = GridScreen(width: size.width, height: size.height)
        self.theme = terminal.colorEnabled ? theme : .mono
        applyColors()
    }

    var width: Int { frame.width }
    var height: Int { frame.height }

    func clear() { frame.clear() }

    func put(_ text: String, x: Int, y: Int, style: CellStyle) {
        frame.put(text, x: x, y: y, style: style)
    }

    /// Follows the terminal's size; after a change the next frame is drawn in full. Returns whether it changed.
    @discardableResult
    func syncSize() -> Bool {
        let size = terminal.size()
        guard size.width != frame.width || size.height != frame.height else { return false }
        frame = GridScreen(width: size.width, height: size.height)
        shown = nil
        return true
    }

    /// Switches the colours; the next frame is drawn in full. Without colour (NO_COLOR, or a terminal that has
    /// none) the screen keeps `mono`'s attributes, so roles stay apart.
    func setTheme(_ newTheme: Theme) {
        theme = terminal.colorEnabled ? newTheme : .mono
        applyColors()
        shown = nil
    }

    /// Writes the cells that changed since the last call (see ``GridDiff``), then refreshes the terminal.
    func present() {
        let full = shown == nil
        if full { werase(sy_stdscr()) }
        let runs = GridDiff.runs(from: shown, to: frame)
        for run in runs {
            // One wide character per cell: every console glyph is a single Unicode scalar.
            var characters = run.text.map { wchar_t(bitPattern: $0.unicodeScalars.first?.value ?? 32) }
            characters.append(0)
            let (attributes, pair) = cursesAttributes(run.style)
            _ = characters.withUnsafeBufferPointer { buffer in
                sy_put(Int32(run.y), Int32(run.x), buffer.baseAddress, attributes, pair)
            }
        }
        lastWrittenCells = runs.reduce(0) { $0 + $1.text.count }
        if full { clearok(sy_stdscr(), true) }
        wrefresh(sy_stdscr())
        let copy = shown ?? GridScreen(width: frame.width, height: frame.height)
        copy.copy(from: frame)
        shown = copy
    }

    /// Colour pair `n + 1` belongs to the n-th role.
    private func applyColors() {
        guard terminal.colorEnabled else { return }
        let background = theme.background.cursesNumber(available: terminal.colorCount)
        for (index, role) in ColorRole.allCases.enumerated() {
            let foreground = theme.color(for: role).cursesNumber(available: terminal.colorCount)
            init_pair(Int16(index + 1), foreground, background)
        }
    }

    private func cursesAttributes(_ style: CellStyle) -> (attr_t, Int16) {
        let attributes = style.attributes.union(theme.monochromeAttributes(for: style.role))
        var value = sy_a_normal()
        if attributes.contains(.bold) { value |= sy_a_bold() }
        if attributes.contains(.dim) { value |= sy_a_dim() }
        if attributes.contains(.reverse) { value |= sy_a_reverse() }
        if attributes.contains(.underline) { value |= sy_a_underline() }
        guard terminal.colorEnabled, let index = ColorRole.allCases.firstIndex(of: style.role) else {
            return (value, 0)
        }
        return (value, Int16(index + 1))
    }
}
