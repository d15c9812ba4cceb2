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
        self.theme = theme
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

    /// Switches the colours; the next frame is drawn in full.
    func setTheme(_ newTheme: Theme) {
        theme = newTheme
        applyColors()
        shown = nil
    }

    /// Writes the cells that changed since the last call, then refreshes the terminal.
    func present() {
        let full = shown == nil
        if full { werase(sy_stdscr()) }
        var written = 0
        for y in 0..<frame.height {
            var x = 0
            while x < frame.width {
                let cell = frame.cell(x: x, y: y)
                if let shown, shown.cell(x: x, y: y) == cell {
                    x += 1
                    continue
                }
                var run: [wchar_t] = []
                let start = x
                while x < frame.width {
                    let next = frame.cell(x: x, y: y)
                    guard next.style == cell.style else { break }
                    if let shown, shown.cell(x: x, y: y) == next { break }
                    run.append(contentsOf: Self.wideCharacters(next.character))
                    x += 1
                }
                run.append(0)
                let (attributes, pair) = cursesAttributes(cell.style)
                _ = run.withUnsafeBufferPointer { buffer in
                    sy_put(Int32(y), Int32(start), buffer.baseAddress, attributes, pair)
                }
                written += x - start
            }
        }
        lastWrittenCells = written
        if full { clearok(sy_stdscr(), true) }
        wrefresh(sy_stdscr())
        let copy = shown ?? GridScreen(width: frame.width, height: frame.height)
        copy.copy(from: frame)
        shown = copy
    }

    /// One wide character per cell: the first scalar of the character (every console glyph is a single scalar).
    private static func wideCharacters(_ character: Character) -> [wchar_t] {
        guard let scalar = character.unicodeScalars.first else { return [wchar_t(32)] }
        return [wchar_t(bitPattern: scalar.value)]
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
