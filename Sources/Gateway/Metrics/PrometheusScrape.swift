/// The result of parsing one Prometheus text scrape: the good samples, the family types and the skipped lines.
public struct PrometheusScrape: Sendable, Equatable {
    /// Every well-formed sample, in the order of the text.
    public var samples: [PrometheusSample]
    /// The `# TYPE` of each family that declared one, keyed by family name.
    public var types: [String: PrometheusMetricType]
    /// The `# HELP` text of each family that gave one, unescaped.
    public var help: [String: String]
    /// The lines that were skipped as malformed, in order.
    public var issues: [PrometheusParseIssue]

    public init(
        samples: [PrometheusSample] = [],
        types: [String: PrometheusMetricType] = [:],
        help: [String: String] = [:],
        issues: [PrometheusParseIssue] = []
    ) {
        self.samples = samples
        self.types = types
        self.help = help
        self.issues = issues
    }

    /// The samples whose name is exactly `name`.
    ///
    /// - Complexity: O(*n*) in the number of samples.
    public func samples(named name: String) -> [PrometheusSample] {
        samples.filter { $0.name == name }
    }

    /// The sum of the values of every series named `name`, or nil when there is none.
    ///
    /// Engines split a gauge by `model_name`, `engine` or rank labels; summing gives the instance's total.
    /// - Complexity: O(*n*) in the number of samples.
    public func sum(of name: String) -> Double? {
        var total: Double?
        for sample in samples where sample.name == name {
            total = (total ?? 0) + sample.value
        }
        return total
    }

    /// Whether any sample or declared family has the name `name`.
    public func contains(_ name: String) -> Bool {
        types[name] != nil || samples.contains { $0.name == name }
    }

    /// The family a sample belongs to: its own name, or the name without `_bucket`, `_sum` or `_count` when that
    /// base is a declared histogram or summary.
    public func family(ofSample name: String) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            switch types[base] {
            case .histogram: return base
            case .summary where suffix != "_bucket": return base
            default: continue
            }
        }
        return name
    }

    /// The declared type of the family a sample belongs to, or nil when it declared none.
    public func type(ofSample name: String) -> PrometheusMetricType? {
        types[family(ofSample: name)]
    }
}
