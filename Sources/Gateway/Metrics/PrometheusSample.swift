/// One sample line of a Prometheus text scrape: `name{label="value",...} value [timestamp]`.
///
/// Histogram and summary series keep their full sample names (`x_bucket`, `x_sum`, `x_count`) and their `le` or
/// `quantile` label; ``PrometheusScrape/family(ofSample:)`` maps them back to the family `x`.
public struct PrometheusSample: Sendable, Equatable {
    /// The sample's metric name, with any `_bucket`/`_sum`/`_count` suffix.
    public var name: String
    /// The labels, unescaped (`\\`, `\"` and `\n` resolved).
    public var labels: [String: String]
    /// The value; may be NaN or ±infinity, as the format allows.
    public var value: Double
    /// Milliseconds since the Unix epoch, when the line carries one.
    public var timestamp: Int64?

    public init(name: String, labels: [String: String] = [:], value: Double, timestamp: Int64? = nil) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestamp = timestamp
    }

    /// The upper bound of a histogram bucket, from its `le` label (`+Inf` included), or nil.
    public var bucketUpperBound: Double? { labels["le"].flatMap(PrometheusTextParser.parseFloat) }

    /// The quantile of a summary sample, from its `quantile` label, or nil.
    public var quantile: Double? { labels["quantile"].flatMap(PrometheusTextParser.parseFloat) }
}

/// The `# TYPE` of a metric family in the text format 0.0.4.
public enum PrometheusMetricType: String, Sendable, Equatable, CaseIterable {
    case counter
    case gauge
    case histogram
    case summary
    case untyped
}
