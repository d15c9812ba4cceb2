/// Number formatting for the console: short, fixed-width-friendly, without Foundation.
enum Format {
    /// `v` with `decimals` digits after the point, rounded half away from zero; "–" for NaN or infinity.
    static func fixed(_ v: Double, _ decimals: Int) -> String {
        guard v.isFinite else { return "–" }
        var scale = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = v.magnitude * Double(scale) + 0.5
        guard scaled < 9e15 else { return v < 0 ? "-∞" : "∞" }
        let n = Int(scaled)
        var text = (v < 0 && n != 0 ? "-" : "") + String(n / scale)
        if decimals > 0 {
            let fraction = String(n % scale)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return text
    }

    /// `1,234,567`.
    static func thousands(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// `950`, `4.1k`, `41k`, `1.2M`.
    static func compact(_ n: Int) -> String {
        let v = Double(n)
        switch n.magnitude {
        case ..<1000: return String(n)
        case ..<9950: return fixed(v / 1000, 1) + "k"
        case ..<999_500: return fixed(v / 1000, 0) + "k"
        case ..<9_950_000: return fixed(v / 1e6, 1) + "M"
        default: return fixed(v / 1e6, 0) + "M"
        }
    }

    /// A duration: `8.5ms`, `31ms`, `0.41s`, `4.21s`, `18.3s`, `123s`.
    static func seconds(_ s: Double) -> String {
        guard s.isFinite else { return "–" }
        let magnitude = s.magnitude
        if magnitude < 0.0005 { return "0s" }
        if magnitude < 0.01 { return fixed(s * 1000, 1) + "ms" }
        if magnitude < 0.1 { return fixed(s * 1000, 0) + "ms" }
        if magnitude < 10 { return fixed(s, 2) + "s" }
        if magnitude < 100 { return fixed(s, 1) + "s" }
        return fixed(s, 0) + "s"
    }

    /// A rate: `5.2` below 100, then `1,234`.
    static func rate(_ r: Double) -> String {
        guard r.isFinite else { return "–" }
        return r.magnitude < 100 ? fixed(r, 1) : thousands(Int(r + (r < 0 ? -0.5 : 0.5)))
    }

    /// A speed factor: `0.25`, `0.5`, `1.0`, `20`.
    static func speed(_ x: Double) -> String {
        if x < 1 {
            var text = fixed(x, 2)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }
        return x < 10 ? fixed(x, 1) : fixed(x, 0)
    }

    /// A fraction in 0...1 as a whole percentage: `47%`.
    static func percent(_ fraction: Double) -> String { fixed(fraction * 100, 0) + "%" }

    /// A relative change with its sign: `+12.3%`, `-4.0%`, `±0.0%`.
    static func signedPercent(_ change: Double) -> String {
        guard change.isFinite else { return "–" }
        let text = fixed(change.magnitude * 100, 1)
        if text == "0.0" { return "±0.0%" }
        return (change < 0 ? "-" : "+") + text + "%"
    }

    /// A policy score: two decimals below 10, one below 100, then whole or compact.
    static func score(_ v: Double) -> String {
        // By the magnitude the text will show: 9.996 prints as 10.0, not 10.00, and keeps its row aligned.
        let m = v.magnitude
        if (m * 100).rounded() < 1000 { return fixed(v, 2) }
        if (m * 10).rounded() < 1000 { return fixed(v, 1) }
        if m.rounded() < 10_000 { return fixed(v, 0) }
        return v.isFinite ? compact(Int(v)) : "–"
    }

    /// `text` cut to `width` columns, ending in `…` when cut.
    static func truncate(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Backend names without the `host` they all share when they are `host:port` (bare URLs): `:23001`, `:23002`.
    /// Names that do not all share a host are returned as they are.
    static func withoutSharedHost(_ names: [String]) -> [String] {
        guard names.count > 1, let colon = names[0].lastIndex(of: ":") else { return names }
        let host = names[0][..<colon]
        guard !host.isEmpty, names.allSatisfy({ $0.hasPrefix(host + ":") }) else { return names }
        return names.map { String($0.dropFirst(host.count)) }
    }

    /// `text` cut from the left to `width` columns, keeping its end, where backend names differ (`…1:23001` for
    /// `127.0.0.1:23001`).
    static func keepingTail(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return "…" + String(text.suffix(width - 1))
    }

    /// `text` padded with spaces (or cut) to exactly `width` columns; right-aligned when `right`.
    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        if count >= width { return String(text.prefix(max(0, width))) }
        let padding = String(repeating: " ", count: width - count)
        return right ? padding + text : text + padding
    }
}
