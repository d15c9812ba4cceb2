/// A line of a scrape that the parser skipped, and why.
///
/// A lenient parse collects these and keeps every good sample, so one garbage line never costs a whole scrape.
public struct PrometheusParseIssue: Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line number in the scrape.
    public var line: Int
    /// The line as read (CR removed), clipped to ``PrometheusParseIssue/maxTextLength`` characters.
    public var text: String
    /// What was wrong, as a phrase: `"label value is not terminated"`.
    public var reason: String

    /// Longest `text` kept, so a megabyte of garbage on one line does not become a megabyte of report.
    public static let maxTextLength = 200

    public init(line: Int, text: String, reason: String) {
        self.line = line
        self.text = text
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason): '\(text)'" }
}
