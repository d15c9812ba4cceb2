import RouterCore

/// Why engine metrics could not be read from a scrape.
///
/// The ``description`` is a full sentence naming the metric and the value, for example
/// `The vllm scrape has no 'vllm:num_requests_waiting' series.`
public struct EngineMetricsError: Error, CustomStringConvertible, Equatable, Sendable {
    private enum Code: Equatable, Sendable {
        case unknownEngine(sampleCount: Int)
        case missingMetric(String, kind: EngineKind)
        case invalidValue(String, value: Double)
    }

    private let code: Code

    private init(_ code: Code) {
        self.code = code
    }

    /// No sample had a `vllm:`, `sglang:` or `llamacpp:` name, and no kind was forced.
    static func unknownEngine(sampleCount: Int) -> EngineMetricsError {
        EngineMetricsError(.unknownEngine(sampleCount: sampleCount))
    }

    /// A metric the kind must publish has no series in the scrape.
    static func missingMetric(_ name: String, kind: EngineKind) -> EngineMetricsError {
        EngineMetricsError(.missingMetric(name, kind: kind))
    }

    /// A count gauge summed to a negative, non-finite or absurdly large value.
    static func invalidValue(_ name: String, value: Double) -> EngineMetricsError {
        EngineMetricsError(.invalidValue(name, value: value))
    }

    public var description: String {
        switch code {
        case .unknownEngine(let sampleCount):
            "The scrape's \(sampleCount) samples have no vllm:, sglang: or llamacpp: metric; set the engine kind "
                + "for this backend."
        case .missingMetric(let name, let kind):
            "The \(kind.rawValue) scrape has no '\(name)' series."
        case .invalidValue(let name, let value):
            "The metric '\(name)' has the value \(value), which is not a request count."
        }
    }
}
