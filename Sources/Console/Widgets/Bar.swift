/// Horizontal bars: a gauge for fractions and a row of pips for counts.
enum Bar {
    /// A gauge `width` cells wide for `fraction` in 0...1: filled cells `█` then empty cells `░`.
    static func gauge(_ fraction: Double, width: Int) -> (filled: String, empty: String) {
        guard width > 0 else { return ("", "") }
        let clamped = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        var cells = Int(clamped * Double(width) + 0.5)
        if clamped > 0, cells == 0 { cells = 1 }
        return (String(repeating: "█", count: cells), String(repeating: "░", count: width - cells))
    }

    /// Pips `▮` for `count` items in a bar `width` cells wide: one pip per item while `scale` fits the width, else
    /// proportional to `count / scale`. A nonzero count always shows at least one pip.
    static func pips(_ count: Int, scale: Int, width: Int) -> String {
        guard width > 0, count > 0 else { return "" }
        let cells: Int
        if scale <= width {
            cells = min(count, width)
        } else {
            cells = max(1, min(width, (count * width + scale - 1) / scale))
        }
        return String(repeating: "▮", count: cells)
    }
}
