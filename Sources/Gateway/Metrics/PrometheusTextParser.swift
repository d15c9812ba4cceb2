/// A parser for the Prometheus text exposition format 0.0.4, as vLLM, SGLang and llama.cpp serve on `/metrics`.
///
/// It reads `# HELP` and `# TYPE` lines, samples `name{label="value",...} value [timestamp]` (label escapes `\\`,
/// `\"` and `\n`; values such as `NaN`, `+Inf`, `-Inf` and `1.5e+09`), histogram and summary series with their `le`
/// and `quantile` labels, blank lines, other comments, and CRLF line ends.
///
/// A lenient ``parse(_:)`` never fails: it skips each malformed line, records it as a ``PrometheusParseIssue`` and
/// keeps every good sample. ``parseStrict(_:)`` throws at the first malformed line instead. Label values that are not
/// valid UTF-8 are decoded with replacement characters rather than rejected.
///
/// - Complexity: O(*n*) in the length of the text: one pass over its UTF-8 bytes, no regular expressions, no
///   backtracking.
public struct PrometheusTextParser: Sendable {
    public init() {}

    /// Parses a scrape, skipping malformed lines and reporting them in ``PrometheusScrape/issues``.
    public func parse(_ text: String) -> PrometheusScrape {
        var text = text
        return text.withUTF8 { Self.run($0, stopAtFirstIssue: false) }
    }

    /// Parses a scrape given as UTF-8 bytes (an HTTP body), skipping malformed lines.
    public func parse(utf8 bytes: [UInt8]) -> PrometheusScrape {
        bytes.withUnsafeBufferPointer { Self.run($0, stopAtFirstIssue: false) }
    }

    /// Parses a scrape and fails at the first malformed line.
    ///
    /// - Throws: ``PrometheusParseError`` naming the 1-based line, the reason and the text.
    public func parseStrict(_ text: String) throws(PrometheusParseError) -> PrometheusScrape {
        var text = text
        let scrape = text.withUTF8 { Self.run($0, stopAtFirstIssue: true) }
        if let issue = scrape.issues.first { throw .malformedLine(issue) }
        return scrape
    }

    /// Parses a scrape given as UTF-8 bytes and fails at the first malformed line.
    ///
    /// - Throws: ``PrometheusParseError`` naming the 1-based line, the reason and the text.
    public func parseStrict(utf8 bytes: [UInt8]) throws(PrometheusParseError) -> PrometheusScrape {
        let scrape = bytes.withUnsafeBufferPointer { Self.run($0, stopAtFirstIssue: true) }
        if let issue = scrape.issues.first { throw .malformedLine(issue) }
        return scrape
    }

    /// Parses a sample value as the format allows: decimal and exponent forms, `NaN`, `+Inf`, `-Inf`.
    static func parseFloat(_ token: some StringProtocol) -> Double? {
        guard let first = token.utf8.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t") else {
            return nil
        }
        return Double(String(token))
    }

    private static func run(_ bytes: UnsafeBufferPointer<UInt8>, stopAtFirstIssue: Bool) -> PrometheusScrape {
        var scrape = PrometheusScrape()
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            var newline = lineStart
            while newline < bytes.count && bytes[newline] != UInt8(ascii: "\n") { newline += 1 }
            lineNumber += 1
            var lineEnd = newline
            if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            var cursor = LineCursor(bytes: bytes, position: lineStart, end: lineEnd)
            do {
                try cursor.parseLine(into: &scrape)
            } catch {
                scrape.issues.append(
                    PrometheusParseIssue(
                        line: lineNumber,
                        text: clippedText(bytes, lineStart..<lineEnd),
                        reason: error.reason
                    )
                )
                if stopAtFirstIssue { break }
            }
            lineStart = newline + 1
        }
        return scrape
    }

    private static func clippedText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let byteLimit = PrometheusParseIssue.maxTextLength * 4
        let upper = min(range.upperBound, range.lowerBound + byteLimit)
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range.lowerBound..<upper]), as: UTF8.self)
        return String(text.prefix(PrometheusParseIssue.maxTextLength))
    }
}

/// Why one line was rejected; becomes ``PrometheusParseIssue/reason``.
private struct LineFailure: Error {
    var reason: String
}

