/// A terminal colour as a theme names it: the terminal's own colour, or an index into the 256-colour palette.
public enum ThemeColor: Sendable, Hashable, CustomStringConvertible {
    /// The terminal's default foreground or background (`use_default_colors`).
    case `default`
    /// A palette index in 0...255: 0–7 the basic colours, 8–15 their bright variants, 16–231 a 6×6×6 cube,
    /// 232–255 a grey ramp.
    case index(Int)

    /// The basic colour names in palette order; `bright-` plus a name adds 8.
    static let basicNames = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses a colour name (`red`, `bright-red`, `bright_red`, `brightred`, `grey`, `default`), case-insensitive.
    public init?(name: String) {
        let lowered = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        if lowered == "default" {
            self = .default
            return
        }
        if lowered == "grey" || lowered == "gray" {
            self = .index(8)
            return
        }
        var base = lowered
        var offset = 0
        if base.hasPrefix("bright-") {
            base.removeFirst("bright-".count)
            offset = 8
        } else if base.hasPrefix("bright") {
            base.removeFirst("bright".count)
            offset = 8
        }
        guard let position = Self.basicNames.firstIndex(of: base) else { return nil }
        self = .index(position + offset)
    }

    /// Creates a palette colour, or nil outside 0...255.
    public init?(index: Int) {
        guard (0...255).contains(index) else { return nil }
        self = .index(index)
    }

    public var description: String {
        switch self {
        case .default: "default"
        case .index(let n) where n < 8: Self.basicNames[n]
        case .index(let n) where n < 16: "bright-" + Self.basicNames[n - 8]
        case .index(let n): "\(n)"
        }
    }

    /// The curses colour number on a terminal with `available` colours: -1 for default, the index itself when it
    /// exists, otherwise the nearest basic colour.
    public func cursesNumber(available: Int) -> Int16 {
        guard case .index(let n) = self else { return -1 }
        if n < available { return Int16(n) }
        let palette = available >= 16 ? 16 : 8
        let target = Self.rgb(of: n)
        var best = 0
        var bestDistance = Int.max
        for candidate in 0..<palette {
            let c = Self.rgb(of: candidate)
            let distance =
                (c.0 - target.0) * (c.0 - target.0) + (c.1 - target.1) * (c.1 - target.1)
                + (c.2 - target.2) * (c.2 - target.2)
            if distance < bestDistance {
                bestDistance = distance
                best = candidate
            }
        }
        return Int16(best)
    }

    /// The xterm palette's RGB for index `n`.
    static func rgb(of n: Int) -> (Int, Int, Int) {
        let basic = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if n < 16 { return basic[max(0, n)] }
        if n < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let v = n - 16
            return (levels[v / 36], levels[(v / 6) % 6], levels[v % 6])
        }
        let grey = 8 + 10 * (n - 232)
        return (grey, grey, grey)
    }
}
