import Histogram
import SwitchyardCore

/// Mean and percentiles of one latency, recorded in microseconds in an HdrHistogram (3 significant digits).
public struct LatencyRecorder: Sendable {
    var histogram = Histogram<UInt64>(highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)
    /// Exact sum in seconds, for the mean.
    public private(set) var sum = 0.0
    public private(set) var count = 0

    public init() {}

    /// Records `seconds`, `times` times (an iteration's duration is one inter-token gap for each decoding request).
    public mutating func record(_ seconds: Double, times: Int = 1) {
        guard times > 0 else { return }
        let micros = UInt64(max(0, min(seconds, 99_000_000)) * 1_000_000)
        _ = histogram.record(micros, count: UInt64(times))
        sum += seconds * Double(times)
        count += times
    }

    public mutating func merge(_ other: LatencyRecorder) {
        histogram.add(other.histogram)
        sum += other.sum
        count += other.count
    }

    public var mean: Double { count == 0 ? 0 : sum / Double(count) }

    /// The value at `percentile` (0–100), in seconds.
    public func percentile(_ percentile: Double) -> Double {
        count == 0 ? 0 : Double(histogram.valueAtPercentile(percentile)) / 1_000_000
    }

    public var summary: LatencySummary {
        LatencySummary(mean: mean, p50: percentile(50), p90: percentile(90), p99: percentile(99), count: count)
    }
}
