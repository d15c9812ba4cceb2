/// Why a strict parse of a Prometheus text scrape failed.
///
/// The ``description`` names the 1-based line, the reason and the text, for example
/// `Prometheus text line 7: label value is not terminated: 'x{a="b 1'.`
public struct PrometheusParseError: Error, CustomStringConvertible, Equatable, Sendable {
    private enum Code: Equatable, Sendable {
        case malformedLine(PrometheusParseIssue)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// The first malformed line of the scrape.
    static func malformedLine(_ issue: PrometheusParseIssue) -> PrometheusParseError {
        PrometheusParseError(.malformedLine(issue))
    }

    /// The issue that stopped the parse.
    public var issue: PrometheusParseIssue {
        switch code {
        case .malformedLine(let issue): issue
        }
    }

    /// The 1-based line number of the malformed line.
    public var line: Int { issue.line }

    public var description: String {
        switch code {
        case .malformedLine(let issue):
            "Prometheus text line \(issue.line): \(issue.reason): '\(issue.text)'."
        }
    }
}
