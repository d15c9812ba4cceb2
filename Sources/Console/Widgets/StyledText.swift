/// A line of text in several styles, built left to right.
struct StyledText: Sendable, Equatable, ExpressibleByStringLiteral {
    /// One run of text in one style.
    struct Span: Sendable, Equatable {
        var text: String
        var style: CellStyle
    }

    var spans: [Span] = []

    init() {}

    init(_ text: String, _ style: CellStyle = .text) {
        spans = [Span(text: text, style: style)]
    }

    init(stringLiteral value: String) {
        self.init(value)
    }

    /// Columns the text occupies.
    var width: Int { spans.reduce(0) { $0 + $1.text.count } }

    /// The plain text.
    var plain: String { spans.map(\.text).joined() }

    mutating func append(_ text: String, _ style: CellStyle = .text) {
        guard !text.isEmpty else { return }
        spans.append(Span(text: text, style: style))
    }

    mutating func append(_ other: StyledText) {
        spans.append(contentsOf: other.spans)
    }

    /// Appends spaces until the text is `column` wide.
    mutating func pad(to column: Int, _ style: CellStyle = .text) {
        let current = width
        if current < column { append(String(repeating: " ", count: column - current), style) }
    }

    /// The text cut to `limit` columns, ending in `…` in the last span's style when cut.
    func truncated(to limit: Int) -> StyledText {
        guard width > limit else { return self }
        var out = StyledText()
        var remaining = max(0, limit - 1)
        var lastStyle = CellStyle.dim
        for span in spans where remaining > 0 {
            let piece = String(span.text.prefix(remaining))
            out.append(piece, span.style)
            remaining -= piece.count
            lastStyle = span.style
        }
        if limit > 0 { out.append("…", lastStyle) }
        return out
    }
}