/// A position inside one line (CR and LF already excluded) of the scrape's bytes.
private struct LineCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")

    var atEnd: Bool { position >= end }
    var current: UInt8? { atEnd ? nil : bytes[position] }

    mutating func parseLine(into scrape: inout PrometheusScrape) throws(LineFailure) {
        skipBlanks()
        guard let first = current else { return }
        if first == UInt8(ascii: "#") {
            position += 1
            try parseComment(into: &scrape)
        } else {
            scrape.samples.append(try parseSample(types: scrape.types))
        }
    }

    // MARK: Comments

    private mutating func parseComment(into scrape: inout PrometheusScrape) throws(LineFailure) {
        skipBlanks()
        let keyword = readToken()
        guard keyword == "HELP" || keyword == "TYPE" else { return }
        skipBlanks()
        let name = readMetricName()
        guard !name.isEmpty else { throw LineFailure(reason: "\(keyword) line has no metric name") }
        if keyword == "HELP" {
            if let next = current, !Self.isBlank(next) {
                throw LineFailure(reason: "unexpected character after the metric name in HELP")
            }
            skipOneBlank()
            guard scrape.help[name] == nil else { throw LineFailure(reason: "second HELP line for family \(name)") }
            scrape.help[name] = try readEscaped(terminator: nil)
            return
        }
        guard let next = current, Self.isBlank(next) else { throw LineFailure(reason: "TYPE line has no type") }
        skipBlanks()
        let typeToken = readToken()
        guard let type = PrometheusMetricType(rawValue: typeToken) else {
            throw LineFailure(
                reason: "unknown metric type '\(typeToken)' (expected counter, gauge, histogram, summary or untyped)"
            )
        }
        skipBlanks()
        guard atEnd else { throw LineFailure(reason: "unexpected text after the TYPE") }
        guard scrape.types[name] == nil else { throw LineFailure(reason: "second TYPE line for family \(name)") }
        scrape.types[name] = type
    }

    // MARK: Samples

    private mutating func parseSample(types: [String: PrometheusMetricType]) throws(LineFailure) -> PrometheusSample {
        let name = readMetricName()
        guard !name.isEmpty else { throw LineFailure(reason: "line does not start with a metric name") }
        var labels: [String: String] = [:]
        if current == UInt8(ascii: "{") {
            position += 1
            labels = try readLabels()
        } else if let next = current, !Self.isBlank(next) {
            throw LineFailure(reason: "unexpected character after the metric name")
        }
        skipBlanks()
        guard !atEnd else { throw LineFailure(reason: "sample has no value") }
        let valueToken = readToken()
        guard let value = PrometheusTextParser.parseFloat(valueToken) else {
            throw LineFailure(reason: "value '\(valueToken)' is not a number")
        }
        skipBlanks()
        var timestamp: Int64?
        if !atEnd {
            let timestampToken = readToken()
            guard let parsed = Int64(timestampToken) else {
                throw LineFailure(reason: "timestamp '\(timestampToken)' is not an integer of milliseconds")
            }
            timestamp = parsed
            skipBlanks()
            guard atEnd else { throw LineFailure(reason: "unexpected text after the timestamp") }
        }
        try Self.checkBucketLabels(name: name, labels: labels, types: types)
        return PrometheusSample(name: name, labels: labels, value: value, timestamp: timestamp)
    }

    /// Checks that a histogram bucket has a numeric `le` and a summary quantile a numeric `quantile`.
    private static func checkBucketLabels(
        name: String,
        labels: [String: String],
        types: [String: PrometheusMetricType]
    ) throws(LineFailure) {
        if name.hasSuffix("_bucket"), types[String(name.dropLast("_bucket".count))] == .histogram {
            guard let bound = labels["le"] else { throw LineFailure(reason: "histogram bucket has no 'le' label") }
            guard PrometheusTextParser.parseFloat(bound) != nil else {
                throw LineFailure(reason: "histogram bucket bound le='\(bound)' is not a number")
            }
        } else if types[name] == .summary {
            guard let quantile = labels["quantile"] else {
                throw LineFailure(reason: "summary sample has no 'quantile' label")
            }
            guard PrometheusTextParser.parseFloat(quantile) != nil else {
                throw LineFailure(reason: "summary quantile='\(quantile)' is not a number")
            }
        }
    }

    private mutating func readLabels() throws(LineFailure) -> [String: String] {
        var labels: [String: String] = [:]
        while true {
            skipBlanks()
            guard let next = current else { throw LineFailure(reason: "label set is not closed with '}'") }
            if next == UInt8(ascii: "}") {
                position += 1
                return labels
            }
            let labelName = readLabelName()
            guard !labelName.isEmpty else { throw LineFailure(reason: "expected a label name") }
            skipBlanks()
            guard current == UInt8(ascii: "=") else {
                throw LineFailure(reason: "expected '=' after label name '\(labelName)'")
            }
            position += 1
            skipBlanks()
            guard current == Self.quote else {
                throw LineFailure(reason: "value of label '\(labelName)' is not quoted")
            }
            position += 1
            let value = try readEscaped(terminator: Self.quote)
            guard labels.updateValue(value, forKey: labelName) == nil else {
                throw LineFailure(reason: "label '\(labelName)' appears twice")
            }
            skipBlanks()
            if current == UInt8(ascii: ",") {
                position += 1
            } else if current != UInt8(ascii: "}") {
                throw LineFailure(reason: "expected ',' or '}' after label '\(labelName)'")
            }
        }
    }

    /// Reads text with `\\`, `\"` (only inside a label value) and `\n` escapes up to `terminator` (consumed), or to
    /// the end of the line when `terminator` is nil (HELP text, where other escapes pass through as written).
    private mutating func readEscaped(terminator: UInt8?) throws(LineFailure) -> String {
        var unescaped: [UInt8] = []
        var segmentStart = position
        while position < end {
            let byte = bytes[position]
            if byte == terminator {
                unescaped.append(contentsOf: bytes[segmentStart..<position])
                position += 1
                return String(decoding: unescaped, as: UTF8.self)
            }
            guard byte == Self.backslash else {
                position += 1
                continue
            }
            unescaped.append(contentsOf: bytes[segmentStart..<position])
            guard position + 1 < end else {
                if terminator == nil {
                    unescaped.append(byte)
                    position += 1
                    segmentStart = position
                    continue
                }
                throw LineFailure(reason: "label value is not terminated")
            }
            let escaped = bytes[position + 1]
            switch escaped {
            case Self.backslash: unescaped.append(Self.backslash)
            case UInt8(ascii: "n"): unescaped.append(UInt8(ascii: "\n"))
            case Self.quote where terminator != nil: unescaped.append(Self.quote)
            default:
                guard terminator == nil else {
                    throw LineFailure(reason: "invalid escape '\\\(Character(Unicode.Scalar(escaped)))' in label value")
                }
                unescaped.append(byte)
                unescaped.append(escaped)
            }
            position += 2
            segmentStart = position
        }
        guard terminator == nil else { throw LineFailure(reason: "label value is not terminated") }
        unescaped.append(contentsOf: bytes[segmentStart..<position])
        return String(decoding: unescaped, as: UTF8.self)
    }

    // MARK: Tokens

    private mutating func readMetricName() -> String {
        let start = position
        while let byte = current, Self.isNameByte(byte, first: position == start, colon: true) { position += 1 }
        return text(start..<position)
    }

    private mutating func readLabelName() -> String {
        let start = position
        while let byte = current, Self.isNameByte(byte, first: position == start, colon: false) { position += 1 }
        return text(start..<position)
    }

    /// Reads up to the next blank or the end of the line.
    private mutating func readToken() -> String {
        let start = position
        while let byte = current, !Self.isBlank(byte) { position += 1 }
        return text(start..<position)
    }

    private mutating func skipBlanks() {
        while let byte = current, Self.isBlank(byte) { position += 1 }
    }

    private mutating func skipOneBlank() {
        if let byte = current, Self.isBlank(byte) { position += 1 }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Metric names match `[a-zA-Z_:][a-zA-Z0-9_:]*`, label names the same without `:`.
    private static func isNameByte(_ byte: UInt8, first: Bool, colon: Bool) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): true
        case UInt8(ascii: "0")...UInt8(ascii: "9"): !first
        case UInt8(ascii: ":"): colon
        default: false
        }
    }
}
