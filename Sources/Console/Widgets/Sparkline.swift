/// Sparklines from the eight block heights `▁▂▃▄▅▆▇█`.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The block for `value` on a scale from 0 to `maximum`.
    static func glyph(_ value: Double, maximum: Double) -> Character {
        guard maximum > 0, value.isFinite, value > 0 else { return levels[0] }
        let index = Int(min(value / maximum, 1) * Double(levels.count - 1) + 0.5)
        return levels[min(max(index, 0), levels.count - 1)]
    }

    /// Groups `values` into at most `width` columns, keeping the largest value of each group so spikes survive.
    /// Returns the values per column and, for each column, the index of the first value it holds.
    static func columns(_ values: [Double], width: Int) -> (values: [Double], starts: [Int]) {
        guard width > 0, !values.isEmpty else { return ([], []) }
        if values.count <= width { return (values, Array(values.indices)) }
        var out: [Double] = []
        var starts: [Int] = []
        for column in 0..<width {
            let start = column * values.count / width
            let end = max(start + 1, (column + 1) * values.count / width)
            out.append(values[start..<end].max() ?? 0)
            starts.append(start)
        }
        return (out, starts)
    }

    /// A sparkline of `values` at most `width` columns wide, scaled to their own maximum (or `maximum`).
    static func render(_ values: [Double], width: Int, maximum: Double? = nil) -> String {
        let grouped = columns(values, width: width).values
        let top = maximum ?? grouped.max() ?? 0
        return String(grouped.map { glyph($0, maximum: top) })
    }
}
