/// What changed between two frames, as runs of adjacent changed cells in one style: what ``CursesScreen`` writes.
enum GridDiff {
    /// A run of changed cells in one row, all in one style.
    struct Run: Sendable, Equatable {
        var x: Int
        var y: Int
        var text: String
        var style: CellStyle
    }

    /// The runs that turn `previous` into `current`; every cell when there is no previous frame (or its size
    /// differs).
    /// - Complexity: O(width × height).
    static func runs(from previous: GridScreen?, to current: GridScreen) -> [Run] {
        let old = previous.flatMap { $0.width == current.width && $0.height == current.height ? $0 : nil }
        var runs: [Run] = []
        for y in 0..<current.height {
            var x = 0
            while x < current.width {
                let cell = current.cell(x: x, y: y)
                if let old, old.cell(x: x, y: y) == cell {
                    x += 1
                    continue
                }
                let start = x
                var text = ""
                while x < current.width {
                    let next = current.cell(x: x, y: y)
                    guard next.style == cell.style else { break }
                    if let old, old.cell(x: x, y: y) == next { break }
                    text.append(next.character)
                    x += 1
                }
                runs.append(Run(x: start, y: y, text: text, style: cell.style))
            }
        }
        return runs
    }
}
